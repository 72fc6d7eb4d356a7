"""What the voting tests build their world with, beside the fixtures of
`tests/voting/conftest.py`: meetings and items, members' votes, residents' advice, a session
in which the council decides, and what the tests read back (ballots, votes, audit links,
pages). Everything is built through the actions that clerks, members, residents and the
scheduler use. The browser tests and the idea page's tests build on it too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest
from bs4 import Tag
from sqlmodel import col, select

from participation.checks import Refused
from participation.database import Database, utcnow
from participation.middleware import LANGUAGE_COOKIE
from participation.models import Role, User
from tests.conftest import TEST_SECRET_KEY
from tests.helpers import Browser, create_user, soup
from voting import actions, advisory, audit, ballots, councils, item_ballots
from voting.forms import AdvisoryDraft, ItemDraft, MandateDraft, MeetingDraft
from voting.models import (
    AdvisoryBallot,
    AgendaItem,
    AuditEntry,
    CouncilBallot,
    CouncilVote,
    Mandate,
    Meeting,
)

ZONE = ZoneInfo("Europe/Brussels")
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MEETING_IN = 7 * DAY
CHOICE = {"y": "yes", "n": "no", "a": "abstain"}
HTMX = {"HX-Request": "true"}
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
ITEM = ItemDraft("Zebrapad aan de school", "De raad beslist over een **zebrapad**.")


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Row) -> int:
    """The id of a stored row (a meeting, an item, a user)."""
    assert row.id is not None
    return row.id


def refusal(act: Callable[[], object]) -> Refused:
    """The refusal that `act` raises."""
    with pytest.raises(Refused) as refused:
        act()
    return refused.value


# Councils, meetings and agenda items.


def make_members(db: Database, count: int = 3) -> list[User]:
    """Council members: the role gives each a mandate in the municipal council from today."""
    return [
        create_user(
            db, email=f"member{i}@example.be", name=f"Member {i}", roles=(Role.council_member,)
        )
        for i in range(count)
    ]


def seat(
    db: Database, clerk: User, member: User, group: str, since: dt.date | None = None
) -> Mandate:
    """The clerk gives `member` a mandate in the municipal council, from `since` (today)."""
    with db.write() as session:
        council_id = id_of(actions.default_council(session))
        draft = MandateDraft(member.email, group, since or utcnow().date(), None)
        return councils.do_add_mandate(session, clerk, council_id, draft)


def make_meeting(
    db: Database,
    clerk: User,
    title: str = "Gemeenteraad",
    *,
    starts_at: dt.datetime | None = None,
    location: str = "Raadzaal",
    publish: bool = True,
    council_id: int | None = None,
) -> Meeting:
    """A meeting of the municipal council (or `council_id`), a week from now by default."""
    draft = MeetingDraft(title, starts_at or utcnow() + MEETING_IN, location, council_id)
    with db.write() as session:
        meeting = actions.do_create_meeting(session, clerk, draft)
        if publish:
            actions.do_publish_meeting(session, clerk, id_of(meeting))
    return meeting


def add_item(db: Database, clerk: User, meeting: Meeting, **fields: Any) -> AgendaItem:
    """Add an item to the meeting's agenda; `fields` override those of `ITEM`."""
    draft = dataclasses.replace(ITEM, **fields)
    with db.write() as session:
        return actions.do_add_item(session, clerk, id_of(meeting), draft)


def pre_vote_item(
    db: Database,
    clerk: User,
    meeting: Meeting,
    opens_in: dt.timedelta = -HOUR,
    closes_in: dt.timedelta | None = None,
    **fields: object,
) -> int:
    """An item whose pre-vote window lies where the test needs it, relative to now (by
    default open since an hour, until the meeting starts)."""
    now = utcnow()
    closes_at = now + closes_in if closes_in is not None else None
    opens_at = now + opens_in
    return id_of(
        add_item(db, clerk, meeting, vote_opens_at=opens_at, vote_closes_at=closes_at, **fields)
    )


# The council's votes.


def start_session(db: Database, clerk: User, meeting_id: int, present: list[User]) -> None:
    with db.write() as session:
        actions.do_start_session(session, clerk, meeting_id)
        for member in present:
            actions.do_check_in(session, member, meeting_id)


def pause_session(db: Database, chair: User, meeting_id: int) -> Meeting:
    with db.write() as session:
        return actions.do_pause_session(session, chair, meeting_id)


def resume_session(db: Database, chair: User, meeting_id: int) -> Meeting:
    with db.write() as session:
        return actions.do_resume_session(session, chair, meeting_id)


def mandate_id_of(db: Database, meeting: Meeting, member: User) -> int:
    """The id of the member's seat in the meeting's council."""
    with db.read() as session:
        found = actions.mandate_of(session, meeting, id_of(member))
    assert found is not None
    return id_of(found)


def cast(db: Database, user: User, item_id: int, choice: str) -> CouncilVote:
    with db.write() as session:
        return ballots.do_cast_council_vote(session, user, item_id, choice, ZONE)


def open_ballot(db: Database, chair: User, item_id: int) -> CouncilBallot:
    with db.write() as session:
        return ballots.do_open_ballot(session, chair, item_id)


def close_ballot(db: Database, chair: User, item_id: int) -> CouncilBallot:
    with db.write() as session:
        return ballots.do_close_ballot(session, chair, item_id)


def decide(db: Database, clerk: User, members: list[User], item_id: int, choices: str) -> None:
    """In a running session with `members` present: the chair opens the vote, each member
    votes (one letter each), the chair closes it."""
    with db.write() as session:
        ballots.do_open_ballot(session, clerk, item_id)
        for member, letter in zip(members, choices, strict=True):
            ballots.do_cast_council_vote(session, member, item_id, CHOICE[letter], dt.UTC)
    close_ballot(db, clerk, item_id)


def decided(
    db: Database, clerk: User, members: list[User], meeting_id: int, item_id: int, choices: str
) -> None:
    """The session starts with `members` present, and they decide on the item (`decide`)."""
    start_session(db, clerk, meeting_id, members)
    decide(db, clerk, members, item_id, choices)


def ballot_of(db: Database, item_id: int) -> CouncilBallot:
    with db.read() as session:
        found = item_ballots.council_ballot_of(session, item_id)
    assert found is not None
    return found


def votes_of(db: Database, item_id: int) -> list[CouncilVote]:
    ballot = ballot_of(db, item_id)
    with db.read() as session:
        return list(session.exec(select(CouncilVote).where(CouncilVote.ballot_id == ballot.id)))


def chain_links(db: Database, chain: str) -> list[AuditEntry]:
    with db.read() as session:
        statement = select(AuditEntry).where(AuditEntry.chain == chain)
        return list(session.exec(statement.order_by(col(AuditEntry.seq))))


def links_of(db: Database, item_id: int) -> list[AuditEntry]:
    """The audit links of the item's council ballot, in order."""
    return chain_links(db, audit.chain_of(ballot_of(db, item_id)))


# The residents' advice.


def advisory_open(closes_in: dt.timedelta = DAY, *, results_visible: bool = False) -> AdvisoryDraft:
    """A residents' advisory vote, open from a minute ago."""
    now = utcnow()
    opens_at = now - dt.timedelta(minutes=1)
    return AdvisoryDraft("Wilt u dit?", opens_at, now + closes_in, results_visible)


def advise(db: Database, residents: list[User], item_id: int, choices: str) -> None:
    """Residents vote in turn, one letter each: y, n or a."""
    with db.write() as session:
        for resident, letter in zip(residents, choices, strict=True):
            advisory.do_cast_advisory_vote(
                session, resident, item_id, CHOICE[letter], secret_key=TEST_SECRET_KEY, zone=dt.UTC
            )


def advisory_ballot_of(db: Database, item_id: int) -> AdvisoryBallot:
    with db.read() as session:
        found = item_ballots.advisory_ballot_of(session, item_id)
    assert found is not None
    return found


def close_advisory(db: Database, item_id: int) -> None:
    """What the scheduler does once the residents' window has passed."""
    closes_at = advisory_ballot_of(db, item_id).closes_at
    with db.write() as session:
        advisory.apply_window_transitions(session, closes_at)


# The pages.


def english_pages(browser: Browser) -> Browser:
    """Pages and messages in English, whatever language the account chose."""
    browser.client.cookies.set(LANGUAGE_COOKIE, "en", domain="testserver.local")
    return browser


def log_in(browser: Browser, who: User | str) -> Browser:
    """Log in as the user (or the email address), then read the pages in English."""
    browser.login(who if isinstance(who, str) else who.email)
    return english_pages(browser)


def pressed(response: httpx.Response, target: str) -> list[str]:
    """The choices whose button is shown pressed in the fragment `target`."""
    return [
        str(button["value"])
        for button in soup(response).select(f"#{target} button[aria-pressed='true']")
    ]


def select_in(tag: Tag, selector: str) -> Tag:
    found = tag.select_one(selector)
    assert found is not None, f"no {selector!r}"
    return found


def text_in(tag: Tag, selector: str) -> str:
    return select_in(tag, selector).get_text()
