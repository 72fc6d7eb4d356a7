"""Moderation in a real browser: a resident reports an idea and a comment through the report
form; a moderator works the queue with the keyboard only, and again without JavaScript; every
moderation page passes axe-core (WCAG 2.2 AA) and fits a 360 px screen."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    LiveServer,
    NewContext,
    assert_accessible,
    assert_fits,
    catch_dialogs,
    watch_for_errors,
)
from tests.browser.ideas_world import VIEWPORTS, SignedIn, page_as
from tests.browser.moderation_world import (
    HOSTILE,
    KEYBOARD_REASON,
    NO_SCRIPT_REASON,
    ModerationWorld,
    build_moderation_world,
    case_status,
    expect_success,
    focused_row_key,
    last_action,
    queue_keys,
    report_ideas,
    reports_of,
    row_of,
    visibility_of,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def moderation_world(live_server: LiveServer) -> ModerationWorld:
    return build_moderation_world(live_server)


def posted(path: str) -> Callable[..., bool]:
    return lambda response: response.request.method == "POST" and response.url.endswith(path)


def press_until(page: Page, key: str, done: Callable[[], bool], limit: int = 12) -> None:
    """Press `key` until `done()`, as a keyboard user would, at most `limit` times."""
    for _ in range(limit):
        if done():
            return
        page.keyboard.press(key)
    assert done(), f"{limit} presses of {key} were not enough"


def in_a_row(page: Page) -> bool:
    return bool(page.evaluate("() => !!document.activeElement.closest('[data-queue-row]')"))


# --- the resident reports ---------------------------------------------------------------------


def test_a_resident_reports_an_idea_through_its_report_link(
    new_context: NewContext,
    signed_in: SignedIn,
    live_server: LiveServer,
    moderation_world: ModerationWorld,
) -> None:
    page = page_as(new_context, signed_in, moderation_world.resident, viewport=PHONE)
    problems = watch_for_errors(page)
    idea_id = moderation_world.open_idea
    page.goto(f"/ideas/{idea_id}")
    page.locator(".idea__side a.report-link").click()
    expect(page).to_have_url(re.compile(r"/reports/new\?"))
    form = page.locator("form#report-form")
    expect(form).to_be_visible()
    assert_fits(page, PHONE["width"])

    # Sent without a reason: the error sits in the form, the details typed stay.
    form.locator("#field-details").fill(HOSTILE)
    with page.expect_response(posted("/reports")) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 400
    expect(page.locator("#field-reason-error")).to_be_visible()
    expect(page.locator(".error-summary a[href='#field-reason']")).to_have_count(1)
    expect(page.locator("#field-details")).to_have_value(HOSTILE)

    page.locator("#report-form input[name=reason][value=personal_data]").check()
    page.locator("#report-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea_id}$"))
    expect_success(page)
    assert reports_of(live_server, "idea", idea_id) == [("personal_data", HOSTILE)]

    # A second visit says it was reported already, with no form to send again.
    page.goto(f"/reports/new?content_type=idea&content_id={idea_id}")
    expect(page.locator("#already-reported")).to_be_visible()
    expect(page.locator("form#report-form")).to_have_count(0)
    problems = [p for p in problems if not re.search(r"\b400\b.*/reports\)?$", p)]
    assert not problems, "\n".join(problems)


def test_a_resident_reports_a_comment(
    new_context: NewContext,
    signed_in: SignedIn,
    live_server: LiveServer,
    moderation_world: ModerationWorld,
) -> None:
    page = page_as(new_context, signed_in, moderation_world.reporters[1])
    problems = watch_for_errors(page)
    idea_id, comment_id = moderation_world.open_idea, moderation_world.public_comment
    page.goto(f"/ideas/{idea_id}")
    page.locator(f"#comment-{comment_id} a.report-link").click()
    expect(page).to_have_url(
        re.compile(rf"/reports/new\?content_type=comment&content_id={comment_id}&")
    )
    page.locator("#report-form input[name=reason][value=spam]").check()
    page.locator("#report-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea_id}#comment-{comment_id}$"))
    expect_success(page)
    assert reports_of(live_server, "comment", comment_id) == [("spam", "")]
    assert not problems, "\n".join(problems)


# --- the moderator works the queue --------------------------------------------------------------


def test_a_moderator_works_the_queue_with_the_keyboard(
    new_context: NewContext,
    signed_in: SignedIn,
    live_server: LiveServer,
    moderation_world: ModerationWorld,
) -> None:
    first, second, third, fourth = report_ideas(live_server, moderation_world, KEYBOARD_REASON, 4)
    page = page_as(new_context, signed_in, moderation_world.moderator)
    problems = watch_for_errors(page)
    page.goto(f"/moderation?reason={KEYBOARD_REASON}")
    keys = [f"idea:{i}" for i in (first, second, third, fourth)]
    assert queue_keys(page) == keys

    # The reason for hides, chosen in the shared list with the arrow keys (it starts at the
    # reason the queue is filtered by, below "insult" in the list).
    reason = page.locator("#field-reason")
    reason.focus()
    press_until(page, "ArrowUp", lambda: reason.input_value() == "insult")
    # On into the queue with Tab; then j and k move from row to row.
    press_until(page, "Tab", lambda: in_a_row(page))
    assert focused_row_key(page) == keys[0]
    page.keyboard.press("j")
    assert focused_row_key(page) == keys[1]
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert focused_row_key(page) == keys[1]
    # The row the keyboard is on is marked, and not by colour alone: a thick outline.
    outline = page.locator(row_of(page, "idea", second)).evaluate(
        "row => getComputedStyle(row).outlineStyle + ' ' + getComputedStyle(row).outlineWidth"
    )
    assert outline == "solid 3px"

    # h hides the row for the reason chosen; the queue comes back without it, the keyboard on
    # the row that took its place.
    with page.expect_navigation():
        page.keyboard.press("h")
    expect(page).to_have_url(re.compile(rf"/moderation\?reason={KEYBOARD_REASON}$"))
    expect_success(page)
    assert queue_keys(page) == [keys[0], keys[2], keys[3]]
    assert visibility_of(live_server, "idea", second) == ("hidden", "insult")
    assert last_action(live_server, "idea", second) == ("hide", "insult")
    assert focused_row_key(page) == keys[2]

    # d dismisses the reports of the row the keyboard is on: the idea stays public.
    page.keyboard.press("j")
    assert focused_row_key(page) == keys[3]
    with page.expect_navigation():
        page.keyboard.press("d")
    expect_success(page)
    assert queue_keys(page) == [keys[0], keys[2]]
    assert visibility_of(live_server, "idea", fourth) == ("public", None)
    assert case_status(live_server, "idea", fourth) == "closed"
    assert last_action(live_server, "idea", fourth) == ("dismiss", None)
    assert focused_row_key(page) == keys[2]

    # o opens the row in context; the item page's own form takes the same keys.
    page.keyboard.press("k")
    with page.expect_navigation():
        page.keyboard.press("o")
    expect(page).to_have_url(re.compile(rf"/moderation/items/idea/{first}$"))
    expect(page.locator("#action-form button[data-shortcut=h]")).to_be_visible()
    assert not problems, "\n".join(problems)


def test_a_moderator_works_the_queue_without_javascript(
    new_context: NewContext,
    signed_in: SignedIn,
    live_server: LiveServer,
    moderation_world: ModerationWorld,
) -> None:
    first, second = report_ideas(live_server, moderation_world, NO_SCRIPT_REASON, 2)
    context = new_context(
        storage_state=signed_in(moderation_world.moderator),
        java_script_enabled=False,
        viewport=PHONE,
    )
    page = context.new_page()
    page.goto(f"/moderation?reason={NO_SCRIPT_REASON}")
    assert queue_keys(page) == [f"idea:{first}", f"idea:{second}"]
    assert_fits(page, PHONE["width"])

    # A row's Hide, with the shared reason chosen: a plain form post and a 303 back.
    page.locator("#field-reason").select_option("spam")
    with page.expect_response(posted("/moderation/bulk")) as answer:
        page.locator(row_of(page, "idea", second)).locator("button[data-shortcut=h]").click()
    assert answer.value.status == 303
    expect(page).to_have_url(re.compile(rf"/moderation\?reason={NO_SCRIPT_REASON}$"))
    expect_success(page)
    assert queue_keys(page) == [f"idea:{first}"]
    assert visibility_of(live_server, "idea", second) == ("hidden", "spam")

    # Ticked and dismissed in bulk, still without a script.
    page.locator(row_of(page, "idea", first)).locator("input[name=items]").check()
    page.locator("#field-action").select_option("dismiss")
    page.locator("#bulk-form button[type=submit]").click()
    expect_success(page)
    expect(page.locator("#queue-empty")).to_be_visible()
    assert case_status(live_server, "idea", first) == "closed"


def test_the_nav_and_the_queue_lead_to_every_moderation_page(
    new_context: NewContext, signed_in: SignedIn, moderation_world: ModerationWorld
) -> None:
    page = page_as(new_context, signed_in, moderation_world.moderator)
    page.goto("/")
    page.locator(".site-nav a[href='/moderation']").click()
    expect(page).to_have_url(re.compile(r"/moderation$"))
    expect(page.locator(".site-nav a[href='/moderation']")).to_have_attribute(
        "aria-current", "page"
    )
    for path in ("/moderation/appeals", "/moderation/words", "/moderation/log"):
        expect(page.locator(f".moderation-links a[href='{path}']")).to_have_count(1)
    expect(page.locator(".site-footer a[href='/transparency']")).to_have_count(1)

    resident = page_as(new_context, signed_in, moderation_world.resident)
    resident.goto("/")
    expect(resident.locator(".site-nav a[href='/moderation']")).to_have_count(0)
    resident.locator(".site-footer a[href='/transparency']").click()
    expect(resident).to_have_url(re.compile(r"/transparency$"))


# --- every page: axe-core and 360 px --------------------------------------------------------------

Opener = Callable[[Page, ModerationWorld], None]


def open_queue(page: Page, world: ModerationWorld) -> None:
    page.goto("/moderation")
    expect(page.locator(row_of(page, "idea", world.reported_idea))).to_be_visible()
    # The help for the shortcuts, open.
    page.locator("#shortcuts-help > summary").click()
    expect(page.locator("#shortcuts-help dl")).to_be_visible()


def open_queue_with_errors(page: Page, world: ModerationWorld) -> None:
    page.goto("/moderation")
    page.locator("#field-action").select_option("hide")
    page.locator("#bulk-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#field-reason")).to_have_attribute("aria-invalid", "true")


def open_item(page: Page, world: ModerationWorld) -> None:
    page.goto(f"/moderation/items/idea/{world.reported_idea}")
    expect(page.locator("#reports .report")).to_have_count(2)


def open_hostile_item(page: Page, world: ModerationWorld) -> None:
    page.goto(f"/moderation/items/idea/{world.hostile_idea}")
    expect(page.locator("#item-title")).to_contain_text(HOSTILE)


def open_hidden_comment(page: Page, world: ModerationWorld) -> None:
    page.goto(f"/moderation/items/comment/{world.hidden_comment}")
    expect(page.locator("#item-state .status--hidden")).to_be_visible()


def open_log(page: Page, world: ModerationWorld) -> None:
    page.goto("/moderation/log")
    expect(page.locator("#log .log-entry").first).to_be_visible()


def open_user(page: Page, world: ModerationWorld) -> None:
    page.goto(f"/moderation/users/{world.author_id}")
    expect(page.locator("#sanctions .sanction")).to_have_count(1)
    # The sanction's confirmation, open.
    page.locator("#sanction-form details.confirm > summary").click()
    expect(page.locator("#sanction-form button[type=submit]")).to_be_visible()


def open_words(page: Page, world: ModerationWorld) -> None:
    page.goto("/moderation/words")
    expect(page.locator("#words li")).to_have_count(1)


def open_appeals(page: Page, world: ModerationWorld) -> None:
    page.goto("/moderation/appeals")
    expect(page.locator("#appeals .appeal form")).to_have_count(1)


def open_mine(page: Page, world: ModerationWorld) -> None:
    page.goto("/me/moderation")
    # The hide (appealed already) and the warning, and whatever other tests decided since.
    expect(page.locator("#decisions .decision__appeal")).to_have_count(1)
    appeal = page.locator("#decisions details.appeal").first
    appeal.locator("> summary").click()
    expect(appeal.locator("textarea[name=text]")).to_be_visible()


def open_transparency(page: Page, world: ModerationWorld) -> None:
    page.goto("/transparency")
    expect(page.locator("table#per-month")).to_be_visible()
    expect(page.locator(".transparency-month").first).to_be_visible()


def open_report_form(page: Page, world: ModerationWorld) -> None:
    page.goto(f"/reports/new?content_type=idea&content_id={world.hostile_idea}")
    expect(page.locator("form#report-form")).to_be_visible()


def moderator(world: ModerationWorld) -> str:
    return world.moderator


def second_moderator(world: ModerationWorld) -> str:
    # Not the moderator who decided the hide: this one sees the form to decide the appeal.
    return world.second_moderator


def author(world: ModerationWorld) -> str:
    return world.author


def resident(world: ModerationWorld) -> str:
    # Not one who reported the hostile idea: this one sees the form.
    return world.resident


Who = Callable[[ModerationWorld], str] | None

PAGES = [
    pytest.param(moderator, open_queue, id="queue"),
    pytest.param(moderator, open_queue_with_errors, id="queue-errors"),
    pytest.param(moderator, open_item, id="item"),
    pytest.param(moderator, open_hostile_item, id="item-hostile"),
    pytest.param(moderator, open_hidden_comment, id="item-hidden"),
    pytest.param(moderator, open_log, id="log"),
    pytest.param(moderator, open_user, id="user"),
    pytest.param(moderator, open_words, id="words"),
    pytest.param(second_moderator, open_appeals, id="appeals"),
    pytest.param(author, open_mine, id="mine"),
    pytest.param(None, open_transparency, id="transparency"),
    pytest.param(resident, open_report_form, id="report-form"),
]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("who", "open_page"), PAGES)
def test_moderation_pages_are_accessible_and_fit(
    new_context: NewContext,
    signed_in: SignedIn,
    moderation_world: ModerationWorld,
    who: Who,
    open_page: Opener,
    viewport: dict[str, int],
) -> None:
    """axe-core finds nothing, nothing scrolls sideways at 360 px, no script runs from user
    text."""
    address = who(moderation_world) if who is not None else None
    page = page_as(new_context, signed_in, address, viewport=viewport)
    problems = watch_for_errors(page)
    dialogs = catch_dialogs(page)
    open_page(page, moderation_world)
    assert_accessible(page)
    assert_fits(page, viewport["width"])
    if open_page is open_queue_with_errors:
        # The form's answer to a hide without a reason: 400 with the errors, as designed.
        problems = [p for p in problems if not re.search(r"\b400\b.*/moderation/bulk\)?$", p)]
    assert not problems, "\n".join(problems)
    assert not dialogs, f"a script ran: {dialogs}"


def test_the_desktop_queue_is_one_column(
    new_context: NewContext, signed_in: SignedIn, moderation_world: ModerationWorld
) -> None:
    """j and k walk down one list: the rows stand under each other, not in a grid."""
    page = page_as(new_context, signed_in, moderation_world.moderator, viewport=DESKTOP)
    page.goto("/moderation")
    rows = page.locator("#queue [data-queue-row]")
    assert rows.count() >= 2
    lefts = {round(rows.nth(i).bounding_box()["x"]) for i in range(2)}  # type: ignore[index]
    assert len(lefts) == 1
