"""Demo council for Demostad: nine members in four political groups, a meeting two weeks ago
with its results, and an upcoming one with open pre-votes and an open advisory vote.

Built through the actions a clerk, the members and residents use. Those actions check their
windows against the clock, so the past meeting is run now and then moved back in time as a
whole. Loading twice changes nothing: a second load finds the past meeting and stops.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import column, inspect, table
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from participation.actions import user_by_email
from participation.content import content_type
from participation.database import Database, utcnow
from participation.demo import DEMO_PASSWORD, demo_resident
from participation.features import feature_modules
from participation.models import User
from participation.passwords import hash_password
from voting import actions, advisory, ballots, councils, documents, loop, question_demo
from voting.forms import AdvisoryDraft, DocumentDraft, ItemDraft, MandateDraft, MeetingDraft
from voting.models import (
    AdvisoryBallot,
    AdvisoryVote,
    AgendaItem,
    Attendance,
    Council,
    CouncilBallot,
    CouncilQuestion,
    CouncilVote,
    Mandate,
    Meeting,
)

PAST_TITLE = "Gemeenteraad: schoolomgeving, jaarrekening en terrassen"
UPCOMING_TITLE = "Gemeenteraad: fietsparkeren en meerjarenplan"
LOCATION = "Raadzaal, Stadhuis Demostad"
DOSSIERS = "https://demostad.example/dossiers"
TERM_STARTS = dt.date(2025, 1, 2)  # the day the councils elected in October 2024 took office
SESSION_HOUR = 18  # UTC: 19:00 or 20:00 in Brussels


@dataclass(frozen=True)
class Member:
    email: str
    name: str
    group: str


MEMBERS = (
    Member("raadslid@demostad.example", "Rik Raadslid", "Stadslijst"),
    Member("raadslid2@demostad.example", "An Peeters", "Groen Demostad"),
    Member("raadslid3@demostad.example", "Jan Claes", "Vooruit Samen"),
    Member("raadslid4@demostad.example", "Sofie Janssens", "Stadslijst"),
    Member("raadslid5@demostad.example", "Karim El Idrissi", "Vooruit Samen"),
    Member("raadslid6@demostad.example", "Lotte Maes", "Groen Demostad"),
    Member("raadslid7@demostad.example", "Pieter De Smet", "Open Burgers"),
    Member("raadslid8@demostad.example", "Nora Willems", "Stadslijst"),
    Member("raadslid9@demostad.example", "Tom Wouters", "Open Burgers"),
)
ABSENT = "raadslid9@demostad.example"  # missed the past meeting: eight of nine present

# The past meeting's items: title, description, secret ballot, each member's vote in order of
# MEMBERS (y, n, a; "-" for the absent member), and the demo idea it decides on, if any.
PAST_ITEMS = (
    (
        "Schoolstraat en zebrapad aan basisschool De Vlinder",
        "Een schoolstraat tijdens het begin en einde van de schooldag en een verhoogd zebrapad "
        "aan de schoolpoort, zoals buurtbewoners voorstelden.",
        False,
        "yyyyyyay-",
        "Zebrapad aan de schoolpoort van De Vlinder",
    ),
    ("Jaarrekening 2025", "Vaststelling van de jaarrekening 2025.", False, "ynyyynny-", None),
    (
        "Wijziging van het reglement op terrassen",
        "Terrassen mogen tot 23 uur open blijven in het hele centrum.",
        False,
        "ynnynnay-",
        None,
    ),
    (
        "Aanstelling van de algemeen directeur",
        "Geheime stemming: een beslissing over een persoon.",
        True,
        "yyyynyay-",
        None,
    ),
)
PAST_QUESTION = "Moet de gemeente een schoolstraat en een zebrapad aanleggen aan De Vlinder?"
# Demo residents (from participation.demo and ideas.demo) who gave their advice, in turn.
RESIDENTS = ("bewoner@demostad.example", *(f"buur{n}@demostad.example" for n in range(1, 13)))
ADVICE = "yyyyynyyayny"


def _choice(letter: str) -> str:
    return {"y": "yes", "n": "no", "a": "abstain"}[letter]


def _members(session: Session, council: Council) -> list[User]:
    """The council's demo members, each with an account and a mandate since the term began.

    New accounts share one password hash (hashing is slow on purpose). An account made with
    the council member role already got a mandate from the day it was made (`voting.hooks`);
    as the operator, the demo dates that one back to the term's start and fills in the
    political group, so that the member also sat at the past meeting."""
    assert council.id is not None
    password_hash = hash_password(DEMO_PASSWORD)
    found = []
    for member in MEMBERS:
        user = demo_resident(session, member.email, member.name, password_hash)
        held = session.exec(
            select(Mandate).where(
                Mandate.council_id == council.id,
                Mandate.user_id == user.id,
                col(Mandate.ends_on).is_(None),
            )
        ).first()
        if held is None:
            draft = MandateDraft(member.email, member.group, TERM_STARTS, None)
            councils.seat(session, council, user, draft)
        else:
            held.starts_on = min(held.starts_on, TERM_STARTS)
            held.political_group = held.political_group or member.group
            session.add(held)
        found.append(user)
    session.flush()
    return found


def _idea_id(session: Session, title: str) -> int | None:
    """The demo idea with this title, when the ideas package and its demo are there. Voting
    does not import ideas: it reads the one column it needs by the table's name."""
    feature_modules("content")  # the content types the link checks, also outside the app
    if content_type("idea") is None or not inspect(session.connection()).has_table("ideas"):
        return None
    ideas = table("ideas", column("id"), column("title"))
    found = session.execute(sa_select(ideas.c.id).where(ideas.c.title == title)).first()
    return int(found[0]) if found else None


def _link(session: Session, clerk: User, item_id: int, idea_title: str) -> None:
    idea_id = _idea_id(session, idea_title)
    if idea_id is not None:
        loop.do_link_item(session, clerk, item_id, "idea", idea_id)


def _advise(session: Session, item_id: int) -> None:
    """Demo residents vote. The key that recognises a voter is erased when this ballot
    closes, a moment later in the same load, so a key of its own is as good as any."""
    key = secrets.token_hex(32)
    for email, letter in zip(RESIDENTS, ADVICE, strict=False):
        resident = user_by_email(session, email)
        if resident is not None and resident.is_verified:
            advisory.do_cast_advisory_vote(
                session, resident, item_id, _choice(letter), secret_key=key, zone=dt.UTC
            )


def _past_meeting(session: Session, clerk: User, members: list[User], start: dt.datetime) -> None:
    now = utcnow()
    # Run it as if it had started an hour ago; `_move_back` then moves it to `start`.
    draft = MeetingDraft(PAST_TITLE, now - dt.timedelta(hours=1), LOCATION, None)
    meeting = actions.do_create_meeting(session, clerk, draft)
    assert meeting.id is not None
    items: list[tuple[int, str]] = []
    for number, (title, description, secret, votes, idea) in enumerate(PAST_ITEMS):
        residents = None
        if number == 0:
            closes = now + dt.timedelta(hours=1)
            residents = AdvisoryDraft(PAST_QUESTION, now - dt.timedelta(minutes=1), closes, False)
        item = actions.do_add_item(
            session,
            clerk,
            meeting.id,
            ItemDraft(title, description, secret=secret, advisory=residents),
        )
        assert item.id is not None
        if idea:
            _link(session, clerk, item.id, idea)
        items.append((item.id, votes))
    asked = question_demo.ask_on_agenda(session, clerk, meeting.id, question_demo.ANSWERED)
    actions.do_publish_meeting(session, clerk, meeting.id)
    _advise(session, items[0][0])
    _close_advisory_now(session, items[0][0])
    actions.do_start_session(session, clerk, meeting.id)
    for member in members:
        if member.email != ABSENT:
            actions.do_check_in(session, member, meeting.id)
    for item_id, votes in items:
        ballots.do_open_ballot(session, clerk, item_id)
        for member, letter in zip(members, votes, strict=True):
            if member.email != ABSENT:
                ballots.do_cast_council_vote(session, member, item_id, _choice(letter), dt.UTC)
        ballots.do_close_ballot(session, clerk, item_id)
    question_demo.answer_and_react(session, clerk, asked)
    actions.do_end_session(session, clerk, meeting.id)
    _move_back(session, meeting, start)


def _close_advisory_now(session: Session, item_id: int) -> None:
    """End the residents' window now, as the scheduler would at its end, and close it."""
    ballot = session.exec(select(AdvisoryBallot).where(AdvisoryBallot.item_id == item_id)).one()
    ballot.closes_at = utcnow()
    session.add(ballot)
    session.flush()
    advisory.apply_window_transitions(session, ballot.closes_at)


def _move_back(session: Session, meeting: Meeting, start: dt.datetime) -> None:
    """Shift every time of the meeting, its items, attendance and votes by the same amount,
    so that it took place at `start`. The audit links keep their times: their hashes cover
    them. The publication and the residents' window get the lead time a real meeting has."""
    shift = start - meeting.starts_at
    item_ids = list(session.exec(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)))
    rows: list[object] = [
        meeting,
        *session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)),
        *session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id)),
        *session.exec(select(CouncilBallot).where(col(CouncilBallot.item_id).in_(item_ids))),
        *session.exec(
            select(CouncilVote)
            .join(CouncilBallot, col(CouncilBallot.id) == col(CouncilVote.ballot_id))
            .where(col(CouncilBallot.item_id).in_(item_ids))
        ),
        *session.exec(select(AdvisoryBallot).where(col(AdvisoryBallot.item_id).in_(item_ids))),
        *session.exec(select(CouncilQuestion).where(col(CouncilQuestion.item_id).in_(item_ids))),
        *session.exec(
            select(AdvisoryVote)
            .join(AdvisoryBallot, col(AdvisoryBallot.id) == col(AdvisoryVote.ballot_id))
            .where(col(AdvisoryBallot.item_id).in_(item_ids))
        ),
    ]
    for row in rows:
        for name in _TIMES:
            value = getattr(row, name, None)
            if value is not None:
                setattr(row, name, value + shift)
        if isinstance(row, AdvisoryBallot):
            row.closes_at = start - dt.timedelta(days=1)
            row.opens_at = row.closes_at - dt.timedelta(weeks=3)
            row.closed_at = row.closes_at
        session.add(row)
    meeting.created_at = meeting.published_at = start - dt.timedelta(weeks=4)


_TIMES = (
    "starts_at",
    "created_at",
    "published_at",
    "started_at",
    "ended_at",
    "checked_in_at",
    "opens_at",
    "closes_at",
    "closed_at",
    "cast_at",
    "changed_at",
    "answered_at",
    "reacted_at",
)


def _upcoming_meeting(
    session: Session, clerk: User, members: list[User], start: dt.datetime
) -> None:
    now = utcnow()
    draft = MeetingDraft(UPCOMING_TITLE, start, LOCATION, None)
    # Pre-votes open now and, without a close of their own, run until the meeting starts.
    meeting = actions.do_create_meeting(session, clerk, draft)
    assert meeting.id is not None
    minutes = actions.do_add_item(
        session,
        clerk,
        meeting.id,
        ItemDraft(
            "Goedkeuring van de notulen", "De notulen van de vorige zitting.", vote_opens_at=now
        ),
    )
    bicycles = actions.do_add_item(
        session,
        clerk,
        meeting.id,
        ItemDraft(
            "Overdekte fietsenstalling aan het station",
            "Principebeslissing over een overdekte stalling voor 600 fietsen aan de "
            "stationsomgeving, op vraag van bewoners.",
            vote_opens_at=now,
            advisory=AdvisoryDraft(
                "Moet de gemeente een overdekte fietsenstalling bouwen aan het station?",
                now,
                now + dt.timedelta(days=7),
                False,
            ),
        ),
    )
    plan = actions.do_add_item(
        session,
        clerk,
        meeting.id,
        ItemDraft(
            "Aanpassing van het meerjarenplan 2026-2031",
            "De tweede aanpassing van het meerjarenplan, met de investeringen in "
            "fietsinfrastructuur.",
            vote_opens_at=now,
        ),
    )
    actions.do_add_item(
        session,
        clerk,
        meeting.id,
        ItemDraft(
            "Vraag om uitleg over de verlichting op het jaagpad",
            "Een raadslid vraagt wanneer de verlichting hersteld wordt.",
            council_vote=False,
        ),
    )
    actions.do_add_item(
        session,
        clerk,
        meeting.id,
        ItemDraft(
            "Personeelsaangelegenheid", "Besloten zitting.", closed_session=True, secret=True
        ),
    )
    assert bicycles.id is not None
    assert plan.id is not None
    assert minutes.id is not None
    for item_id, title, url in (
        (bicycles.id, "Ontwerpnota fietsenstalling", f"{DOSSIERS}/fietsenstalling-station.pdf"),
        (plan.id, "Meerjarenplan 2026-2031, aanpassing 2", f"{DOSSIERS}/meerjarenplan.pdf"),
    ):
        documents.do_add_document(session, clerk, item_id, DocumentDraft(title, None, url), None)
    _link(session, clerk, bicycles.id, "Meer fietsenstallingen aan het station")
    question_demo.upcoming(session, clerk, meeting.id)
    actions.do_publish_meeting(session, clerk, meeting.id)
    # Some members already voted; the demo account raadslid@ still has every vote to cast.
    for member in members[1:6]:
        for item_id in (minutes.id, plan.id):
            ballots.do_cast_council_vote(session, member, item_id, "yes", dt.UTC)


def _at_session_hour(day: dt.datetime) -> dt.datetime:
    return day.replace(hour=SESSION_HOUR, minute=0, second=0, microsecond=0)


def load(db: Database) -> None:
    with db.read() as session:
        if session.exec(select(Meeting.id).where(Meeting.title == PAST_TITLE)).first():
            return
    with db.write() as session:
        clerk = user_by_email(session, "griffier@demostad.example")
        if clerk is None:
            return  # the shell's demo accounts come first (participation.demo)
        members = _members(session, actions.default_council(session))
        today = utcnow()
        _past_meeting(session, clerk, members, _at_session_hour(today - dt.timedelta(days=14)))
        _upcoming_meeting(session, clerk, members, _at_session_hour(today + dt.timedelta(days=10)))
