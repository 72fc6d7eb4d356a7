"""Council meetings and votes in a real browser: a clerk builds an agenda, a council member
pre-votes on a tablet and a phone (with and without JavaScript), a resident gives an advisory
vote (the pages' accessibility: test_voting_pages.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    PHONE,
    LiveServer,
    NewContext,
    assert_fits,
    catch_dialogs,
    watch_for_errors,
)
from tests.browser.ideas_world import SignedIn, log_in, page_as, submit
from tests.browser.voting_world import (
    ADD_ITEM_FORM,
    FIELD_TIME,
    HOSTILE,
    NEW_MEETING_FORM,
    TABLET,
    VotingWorld,
    agenda_links,
    item_anchor,
    mark_page,
    prevote_open,
    same_page,
    seed_item,
    zone_of,
)
from tests.voting.agenda_world import advisory_open

pytestmark = pytest.mark.browser

MEETING_URL = re.compile(r"/meetings/(\d+)$")


def add_agenda_item(page: Page, title: str, fill: Callable[[Page], None]) -> int:
    """Fill and send the meeting page's add-item form; return the new item's id."""
    page.locator("#field-title").fill(title)
    page.locator("#field-description").fill(f"De raad beslist over: {title}.")
    fill(page)
    submit(page, ADD_ITEM_FORM)
    _, item_id = item_anchor(page)
    expect(page.locator(f"#item-{item_id} > h3 a")).to_have_text(title)
    return item_id


def tab_to(page: Page, target: Locator, limit: int = 20) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would reach it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{limit} presses of Tab did not reach {target}")


def posted(path: str) -> Callable[..., bool]:
    return lambda response: response.request.method == "POST" and response.url.endswith(path)


# --- the clerk --------------------------------------------------------------------------------


def test_a_clerk_builds_an_agenda(
    page: Page, new_context: NewContext, live_server: LiveServer, voting_world: VotingWorld
) -> None:
    zone = zone_of(live_server)
    problems = watch_for_errors(page)
    log_in(page, voting_world.clerk)

    page.goto("/meetings/new")
    now = dt.datetime.now(zone).replace(second=0, microsecond=0)
    starts = (now + dt.timedelta(days=14)).replace(hour=19, minute=30)
    page.locator("#field-title").fill("Gemeenteraad van december")
    page.locator("#field-starts_at").fill(starts.strftime(FIELD_TIME))
    page.locator("#field-location").fill("Raadzaal, stadhuis")
    submit(page, NEW_MEETING_FORM)

    expect(page).to_have_url(MEETING_URL)
    found = MEETING_URL.search(page.url)
    assert found is not None
    meeting_id = int(found.group(1))
    expect(page.locator("h1#meeting-title")).to_have_text("Gemeenteraad van december")
    expect(page.locator(".meeting__location")).to_have_text("Raadzaal, stadhuis")
    when = page.locator(".meeting__head .facts time").get_attribute("datetime")
    assert when is not None
    assert dt.datetime.fromisoformat(when) == starts
    # A draft: the public does not see it yet.
    visitor = new_context().new_page()
    answer = visitor.goto(f"/meetings/{meeting_id}")
    assert answer is not None
    assert answer.status == 404

    def pre_vote(page: Page) -> None:
        page.locator("#field-vote_opens_at").fill(now.strftime(FIELD_TIME))
        page.locator("#field-vote_closes_at").fill(
            (starts - dt.timedelta(days=1)).replace(hour=12, minute=0).strftime(FIELD_TIME)
        )

    def advisory(page: Page) -> None:
        page.locator("#field-advisory").check()
        page.locator("#field-advisory_question").fill("Moet de raad het plan goedkeuren?")
        page.locator("#field-advisory_opens_at").fill(now.strftime(FIELD_TIME))
        page.locator("#field-advisory_closes_at").fill(
            (now + dt.timedelta(days=7)).strftime(FIELD_TIME)
        )

    def closed_session(page: Page) -> None:
        page.locator("#field-closed_session").check()

    pre_vote_item = add_agenda_item(page, "Begroting 2027", pre_vote)
    advisory_item = add_agenda_item(page, "Nieuw parkeerplan", advisory)
    closed_item = add_agenda_item(page, "Aanstelling van een diensthoofd", closed_session)
    expect(
        page.locator(f"#item-{pre_vote_item} .agenda-item__vote .status--pre_vote")
    ).to_be_visible()
    expect(
        page.locator(f"#item-{advisory_item} .agenda-item__advisory .status--open")
    ).to_be_visible()
    expect(page.locator(f"#item-{closed_item}.agenda-item--closed")).to_be_visible()
    assert agenda_links(page) == [
        f"/items/{i}" for i in (pre_vote_item, advisory_item, closed_item)
    ]

    page.locator(f"#item-{advisory_item} form:has(input[name=direction][value=up]) button").click()
    assert item_anchor(page) == (meeting_id, advisory_item)
    assert agenda_links(page) == [
        f"/items/{i}" for i in (advisory_item, pre_vote_item, closed_item)
    ]

    # Publishing asks to confirm first.
    confirm = page.locator("#publish form button[type=submit]")
    expect(confirm).to_be_hidden()
    page.locator("#publish > summary").click()
    confirm.click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting_id}$"))
    expect(page.locator(".meeting__meta .status--published")).to_be_visible()
    expect(page.locator("#publish")).to_have_count(0)
    assert not problems, "\n".join(problems)

    # The public sees the meeting and its public items in the new order, numbered so.
    visitor.goto("/meetings")
    visitor.locator(f"#meeting-{meeting_id} a[href='/meetings/{meeting_id}']").click()
    expect(visitor).to_have_url(re.compile(rf"/meetings/{meeting_id}$"))
    expect(visitor.locator("ol.agenda__items > li")).to_have_count(2)
    assert agenda_links(visitor) == [f"/items/{advisory_item}", f"/items/{pre_vote_item}"]
    expect(visitor.locator(".agenda-item__number")).to_have_text(["1.", "2."])
    expect(visitor.locator(f"a[href='/items/{closed_item}']")).to_have_count(0)
    expect(visitor.locator("form.item-form")).to_have_count(0)


def test_an_item_without_a_title_comes_back_with_the_error_and_the_text(
    new_context: NewContext, signed_in: SignedIn, voting_world: VotingWorld
) -> None:
    page = page_as(new_context, signed_in, voting_world.clerk)
    meeting_id = voting_world.meeting_id
    page.goto(f"/meetings/{meeting_id}")
    page.locator("#field-description").fill("Het *reglement* voor de markt.")
    page.locator("#field-advisory_question").fill("Bent u voor een zondagsmarkt?")
    page.locator("#field-closed_session").check()
    with page.expect_response(posted(f"/meetings/{meeting_id}/items")) as answer:
        submit(page, ADD_ITEM_FORM)
    assert answer.value.status == 400

    title = page.locator("#field-title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_attribute("aria-describedby", "field-title-error")
    # The error sits beside its field, and the summary links to that field.
    expect(page.locator(".field:has(> #field-title) > #field-title-error")).to_be_visible()
    expect(page.locator(".error-summary[role=alert] a")).to_have_count(1)
    expect(page.locator(".error-summary a[href='#field-title']")).to_have_count(1)
    expect(page.locator("#field-description")).to_have_value("Het *reglement* voor de markt.")
    expect(page.locator("#field-advisory_question")).to_have_value("Bent u voor een zondagsmarkt?")
    expect(page.locator("#field-closed_session")).to_be_checked()
    expect(page.locator("#field-description")).not_to_have_attribute("aria-invalid", "true")


# --- the council member -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "viewport", [pytest.param(TABLET, id="tablet"), pytest.param(PHONE, id="360px")]
)
def test_a_council_member_pre_votes(
    new_context: NewContext,
    live_server: LiveServer,
    voting_world: VotingWorld,
    viewport: dict[str, int],
) -> None:
    member = voting_world.members[0]
    item_id = seed_item(
        live_server,
        voting_world.clerk,
        voting_world.meeting_id,
        title=f"Subsidie voor de jeugdraad ({viewport['width']} px)",
        **prevote_open(),
    )
    page = new_context(viewport=viewport).new_page()
    problems = watch_for_errors(page)
    log_in(page, member)

    page.goto("/council")
    target = f"#council-vote-{item_id}"
    vote = page.locator(f"section:has(> #awaiting-title) {target}")
    expect(vote).to_be_visible()
    yes, no = (vote.locator(f"button[name=choice][value={c}]") for c in ("yes", "no"))
    current = vote.locator(f"{target}-current strong")
    expect(yes).to_have_attribute("aria-pressed", "false")
    expect(current).to_have_count(0)
    assert_fits(page, viewport["width"])
    url = page.url
    mark_page(page)

    with page.expect_response(posted(f"/items/{item_id}/council-vote")):
        yes.click()
    expect(yes).to_have_attribute("aria-pressed", "true")
    expect(current).to_have_text(yes.inner_text())
    assert page.url == url
    assert same_page(page), "the page was reloaded"

    # The second vote by keyboard: Tab from the item's title to "no", then Space.
    page.locator(f"li.desk-card:has({target}) h3 a").focus()
    tab_to(page, no)
    with page.expect_response(posted(f"/items/{item_id}/council-vote")):
        page.keyboard.press("Space")
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(yes).to_have_attribute("aria-pressed", "false")
    expect(current).to_have_text(no.inner_text())
    # The swapped-in button takes the focus back, so a keyboard user keeps their place.
    expect(no).to_be_focused()
    assert page.url == url
    assert same_page(page), "the page was reloaded"

    # The server kept it: after a reload the item is among my votes, no longer awaiting.
    page.reload()
    mine = page.locator(f"section:has(> #my-votes-title) {target}")
    expect(mine.locator("button[name=choice][value=no]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"section:has(> #awaiting-title) {target}")).to_have_count(0)
    assert_fits(page, viewport["width"])
    assert not problems, "\n".join(problems)

    # Without JavaScript, from the item page: a plain POST, redirected back to the vote.
    plain = new_context(viewport=viewport, java_script_enabled=False).new_page()
    log_in(plain, member)
    plain.goto(f"/items/{item_id}")
    vote = plain.locator(f"#council {target}")
    abstain = vote.locator("button[name=choice][value=abstain]")
    expect(vote.locator("button[name=choice][value=no]")).to_have_attribute("aria-pressed", "true")
    abstain.click()
    expect(plain).to_have_url(re.compile(rf"/items/{item_id}#council-vote-{item_id}$"))
    expect(abstain).to_have_attribute("aria-pressed", "true")
    expect(vote.locator(f"{target}-current strong")).to_have_text(abstain.inner_text())
    expect(plain.locator(".flashes .flash--success")).to_have_count(1)
    assert_fits(plain, viewport["width"])


# --- the resident -----------------------------------------------------------------------------


def test_a_resident_casts_an_advisory_vote(
    new_context: NewContext, live_server: LiveServer, voting_world: VotingWorld
) -> None:
    item_id = seed_item(
        live_server,
        voting_world.clerk,
        voting_world.meeting_id,
        title="Een nieuw openluchtzwembad",
        council_vote=False,
        advisory=advisory_open(dt.timedelta(days=3)),
    )
    page = new_context().new_page()
    problems = watch_for_errors(page)
    log_in(page, voting_world.resident)
    page.goto(f"/items/{item_id}")

    target = f"#advisory-vote-{item_id}"
    box = page.locator(f"#advisory {target}")
    yes, no = (box.locator(f"button[name=choice][value={c}]") for c in ("yes", "no"))
    current = box.locator(f"{target}-current")
    expect(yes).to_have_attribute("aria-pressed", "false")
    expect(no).to_have_attribute("aria-pressed", "false")
    mark_page(page)

    with page.expect_response(posted(f"/items/{item_id}/advisory-vote")):
        yes.click()
    expect(yes).to_have_attribute("aria-pressed", "true")
    expect(current).to_contain_text(yes.inner_text())
    # The results stay hidden until the vote closes.
    expect(box.locator(".advisory-vote__hidden")).to_be_visible()
    expect(box.locator("dl.tally")).to_have_count(0)

    with page.expect_response(posted(f"/items/{item_id}/advisory-vote")):
        no.click()
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(no).to_be_focused()
    expect(yes).to_have_attribute("aria-pressed", "false")
    expect(current).to_contain_text(no.inner_text())
    assert same_page(page), "the page was reloaded"

    page.reload()
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(box.locator("dl.tally")).to_have_count(0)
    assert not problems, "\n".join(problems)

    # A visitor is asked to log in, and sees no form and no results either.
    visitor = new_context().new_page()
    visitor.goto(f"/items/{item_id}")
    box = visitor.locator(f"#advisory {target}")
    expect(box.locator("a[href^='/login']")).to_be_visible()
    expect(box.locator("form")).to_have_count(0)
    expect(box.locator("dl.tally")).to_have_count(0)


def test_user_text_is_shown_as_text(new_context: NewContext, voting_world: VotingWorld) -> None:
    page = new_context().new_page()
    dialogs = catch_dialogs(page)
    item_id = voting_world.hostile_item

    page.goto(f"/meetings/{voting_world.meeting_id}")
    item = page.locator(f"#item-{item_id}")
    expect(item.locator("> h3 a")).to_have_text(HOSTILE)
    expect(item.locator("script, img")).to_have_count(0)

    page.goto(f"/items/{item_id}")
    expect(page.locator("h1#item-title")).to_contain_text(HOSTILE)
    expect(page.locator("main script, main img")).to_have_count(0)
    assert not dialogs


# --- accessibility and reflow -----------------------------------------------------------------
