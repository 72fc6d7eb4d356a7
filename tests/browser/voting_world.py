"""What the voting browser tests share: a clerk, the members of the municipal council, residents,
an upcoming meeting with open votes and a meeting the council has decided (the "world"), written
with the app's own actions into the live server's database, and what the tests look at.

The tests find things by role, field id, CSS selector and attribute, never by a translated text
of the voting pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlmodel import Session

from participation.database import Database, utcnow
from participation.models import Role
from participation.settings import Settings
from tests.browser.conftest import LiveServer
from tests.browser.ideas_world import in_database, person
from tests.helpers import create_user
from tests.voting.agenda_world import (
    advise,
    advisory_open,
    close_advisory,
    decide,
    make_members,
    start_session,
)
from voting import actions
from voting.forms import ItemDraft, MeetingDraft

TABLET = {"width": 768, "height": 1024}
# What `datetime-local` fields take, in the municipality's time zone.
FIELD_TIME = "%Y-%m-%dT%H:%M"
HOSTILE = '<script>alert("inspraak")</script><img src=x onerror=alert(1)>'
ITEM_ANCHOR = re.compile(r"/meetings/(\d+)#item-(\d+)$")

ITEM = ItemDraft(
    title="Zebrapad aan de school",
    description="De raad beslist over een **zebrapad** aan de Sint-Jozefsschool.",
    closed_session=False,
    council_vote=True,
    secret=False,
    vote_opens_at=None,
    vote_closes_at=None,
    advisory=None,
)

NEW_MEETING_FORM = "main form[action='/meetings']"
ADD_ITEM_FORM = "main form.item-form"


def zone_of(server: LiveServer) -> ZoneInfo:
    """The time zone the live server shows times in and reads form times in."""
    return Settings.from_env(server.env).zone


@dataclass(frozen=True)
class VotingWorld:
    """Accounts, meetings and items shared by the tests of a module (tests add their own)."""

    clerk: str
    members: tuple[str, ...]
    resident: str
    council_id: int
    meeting_id: int  # upcoming, published: a pre-vote, an advisory vote, a closed-session item
    prevote_item: int
    advisory_item: int
    closed_item: int
    hostile_item: int
    decided_meeting_id: int  # this morning, closed: a named vote with its result
    decided_item: int


def seed_meeting(server: LiveServer, clerk: str, title: str, starts_at: dt.datetime) -> int:
    """A published meeting of the municipal council, as the clerk makes it."""

    def plan(session: Session) -> int:
        user = person(session, clerk)
        draft = MeetingDraft(title, starts_at, "Raadzaal, stadhuis", None)
        meeting = actions.do_create_meeting(session, user, draft)
        assert meeting.id is not None
        actions.do_publish_meeting(session, user, meeting.id)
        return meeting.id

    return in_database(server, plan)


def seed_item(server: LiveServer, clerk: str, meeting_id: int, **fields: Any) -> int:
    """An agenda item added by the clerk; `fields` override those of `ITEM`."""
    draft = dataclasses.replace(ITEM, **fields)

    def add(session: Session) -> int:
        item = actions.do_add_item(session, person(session, clerk), meeting_id, draft)
        assert item.id is not None
        return item.id

    return in_database(server, add)


def prevote_open() -> dict[str, Any]:
    """The item fields of a pre-vote that opened a minute ago and closes when the meeting
    starts."""
    return {"vote_opens_at": utcnow() - dt.timedelta(minutes=1)}


def build_voting_world(server: LiveServer) -> VotingWorld:
    clerk, resident = "griffie@voting.test", "bewoner@voting.test"
    db = Database(server.database_url)
    try:
        clerk_user = create_user(db, email=clerk, name="Greet", roles=(Role.clerk,))
        create_user(db, email=resident, name="Ann")
        # Granting the role seats each member in the municipal council from today.
        members = make_members(db)
        advisers = [
            create_user(db, email=f"raad{i}@voting.test", name=f"Raad {i}") for i in range(4)
        ]
        with db.read() as session:
            council_id = actions.default_council(session).id
        assert council_id is not None

        meeting_id = seed_meeting(
            server, clerk, "Gemeenteraad van volgende week", utcnow() + dt.timedelta(days=7)
        )
        prevote_item = seed_item(
            server,
            clerk,
            meeting_id,
            title="Nieuw mobiliteitsplan voor het centrum",
            **prevote_open(),
        )
        advisory_item = seed_item(
            server,
            clerk,
            meeting_id,
            title="Heraanleg van het Baudelopark",
            advisory=advisory_open(dt.timedelta(days=5)),
        )
        closed_item = seed_item(
            server,
            clerk,
            meeting_id,
            title="Benoeming van een directeur",
            closed_session=True,
            secret=True,
        )
        hostile_item = seed_item(server, clerk, meeting_id, title=HOSTILE, description=HOSTILE)

        # This morning's meeting (today in UTC, the day the members' mandates start): residents
        # advised, the council voted by name in session, and the clerk (running it) ended it.
        midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
        decided_meeting_id = seed_meeting(
            server,
            clerk,
            "Gemeenteraad van vanochtend",
            max(midnight, utcnow() - dt.timedelta(hours=2)),
        )
        decided_item = seed_item(
            server,
            clerk,
            decided_meeting_id,
            title="Verkeersvrije schoolstraat",
            advisory=advisory_open(),
        )
        advise(db, advisers, decided_item, "yyna")
        close_advisory(db, decided_item)
        start_session(db, clerk_user, decided_meeting_id, members)
        decide(db, clerk_user, members, decided_item, "yyn")
        with db.write() as session:
            actions.do_end_session(session, clerk_user, decided_meeting_id)
    finally:
        db.dispose()
    return VotingWorld(
        clerk=clerk,
        members=tuple(member.email for member in members),
        resident=resident,
        council_id=council_id,
        meeting_id=meeting_id,
        prevote_item=prevote_item,
        advisory_item=advisory_item,
        closed_item=closed_item,
        hostile_item=hostile_item,
        decided_meeting_id=decided_meeting_id,
        decided_item=decided_item,
    )


# --- what the tests look at -------------------------------------------------------------------


def item_anchor(page: Page) -> tuple[int, int]:
    """The meeting and item ids of the page the clerk lands on after adding or moving an item."""
    expect(page).to_have_url(ITEM_ANCHOR)
    found = ITEM_ANCHOR.search(page.url)
    assert found is not None
    return int(found.group(1)), int(found.group(2))


def agenda_links(page: Page) -> list[str | None]:
    """The item links of the meeting page's agenda, in the order shown."""
    links = page.locator("ol.agenda__items > li.agenda-item > h3 a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def mark_page(page: Page) -> None:
    """Mark the loaded document, so that `same_page` tells whether it was replaced since."""
    page.evaluate("() => { window.stillTheSamePage = true; }")


def same_page(page: Page) -> bool:
    return bool(page.evaluate("() => window.stillTheSamePage === true"))
