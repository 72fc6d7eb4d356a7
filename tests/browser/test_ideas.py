"""Ideas in a real browser: post with a pin and a photo, similar ideas while typing, support
without a reload, comment and reply, the same without JavaScript, the map of ideas, and axe-core
on the idea pages at phone and desktop widths.

The ideas UI is being translated while these tests are written, so they find things by role,
field id, CSS selector and attribute, never by a translated text of the ideas pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, StorageState, expect
from sqlmodel import Session, col, func, select

from ideas import actions
from ideas.forms import AnswerDraft, CommentDraft, IdeaDraft
from ideas.models import Idea
from participation.actions import do_create_user, user_by_email
from participation.database import Database
from participation.models import Role, User
from participation.photos import StoredPhoto, store_photo
from tests.browser.conftest import (
    DESKTOP,
    LOCALE,
    PHONE,
    LiveServer,
    NewContext,
    assert_accessible,
    assert_fits,
    watch_for_errors,
)
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

VIEWPORTS = [pytest.param(PHONE, id="360px"), pytest.param(DESKTOP, id="1280px")]
GHENT = (51.0543, 3.7174)
IDEA_URL = re.compile(r"/ideas/(\d+)$")
COORDINATES = re.compile(r"(-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?)")
MANY = 101
# A title with a word too long for a phone's width: it must wrap wherever it is shown.
LONG_TITLE = "Verkeersveiligheidsverbeteringsmaatregelenpakketvoorstel voor de Kortrijksesteenweg"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')

T = TypeVar("T")


# --- test data, written straight into the live server's database -----------------------------


def in_database(server: LiveServer, work: Callable[[Session], T]) -> T:
    """Run `work` in one write transaction on the live server's database."""
    db = Database(server.database_url)
    try:
        with db.write() as session:
            return work(session)
    finally:
        db.dispose()


def person(session: Session, address: str) -> User:
    found = user_by_email(session, address)
    assert found is not None, f"no account for {address}"
    return found


def jpeg(width: int = 64, height: int = 48, colour: str = "#c0392b") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG", quality=85)
    return out.getvalue()


def seed_idea(
    server: LiveServer,
    author: str,
    title: str,
    where: tuple[float, float] | None = None,
    photos: tuple[bytes, ...] = (),
) -> int:
    """An idea posted with the app's own action, as `author` would post it."""
    stored: list[StoredPhoto] = [
        store_photo(data, server.var_dir / "uploads", "ideas") for data in photos
    ]
    draft = IdeaDraft(
        title=title,
        body=f"{title}. Dat zou de buurt veel beter maken.",
        category_id=None,
        latitude=where[0] if where else None,
        longitude=where[1] if where else None,
    )

    def post(session: Session) -> int:
        idea = actions.do_post_idea(session, person(session, author), draft, stored)
        assert idea.id is not None
        return idea.id

    return in_database(server, post)


@dataclass(frozen=True)
class World:
    """Accounts and ideas shared by the tests of this module (each test adds its own too)."""

    author: str
    resident: str
    clerk: str
    rich_idea: int
    similar_idea: int


@pytest.fixture(scope="module")
def world(live_server: LiveServer) -> World:
    author, resident, clerk = "auteur@ideas.test", "bewoner@ideas.test", "griffie@ideas.test"

    def accounts(session: Session) -> None:
        for address, name, roles in [
            (author, "Aline", (Role.resident,)),
            (resident, "Bram", (Role.resident,)),
            (clerk, "Greet", (Role.resident, Role.clerk)),
        ]:
            do_create_user(
                session,
                email=address,
                display_name=name,
                password=PASSWORD,
                roles=roles,
                verified=True,
            )

    in_database(live_server, accounts)

    # Ideas with a place, spread around the centre, for the list and the map.
    for number, (dlat, dlng) in enumerate([(0.002, 0.001), (-0.003, 0.004), (0.01, -0.008)]):
        seed_idea(
            live_server,
            author,
            f"Meer groen in straat {number + 1}",
            (GHENT[0] + dlat, GHENT[1] + dlng),
        )

    # More than one page of the GeoJSON the map reads (100 a page), so the map must follow
    # links.next to show them all.
    def many(session: Session) -> None:
        poster = person(session, resident)
        for number in range(MANY):
            where = (GHENT[0] + (number // 10 - 5) * 0.003, GHENT[1] + (number % 10 - 5) * 0.004)
            draft = IdeaDraft(f"Bloembak nummer {number}", "Wat meer kleur.", None, *where)
            actions.do_post_idea(session, poster, draft, [])

    in_database(live_server, many)
    similar_idea = seed_idea(live_server, resident, "Overdekte fietsenstalling bij het station")
    seed_idea(live_server, resident, LONG_TITLE)

    # One idea with everything an idea page can show: photos, a place, a thread, an answer.
    rich_idea = seed_idea(
        live_server,
        author,
        "Een speeltuin op het Baudelopleintje",
        (GHENT[0] + 0.004, GHENT[1] - 0.002),
        photos=(jpeg(), jpeg(48, 64, "#1e8449")),
    )

    def discuss(session: Session) -> None:
        neighbour = person(session, resident)
        actions.do_support(session, rich_idea, neighbour, threshold=100)
        first = actions.do_comment(
            session, rich_idea, neighbour, CommentDraft("Goed idee, **graag**!", "for", None)
        )
        actions.do_comment(
            session,
            rich_idea,
            person(session, author),
            CommentDraft("Dank je, Bram.", None, first.id),
        )
        actions.do_comment(
            session, rich_idea, neighbour, CommentDraft("Wel graag met schaduw.", "neutral", None)
        )
        actions.do_answer(
            session,
            rich_idea,
            person(session, clerk),
            AnswerDraft("accepted", "We leggen de speeltuin aan in het voorjaar."),
        )

    in_database(live_server, discuss)
    return World(author, resident, clerk, rich_idea, similar_idea)


# --- signing in ------------------------------------------------------------------------------


def log_in(page: Page, address: str, password: str = PASSWORD) -> None:
    """Log in through the login form (found by field ids, not by its texts)."""
    page.goto("/login")
    page.locator("#field-email").fill(address)
    page.locator("#field-password").fill(password)
    page.locator("main form[action='/login'] button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    expect(page.locator("form[action='/logout']")).to_have_count(1)


SignedIn = Callable[[str], StorageState]


@pytest.fixture(scope="module")
def signed_in(chromium: Browser, live_server: LiveServer) -> SignedIn:
    """The cookies of a logged-in account, to open contexts without logging in each time."""
    states: dict[str, StorageState] = {}

    def state(address: str) -> StorageState:
        if address not in states:
            context = chromium.new_context(base_url=live_server.base_url, locale=LOCALE)
            try:
                # The login form's own POST, sent without rendering pages: the tests that are
                # about logging in use the form itself.
                form = context.request.get("/login")
                token = CSRF_META.search(form.text())
                assert token, "no csrf-token meta on /login"
                answer = context.request.post(
                    "/login",
                    form={"csrf_token": token.group(1), "email": address, "password": PASSWORD},
                    max_redirects=0,
                )
                assert answer.status == 303, f"login as {address}: {answer.status}"
                states[address] = context.storage_state()
            finally:
                context.close()
        return states[address]

    return state


def page_as(new_context: NewContext, signed_in: SignedIn, address: str, **options: object) -> Page:
    return new_context(storage_state=signed_in(address), **options).new_page()


# --- what the tests look at -------------------------------------------------------------------


def idea_id_of(page: Page) -> int:
    expect(page).to_have_url(IDEA_URL)
    found = IDEA_URL.search(page.url)
    assert found is not None
    return int(found.group(1))


def shown_coordinates(page: Page) -> tuple[float, float]:
    text = page.locator(".idea__place .coordinates").inner_text()
    found = COORDINATES.search(text)
    assert found, f"no coordinates in {text!r}"
    return float(found.group(1)), float(found.group(2))


def submit(page: Page, form: str) -> None:
    page.locator(f"{form} button[type=submit]").click()


NEW_IDEA_FORM = "main form[action='/ideas']"
COMMENT_FORM = "#comments > form.comment-form"


def wait_for_map(page: Page, selector: str) -> None:
    """Leaflet has made `selector` a map (so the script ran and its box is shown)."""
    expect(page.locator(f"{selector}.leaflet-container")).to_be_visible()


# --- the tests --------------------------------------------------------------------------------


def test_post_an_idea_with_a_pin_and_a_photo(
    page: Page, live_server: LiveServer, world: World, tmp_path: Path
) -> None:
    problems = watch_for_errors(page)
    photo = tmp_path / "stoep.jpg"
    photo.write_bytes(jpeg(320, 240))
    log_in(page, world.author)

    page.goto("/ideas/new")
    picker = page.locator("[data-map-picker]")
    wait_for_map(page, "[data-map-picker]")
    page.locator("#field-title").fill("Bredere stoep in de Veldstraat")
    page.locator("#field-body").fill("De stoep is te smal voor een kinderwagen.")
    expect(page.locator("#field-latitude")).to_have_value("")

    box = picker.bounding_box()
    assert box is not None
    picker.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.4})
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#field-latitude")).to_have_value(re.compile(r"^-?\d{1,2}\.\d{6}$"))
    expect(page.locator("#field-longitude")).to_have_value(re.compile(r"^-?\d{1,3}\.\d{6}$"))
    latitude = float(page.locator("#field-latitude").input_value())
    longitude = float(page.locator("#field-longitude").input_value())
    # The click was near the centre the map opens on.
    assert abs(latitude - GHENT[0]) < 0.05
    assert abs(longitude - GHENT[1]) < 0.05

    page.locator("#field-photos").set_input_files(photo)
    submit(page, NEW_IDEA_FORM)

    idea_id_of(page)
    expect(page.locator("h1#idea-title")).to_have_text("Bredere stoep in de Veldstraat")
    thumbnail = page.locator("ul.photos img")
    expect(thumbnail).to_have_count(1)
    thumbnail.scroll_into_view_if_needed()
    expect(thumbnail).to_have_attribute("src", re.compile(r"^/uploads/ideas/[0-9a-f]{32}-thumb"))
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    shown = shown_coordinates(page)
    assert shown == pytest.approx((latitude, longitude), abs=1e-6)
    wait_for_map(page, "[data-idea-map]")
    assert not problems, "\n".join(problems)


def test_similar_ideas_are_suggested_while_typing(
    new_context: NewContext, signed_in: SignedIn, world: World
) -> None:
    page = page_as(new_context, signed_in, world.author)
    problems = watch_for_errors(page)
    page.goto("/ideas/new")
    suggestions = page.locator("#similar-ideas")
    title = page.locator("#field-title")
    expect(suggestions).to_be_hidden()
    # Screen readers announce changes inside a live region that was already there: so the
    # region must stay while the suggestions inside it are swapped.
    live_region = page.locator("[aria-live]:has(> #similar-ideas)")
    expect(live_region).to_have_count(1)
    live_region.evaluate("region => { region.keptAcrossSwaps = true; }")

    with page.expect_response(lambda r: "/ideas/similar?" in r.url):
        title.press_sequentially("Zzyzx onvindbaar", delay=20)
    expect(suggestions.locator("a")).to_have_count(0)
    expect(suggestions).to_be_hidden()

    title.fill("")
    title.press_sequentially("Fietsenstalling aan het station", delay=20)
    link = suggestions.locator(f"a[href='/ideas/{world.similar_idea}']")
    expect(link).to_be_visible()
    expect(link).to_have_text("Overdekte fietsenstalling bij het station")
    assert live_region.evaluate("region => region.keptAcrossSwaps === true")
    assert not problems, "\n".join(problems)


def test_support_and_withdraw_support_without_a_reload(
    new_context: NewContext, signed_in: SignedIn, live_server: LiveServer, world: World
) -> None:
    idea_id = seed_idea(live_server, world.author, "Een bank bij de bushalte")
    page = page_as(new_context, signed_in, world.resident)
    problems = watch_for_errors(page)
    page.goto(f"/ideas/{idea_id}")
    count = page.locator("#support strong")
    button = page.locator("#support button")
    expect(count).to_have_text("0")
    expect(button).to_have_attribute("aria-pressed", "false")
    url = page.url
    page.evaluate("() => { window.stillTheSamePage = true; }")

    button.click()
    expect(count).to_have_text("1")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.url == url
    assert page.evaluate("() => window.stillTheSamePage === true"), "the page was reloaded"
    # The swapped-in button takes the focus back, so a keyboard user keeps their place.
    expect(button).to_be_focused()

    page.keyboard.press("Enter")
    expect(count).to_have_text("0")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_be_focused()
    assert page.url == url
    assert page.evaluate("() => window.stillTheSamePage === true"), "the page was reloaded"

    # The server kept it: a fresh load shows the same.
    page.reload()
    expect(count).to_have_text("0")
    assert not problems, "\n".join(problems)


def post_comment_and_reply(page: Page) -> None:
    """Comment with a stance, then reply to that comment; check the reply nests under it."""
    page.locator("#comment-body-new").fill("Heel goed idee, doen!")
    page.locator(f"{COMMENT_FORM} input[name=stance][value=for]").check()
    submit(page, COMMENT_FORM)

    comment = page.locator("#comment-list > li.comment").filter(has_text="Heel goed idee, doen!")
    expect(comment).to_have_count(1)
    article = comment.locator("> article")
    expect(article.locator(".stance--for")).to_have_count(1)
    comment_id = (article.get_attribute("id") or "").removeprefix("comment-")
    assert comment_id.isdigit(), f"comment article id: {comment_id!r}"

    reply_box = article.locator("details.reply")
    reply_box.locator("> summary").click()
    expect(reply_box).to_have_attribute("open", "")
    reply_box.locator(f"#comment-body-{comment_id}").fill("Akkoord, maar wel met een zebrapad.")
    submit(page, f"#comment-{comment_id} details.reply form")

    reply = page.locator(f"#comment-list > li.comment:has(> article#comment-{comment_id})").locator(
        "> ul.comment-replies > li.comment > article"
    )
    expect(reply).to_have_count(1)
    expect(reply.locator(".comment__body")).to_have_text("Akkoord, maar wel met een zebrapad.")
    expect(page.locator(f"#comment-{comment_id} .comment__body")).to_have_text(
        "Heel goed idee, doen!"
    )


def test_comment_and_reply(
    new_context: NewContext, signed_in: SignedIn, live_server: LiveServer, world: World
) -> None:
    idea_id = seed_idea(live_server, world.author, "Een drinkfontein in het park")
    page = page_as(new_context, signed_in, world.resident)
    problems = watch_for_errors(page)
    page.goto(f"/ideas/{idea_id}")
    post_comment_and_reply(page)
    assert not problems, "\n".join(problems)


def test_an_empty_reply_shows_its_error_in_the_reply_box(
    new_context: NewContext, signed_in: SignedIn, live_server: LiveServer, world: World
) -> None:
    idea_id = seed_idea(live_server, world.author, "Een fietspomp aan het gemeentehuis")

    def comment(session: Session) -> int:
        draft = CommentDraft("Handig voor iedereen.", None, None)
        posted = actions.do_comment(session, idea_id, person(session, world.author), draft)
        assert posted.id is not None
        return posted.id

    comment_id = in_database(live_server, comment)
    page = page_as(new_context, signed_in, world.resident)
    page.goto(f"/ideas/{idea_id}")
    reply_box = page.locator(f"#comment-{comment_id} details.reply")
    reply_box.locator("> summary").click()
    submit(page, f"#comment-{comment_id} details.reply form")

    # The error is shown where the reply was written, with the box still open, not on the
    # form for a new comment.
    expect(reply_box).to_have_attribute("open", "")
    reply_body = reply_box.locator(f"#comment-body-{comment_id}")
    expect(reply_body).to_have_attribute("aria-invalid", "true")
    expect(reply_body).to_have_attribute("aria-describedby", f"comment-body-{comment_id}-error")
    expect(page.locator(f"#comment-body-{comment_id}-error")).to_be_visible()
    expect(page.locator("#comment-body-new")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#comment-body-new-error")).to_have_count(0)
    assert_accessible(page)


def test_post_support_and_comment_without_javascript(new_context: NewContext, world: World) -> None:
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, world.resident)

    page.goto("/ideas/new")
    expect(page.locator("[data-map-picker]")).to_be_hidden()
    page.locator("#field-title").fill("Een boom op het Sint-Pietersplein")
    page.locator("#field-body").fill("Meer schaduw in de zomer.")
    page.locator("#field-latitude").fill("51,0431")
    page.locator("#field-longitude").fill("3.7265")
    submit(page, NEW_IDEA_FORM)

    idea_id = idea_id_of(page)
    expect(page.locator("h1#idea-title")).to_have_text("Een boom op het Sint-Pietersplein")
    assert shown_coordinates(page) == pytest.approx((51.0431, 3.7265))
    expect(page.locator("[data-idea-map]")).to_be_hidden()

    expect(page.locator("#support strong")).to_have_text("0")
    page.locator("#support button").click()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea_id}#support$"))
    expect(page.locator("#support strong")).to_have_text("1")
    expect(page.locator("#support button")).to_have_attribute("aria-pressed", "true")

    post_comment_and_reply(page)


SHOWN_ON_THE_MAP = """box => {
    const single = box.querySelectorAll(".leaflet-marker-icon:not(.marker-cluster)").length;
    const clustered = [...box.querySelectorAll(".marker-cluster")]
        .reduce((sum, cluster) => sum + Number(cluster.textContent.trim()), 0);
    return single + clustered;
}"""


# Markers and clusters stand still: Leaflet and markercluster animate zooms and fade markers in,
# and halfway an animation two clusters can overlap (axe would see too small targets).
MAP_AT_REST = """box => {
    if (box.querySelector(".leaflet-zoom-anim, .leaflet-cluster-anim")) return false;
    const now = [...box.querySelectorAll(".leaflet-marker-icon")]
        .map(el => { const r = el.getBoundingClientRect(); return `${r.x},${r.y}`; })
        .join(" ");
    const before = box.markersBefore;
    box.markersBefore = now;
    return now === before;
}"""


def wait_for_the_ideas_map(page: Page, expected: int) -> None:
    """Wait until the map shows `expected` ideas (single or in clusters) and stands still."""
    box = page.locator("[data-ideas-map]")
    page.wait_for_function(
        f"([box, expected]) => ({SHOWN_ON_THE_MAP})(box) === expected && ({MAP_AT_REST})(box)",
        arg=[box.element_handle(), expected],
        polling=200,
    )


def located_ideas(server: LiveServer) -> int:
    def count(session: Session) -> int:
        statement = select(func.count()).where(
            col(Idea.latitude).is_not(None), col(Idea.withdrawn_at).is_(None)
        )
        return session.exec(statement).one()

    return in_database(server, count)


def test_the_map_shows_the_ideas_with_a_place(
    page: Page, live_server: LiveServer, world: World
) -> None:
    problems = watch_for_errors(page)
    expected = located_ideas(live_server)
    assert expected > 100, "the map should need more than one page of GeoJSON"
    page.goto("/ideas/map")
    wait_for_map(page, "[data-ideas-map]")
    markers = page.locator("[data-ideas-map] :is(.leaflet-marker-icon, .marker-cluster)")
    expect(markers.first).to_be_visible()
    assert markers.count() > 0
    expect(page.locator("[data-ideas-map] .map__fallback")).to_have_count(0)

    # Every idea with a place is there, single or counted in a cluster, from every page.
    wait_for_the_ideas_map(page, expected)
    assert not problems, "\n".join(problems)


# --- accessibility and reflow -----------------------------------------------------------------


def open_ideas_list(page: Page, server: LiveServer, world: World) -> None:
    page.goto("/ideas")
    expect(page.locator("ul.idea-list > li.idea-card").first).to_be_visible()


def open_map(page: Page, server: LiveServer, world: World) -> None:
    page.goto("/ideas/map")
    wait_for_map(page, "[data-ideas-map]")
    wait_for_the_ideas_map(page, located_ideas(server))


def open_rich_idea(page: Page, server: LiveServer, world: World) -> None:
    page.goto(f"/ideas/{world.rich_idea}")
    expect(page.locator("ul.photos img")).to_have_count(2)
    expect(page.locator("#comment-list .comment-replies li.comment")).to_have_count(1)
    expect(page.locator(".timeline__step--official")).to_have_count(1)
    wait_for_map(page, "[data-idea-map]")


def open_new_idea(page: Page, server: LiveServer, world: World) -> None:
    page.goto("/ideas/new")
    wait_for_map(page, "[data-map-picker]")


def open_new_idea_with_errors(page: Page, server: LiveServer, world: World) -> None:
    open_new_idea(page, server, world)
    submit(page, NEW_IDEA_FORM)
    expect(page.locator(".error-summary[role=alert]")).to_be_visible()
    expect(page.locator("#field-title")).to_have_attribute("aria-invalid", "true")
    wait_for_map(page, "[data-map-picker]")


def open_new_idea_with_suggestions(page: Page, server: LiveServer, world: World) -> None:
    open_new_idea(page, server, world)
    page.locator("#field-title").fill(LONG_TITLE)
    expect(page.locator("#similar-ideas a").filter(has_text=LONG_TITLE)).to_be_visible()


PAGES = [
    pytest.param(open_ideas_list, id="list"),
    pytest.param(open_map, id="map"),
    pytest.param(open_rich_idea, id="idea"),
    pytest.param(open_new_idea, id="new"),
    pytest.param(open_new_idea_with_errors, id="new-with-errors"),
    pytest.param(open_new_idea_with_suggestions, id="new-with-suggestions"),
]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("open_page", PAGES)
def test_idea_pages_are_accessible_and_fit(
    new_context: NewContext,
    signed_in: SignedIn,
    world: World,
    live_server: LiveServer,
    open_page: Callable[[Page, LiveServer, World], None],
    viewport: dict[str, int],
) -> None:
    """axe-core finds nothing, and nothing scrolls sideways (signed in as a clerk: the most
    controls on the page)."""
    page = page_as(new_context, signed_in, world.clerk, viewport=viewport)
    problems = watch_for_errors(page)
    open_page(page, live_server, world)
    assert_accessible(page)
    assert_fits(page, viewport["width"])
    if open_page is open_new_idea_with_errors:
        # The form's answer to an empty form: 400 with the errors, as designed.
        problems = [p for p in problems if not re.search(r"\b400\b.*/ideas\)?$", p)]
    assert not problems, "\n".join(problems)
