"""The live session as the public sees it at one moment: read once per event per worker,
rendered into fragments and snapshots that every viewer shares."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlmodel import Session, col

from streaming.models import LiveSession, MeetingEvent, SpeakerRequest, SpeakerStatus
from voting.actions import present_mandate_ids
from voting.models import (
    AgendaItem,
    BallotStatus,
    CouncilBallot,
    CouncilVote,
    ItemKind,
    Mandate,
    Meeting,
    MeetingStatus,
    Secrecy,
)

UPCOMING, CURRENT, DONE = "upcoming", "current", "done"
NOT_STARTED, IN_SESSION, PAUSED, ENDED = "not_started", "in_session", "paused", "ended"


@dataclass(frozen=True)
class NamedVote:
    name: str
    group: str


@dataclass(frozen=True)
class AgendaRow:
    id: int
    number: int
    title: str
    state: str  # upcoming, current or done
    ballot_status: str | None
    outcome: str | None
    tally: dict[str, int] | None  # once the ballot is closed
    secret: bool
    # A named ballot's choices once closed, as the last `ballot.closed` event recorded them.
    votes: dict[str, list[NamedVote]]
    kind: str = ItemKind.regular.value  # "question": a resident's question to the council


@dataclass(frozen=True)
class Speaker:
    request_id: int
    mandate_id: int
    name: str
    group: str
    status: str
    requested_at: dt.datetime
    started_at: dt.datetime | None


@dataclass(frozen=True)
class RunningBallot:
    item_id: int
    secret: bool
    voted: int
    present: int


@dataclass(frozen=True)
class LiveState:
    meeting_id: int
    title: str
    status: str
    paused: bool
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    seq: int
    items: list[AgendaRow]
    current_item_id: int | None
    speaker: Speaker | None
    queue: list[Speaker]
    ballot: RunningBallot | None
    present: int
    speaking_limit_seconds: int
    video_kind: str
    video_url: str

    @property
    def phase(self) -> str:
        """What the status banner says: not started, in session, paused or ended."""
        if self.ended_at is not None or self.status == MeetingStatus.closed:
            return ENDED
        if self.started_at is None:
            return NOT_STARTED
        return PAUSED if self.paused else IN_SESSION

    @property
    def video_href(self) -> str:
        """The video's address if it is a web address; never a `javascript:` link."""
        scheme = urlsplit(self.video_url).scheme.lower()
        return self.video_url if scheme in ("http", "https") else ""

    @property
    def video_host(self) -> str:
        """Whose player the embed loads, named on the button that loads it."""
        return urlsplit(self.video_href).hostname or ""

    @property
    def results(self) -> list[AgendaRow]:
        """The closed ballots so far, in agenda order."""
        return [row for row in self.items if row.tally is not None]

    @property
    def current_item(self) -> AgendaRow | None:
        return next((row for row in self.items if row.id == self.current_item_id), None)

    def as_json(self) -> dict[str, Any]:
        """The `snapshot` event's data: times as ISO 8601, everything else as stored."""
        data: dict[str, Any] = _jsonable(asdict(self))
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def _speakers(session: Session, meeting_id: int) -> list[Speaker]:
    rows = session.execute(
        select(SpeakerRequest, Mandate)
        .join(Mandate, col(Mandate.id) == col(SpeakerRequest.mandate_id))
        .where(
            col(SpeakerRequest.meeting_id) == meeting_id,
            col(SpeakerRequest.status).in_((SpeakerStatus.waiting, SpeakerStatus.speaking)),
        )
        .order_by(col(SpeakerRequest.requested_at), col(SpeakerRequest.id))
    ).all()
    return [
        Speaker(
            request.id or 0,
            mandate.id or 0,
            mandate.member_name,
            mandate.political_group,
            request.status,
            request.requested_at,
            request.started_at,
        )
        for request, mandate in rows
    ]


def voted_count(session: Session, ballot_id: int | None, present: set[int]) -> int:
    """How many of the members present have voted in the ballot (never who voted what)."""
    count: int = session.execute(
        select(func.count()).where(
            col(CouncilVote.ballot_id) == ballot_id, col(CouncilVote.mandate_id).in_(present)
        )
    ).scalar_one()
    return count


def _running_ballot(
    session: Session, meeting: Meeting, ballots: dict[int, CouncilBallot]
) -> RunningBallot | None:
    running = next((b for b in ballots.values() if b.status == BallotStatus.open), None)
    if running is None:
        return None
    present = present_mandate_ids(session, meeting)
    voted = voted_count(session, running.id, present)
    return RunningBallot(running.item_id, running.secrecy == Secrecy.secret, voted, len(present))


def _named_votes(session: Session, meeting_id: int) -> dict[int, dict[str, list[NamedVote]]]:
    """Who voted what per item, from each item's last `ballot.closed` event: the log keeps
    the result as it was announced, without recomputing it for every event."""
    found: dict[int, dict[str, list[NamedVote]]] = {}
    rows = session.execute(
        select(col(MeetingEvent.item_id), col(MeetingEvent.data))
        .where(
            col(MeetingEvent.meeting_id) == meeting_id, col(MeetingEvent.type) == "ballot.closed"
        )
        .order_by(col(MeetingEvent.seq))
    ).all()
    for item_id, data in rows:
        votes = json.loads(data).get("votes", {})
        found[item_id] = {
            choice: [NamedVote(v["name"], v["group"]) for v in voters]
            for choice, voters in votes.items()
        }
    return found


def _row(
    item: AgendaItem,
    ballot: CouncilBallot | None,
    state: str,
    votes: dict[str, list[NamedVote]],
) -> AgendaRow:
    assert item.id is not None
    closed = ballot is not None and ballot.status == BallotStatus.closed
    tally = None
    if ballot is not None and closed:
        tally = {"yes": ballot.yes or 0, "no": ballot.no or 0, "abstain": ballot.abstain or 0}
    return AgendaRow(
        item.id,
        item.position,
        item.title,
        state,
        ballot.status if ballot else None,
        ballot.outcome if ballot else None,
        tally,
        ballot is not None and ballot.secrecy == Secrecy.secret,
        votes if closed else {},
        item.kind,
    )


def load_state(session: Session, meeting_id: int) -> LiveState:
    """The public live state: public agenda items only, as everyone may see them. While an
    item in closed session is current, the public sees no current item and no speakers."""
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None
    live = session.get(LiveSession, meeting_id) or LiveSession(meeting_id=meeting_id)
    items = list(
        session.scalars(
            select(AgendaItem)
            .where(
                col(AgendaItem.meeting_id) == meeting_id, col(AgendaItem.closed_session).is_(False)
            )
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        )
    )
    ballots = {
        b.item_id: b
        for b in session.scalars(
            select(CouncilBallot).where(col(CouncilBallot.item_id).in_([i.id for i in items]))
        )
    }
    treated = set(
        session.scalars(
            select(col(MeetingEvent.item_id)).where(
                col(MeetingEvent.meeting_id) == meeting_id, col(MeetingEvent.type) == "item.current"
            )
        )
    )
    named = _named_votes(session, meeting_id)
    rows = []
    for item in items:
        assert item.id is not None
        ballot = ballots.get(item.id)
        if item.id == live.current_item_id:
            state = CURRENT
        elif item.id in treated or (ballot is not None and ballot.status == BallotStatus.closed):
            state = DONE
        else:
            state = UPCOMING
        rows.append(_row(item, ballot, state, named.get(item.id, {})))
    public_current = any(row.state == CURRENT for row in rows)
    in_closed_session = live.current_item_id is not None and not public_current
    speakers = [] if in_closed_session else _speakers(session, meeting_id)
    speaking = next((s for s in speakers if s.status == SpeakerStatus.speaking), None)
    return LiveState(
        meeting_id=meeting_id,
        title=meeting.title,
        status=meeting.status,
        paused=meeting.paused_at is not None,
        started_at=meeting.started_at,
        ended_at=meeting.ended_at,
        seq=live.last_seq,
        items=rows,
        current_item_id=live.current_item_id if public_current else None,
        speaker=speaking,
        queue=[s for s in speakers if s.status == SpeakerStatus.waiting],
        ballot=_running_ballot(session, meeting, ballots),
        present=len(present_mandate_ids(session, meeting)),
        speaking_limit_seconds=live.speaking_limit_seconds,
        video_kind=live.video_kind,
        video_url=live.video_url,
    )
