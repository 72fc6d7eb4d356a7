"""What the ideas browser tests share: their accounts and ideas (the "world", written with
the app's own actions into the live server's database), signing in, and what they look at.

The tests find things by role, field id, CSS selector and attribute, never by a translated
text of the ideas pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, StorageState, expect
from sqlmodel import Session

from ideas import actions
from ideas.forms import AnswerDraft, CommentDraft, IdeaDraft
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
)
from tests.helpers import PASSWORD

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


def create_people(session: Session, people: Iterable[tuple[str, str, tuple[Role, ...]]]) -> None:
    """Verified accounts with the tests' password: (address, name, roles) for each."""
    for address, name, roles in people:
        do_create_user(
            session,
            email=address,
            display_name=name,
            password=PASSWORD,
            roles=roles,
            verified=True,
        )


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


def build_world(live_server: LiveServer) -> World:
    author, resident, clerk = "auteur@ideas.test", "bewoner@ideas.test", "griffie@ideas.test"

    def accounts(session: Session) -> None:
        create_people(
            session,
            [
                (author, "Aline", (Role.resident,)),
                (resident, "Bram", (Role.resident,)),
                (clerk, "Greet", (Role.resident, Role.clerk)),
            ],
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


def sign_in_states(chromium: Browser, live_server: LiveServer) -> SignedIn:
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


def page_as(
    new_context: NewContext, signed_in: SignedIn, address: str | None, **options: object
) -> Page:
    """A new page signed in as `address`, or a visitor's page if `address` is None."""
    if address is None:
        return new_context(**options).new_page()
    return new_context(storage_state=signed_in(address), **options).new_page()


# --- what the tests look at -------------------------------------------------------------------


def idea_id_of(page: Page) -> int:
    expect(page).to_have_url(IDEA_URL)
    found = IDEA_URL.search(page.url)
    assert found is not None
    return int(found.group(1))


def shown_coordinates(page: Page, place: str = ".idea__place") -> tuple[float, float]:
    """The coordinates that the page's place section (`place`) shows."""
    text = page.locator(f"{place} .coordinates").inner_text()
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
