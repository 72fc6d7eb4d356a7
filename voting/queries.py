"""Read-side queries of the item page and the council member's dashboard.

Each function reads, in the caller's session, what one part of a page shows; none writes.
Whether a member may vote now is asked of `ballots.check_can_vote` itself, so that the page
offers the form exactly when the action would take the vote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from participation.actions import check_verified
from participation.checks import Refused
from participation.database import utcnow
from participation.i18n import gettext
from participation.models import User
from voting import advisory, ballots, rules
from voting.actions import (
    check_chair,
    is_clerk,
    mandate_of,
    meeting_day,
    members_in_office,
    present_mandate_ids,
)
from voting.models import (
    CHOICES,
    RECUSED,
    AdvisoryBallot,
    AdvisoryStatus,
    AgendaItem,
    Attendance,
    BallotStatus,
    CouncilBallot,
    CouncilVote,
    Mandate,
    Meeting,
    MeetingStatus,
    Secrecy,
)

UPCOMING_LIMIT = 20
PAST_LIMIT = 20
# Meetings that started up to this long ago still count as upcoming (a long evening session).
UPCOMING_GRACE = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Voter:
    name: str
    group: str
    recorded: bool = False  # the clerk recorded the vote for a member without a device


@dataclass(frozen=True)
class VoteList:
    """Who voted what, as far as the ballot makes it public: a named ballot's choices once it is
    closed (only the votes of members present at the close counted), and every recusal."""

    by_choice: list[tuple[str, list[Voter]]]
    not_counted: list[Voter]
    recused: list[Voter]


def vote_lists(
    session: Session, meeting: Meeting, ballots: Iterable[CouncilBallot]
) -> dict[int, VoteList]:
    """The vote list of each of the meeting's ballots, by ballot id: the votes of all of them
    in one query, the meeting's check-ins in another (a meeting of 40 items reads two rows
    sets, not eighty)."""
    wanted = {ballot.id: ballot for ballot in ballots if ballot.id is not None}
    if not wanted:
        return {}
    votes = CouncilVote.__table__  # type: ignore[attr-defined]
    mandates = Mandate.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        sa_select(
            votes.c.ballot_id,
            votes.c.choice,
            votes.c.recorded_by_id,
            mandates.c.id,
            mandates.c.member_name,
            mandates.c.political_group,
        )
        .join(mandates, mandates.c.id == votes.c.mandate_id)
        .where(votes.c.ballot_id.in_(list(wanted)))
        .order_by(mandates.c.member_name, mandates.c.id)
    ).all()
    checked_in = session.exec(
        select(Attendance.mandate_id, Attendance.checked_in_at).where(
            Attendance.meeting_id == meeting.id
        )
    ).all()
    by_ballot: dict[int, list[Any]] = {ballot_id: [] for ballot_id in wanted}
    for row in rows:
        by_ballot[row.ballot_id].append(row)
    return {
        ballot_id: _vote_list(wanted[ballot_id], by_ballot[ballot_id], checked_in)
        for ballot_id in wanted
    }


def _vote_list(
    ballot: CouncilBallot, rows: list[Any], checked_in: Sequence[tuple[int, dt.datetime | None]]
) -> VoteList:
    recused = [Voter(r.member_name, r.political_group) for r in rows if r.choice == RECUSED]
    named_and_closed = ballot.secrecy == Secrecy.named and ballot.status == BallotStatus.closed
    if not named_and_closed:
        return VoteList([], [], recused)
    # The members checked in when the chair closed the vote: those whose votes counted.
    assert ballot.closed_at is not None
    closed_at = ballot.closed_at
    counted = {m for m, at in checked_in if at is not None and at <= closed_at}
    groups: dict[str, list[Voter]] = {choice: [] for choice in CHOICES}
    not_counted = []
    for row in rows:
        if row.choice not in groups:
            continue
        voter = Voter(row.member_name, row.political_group, row.recorded_by_id is not None)
        if row.id in counted:
            groups[row.choice].append(voter)
        else:
            not_counted.append(voter)
    return VoteList(list(groups.items()), not_counted, recused)


def vote_list(session: Session, ballot: CouncilBallot, meeting: Meeting) -> VoteList:
    assert ballot.id is not None
    return vote_lists(session, meeting, [ballot])[ballot.id]


@dataclass(frozen=True)
class MemberVote:
    """A council member's own vote on an item, and whether they may cast or change it now."""

    item: AgendaItem
    ballot: CouncilBallot
    choice: str | None  # yes, no, abstain or recused; None before voting and in a secret ballot
    voted: bool
    may_vote: bool
    reason: str  # why the member may not vote now, for the page

    @property
    def awaiting(self) -> bool:
        """No vote yet while the ballot takes votes (open in session, or in its pre-vote)."""
        return not self.voted and (self.may_vote or self.ballot.status == BallotStatus.open)


def member_vote(
    session: Session,
    item: AgendaItem,
    ballot: CouncilBallot,
    meeting: Meeting,
    user: User,
    zone: dt.tzinfo,
) -> MemberVote | None:
    """None when the user holds no seat in the meeting's council on the day of the meeting."""
    assert user.id is not None
    mandate = mandate_of(session, meeting, user.id)
    if mandate is None:
        return None
    vote = session.exec(
        select(CouncilVote).where(
            CouncilVote.ballot_id == ballot.id, CouncilVote.mandate_id == mandate.id
        )
    ).first()
    may_vote, reason = True, ""
    try:
        ballots.check_can_vote(session, ballot, meeting, user, zone)
    except Refused as refused:
        may_vote, reason = False, refused.message
    if may_vote and vote is not None and vote.choice is None:
        may_vote = False
        reason = gettext("You have voted in this secret ballot; a secret vote cannot be changed.")
    choice = vote.choice if vote else None
    return MemberVote(item, ballot, choice, vote is not None, may_vote, reason)


@dataclass(frozen=True)
class ResidentVote:
    """The advisory ballot as one resident (or a visitor) sees it."""

    item_id: int
    ballot: AdvisoryBallot
    is_open: bool
    not_yet_open: bool
    choice: str | None
    tally: rules.Tally | None  # None while the results are hidden
    blocked: str  # why this account cannot vote ("" when it can)
    council: CouncilBallot | None  # the council's result, for the comparison after the close

    @property
    def closed(self) -> bool:
        return self.ballot.status == AdvisoryStatus.closed

    @property
    def percent_yes(self) -> int:
        if self.tally is None or not self.tally.cast:
            return 0
        return round(100 * self.tally.yes / self.tally.cast)


def resident_vote(
    session: Session, ballot: AdvisoryBallot, council: CouncilBallot | None, user: User | None
) -> ResidentVote:
    now = utcnow()
    blocked = ""
    if user is not None:
        try:
            check_verified(user)
        except Refused as refused:
            blocked = refused.message
    return ResidentVote(
        item_id=ballot.item_id,
        ballot=ballot,
        is_open=advisory.is_open(ballot, now),
        not_yet_open=ballot.status != AdvisoryStatus.closed and now < ballot.opens_at,
        choice=advisory.my_vote(session, ballot, user),
        tally=advisory.shown_tally(ballot),
        blocked=blocked,
        council=council,
    )


@dataclass(frozen=True)
class SessionControls:
    """What the chair, a clerk or a member can do about a meeting's session from a page."""

    meeting: Meeting
    can_run: bool
    is_clerk: bool
    mandate: Mandate | None
    present: bool
    present_count: int
    in_office: list[Mandate]
    absent: list[Mandate]


def session_controls(session: Session, meeting: Meeting, user: User) -> SessionControls | None:
    """None when the user can do nothing about the meeting's session now: it is closed, or
    they neither run it nor sit in it while it is in session."""
    assert user.id is not None
    if meeting.status == MeetingStatus.closed:
        return None
    clerk = is_clerk(session, user)
    try:
        check_chair(session, meeting, user)
        can_run = True
    except Refused:
        can_run = False
    mandate = mandate_of(session, meeting, user.id)
    if not can_run and (mandate is None or meeting.status != MeetingStatus.in_session):
        return None
    in_office = members_in_office(session, meeting)
    present = present_mandate_ids(session, meeting)
    return SessionControls(
        meeting=meeting,
        can_run=can_run,
        is_clerk=clerk,
        mandate=mandate,
        present=mandate is not None and mandate.id in present,
        present_count=len(present),
        in_office=in_office,
        absent=[m for m in in_office if m.id not in present],
    )


def mandates_of(session: Session, user_id: int) -> list[Mandate]:
    return list(session.exec(select(Mandate).where(Mandate.user_id == user_id)))


def sits_on(mandates: Iterable[Mandate], meeting: Meeting) -> bool:
    """Whether one of the mandates is a seat in the meeting's council on the day of the meeting."""
    day = meeting_day(meeting)
    return any(m.council_id == meeting.council_id and m.in_office_on(day) for m in mandates)


def upcoming_meetings(
    session: Session, mandates: list[Mandate], clerk: bool, now: dt.datetime
) -> list[Meeting]:
    """Meetings not yet closed: a clerk's all of them, a member's those they sit in."""
    statuses = [MeetingStatus.published, MeetingStatus.in_session]
    if clerk:
        statuses.append(MeetingStatus.planned)
    statement = select(Meeting).where(
        col(Meeting.status).in_(statuses),
        or_(
            col(Meeting.status) == MeetingStatus.in_session,
            col(Meeting.starts_at) >= now - UPCOMING_GRACE,
        ),
    )
    if not clerk:
        statement = statement.where(col(Meeting.council_id).in_({m.council_id for m in mandates}))
    found = session.exec(
        statement.order_by(col(Meeting.starts_at), col(Meeting.id)).limit(UPCOMING_LIMIT)
    )
    return [m for m in found if clerk or sits_on(mandates, m)]


@dataclass(frozen=True)
class AgendaBallot:
    item: AgendaItem
    meeting: Meeting
    ballot: CouncilBallot


def items_of(session: Session, meetings: list[Meeting]) -> list[AgendaItem]:
    """The agenda of these meetings, for a viewer who may see all of it (a member of the
    council or a clerk): closed-session items included."""
    if not meetings:
        return []
    statement = select(AgendaItem).where(col(AgendaItem.meeting_id).in_([m.id for m in meetings]))
    return list(
        session.exec(statement.order_by(col(AgendaItem.meeting_id), col(AgendaItem.position)))
    )


def ballots_on(session: Session, meetings: list[Meeting]) -> list[AgendaBallot]:
    """The council ballots of these meetings that are not closed yet, in agenda order."""
    by_id = {m.id: m for m in meetings}
    if not by_id:
        return []
    rows = session.exec(
        select(CouncilBallot, AgendaItem)
        .join(AgendaItem, col(AgendaItem.id) == col(CouncilBallot.item_id))
        .where(
            col(AgendaItem.meeting_id).in_(list(by_id)),
            col(CouncilBallot.status) != BallotStatus.closed,
        )
        .order_by(col(AgendaItem.meeting_id), col(AgendaItem.position))
    )
    return [AgendaBallot(item, by_id[item.meeting_id], ballot) for ballot, item in rows]


def past_decisions(session: Session, mandates: list[Mandate], clerk: bool) -> list[AgendaBallot]:
    """The latest closed council ballots: a clerk's of every council, a member's of the councils
    they sit on now. A closed-session item only where the member sat at that meeting."""
    today = utcnow().date()
    statement = (
        select(CouncilBallot, AgendaItem, Meeting)
        .join(AgendaItem, col(AgendaItem.id) == col(CouncilBallot.item_id))
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(CouncilBallot.status == BallotStatus.closed)
    )
    if not clerk:
        councils = {m.council_id for m in mandates if m.ends_on is None or m.ends_on >= today}
        statement = statement.where(col(Meeting.council_id).in_(councils))
    # Closed-session items are rare: fetching twice the rows leaves enough after the filter.
    rows = session.exec(
        statement.order_by(col(CouncilBallot.closed_at).desc(), col(CouncilBallot.id).desc()).limit(
            2 * PAST_LIMIT
        )
    )
    found = [
        AgendaBallot(item, meeting, ballot)
        for ballot, item, meeting in rows
        if clerk or not item.closed_session or sits_on(mandates, meeting)
    ]
    return found[:PAST_LIMIT]
