"""What the live session records when voting changes a meeting: each voting event becomes an
event in the meeting's log, in the same transaction (`participation.events` runs these
`RECORDERS` at publish). Voting never imports streaming."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from participation.database import utcnow
from participation.events import Event, Recorder
from participation.i18n import N_
from participation.privacy import PUBLIC_RECORD, Sections, StoredData, records, rows_of
from streaming.log import append_event
from streaming.models import MeetingEvent, SpeakerRequest, SpeakerStatus
from streaming.state import voted_count
from voting.actions import present_mandate_ids
from voting.item_ballots import council_ballot_of
from voting.models import AgendaItem, BallotStatus, CouncilBallot, Meeting, Secrecy
from voting.queries import vote_list


def _meeting(session: Session, event: Event) -> Meeting:
    meeting = session.get(Meeting, event.data["meeting_id"])
    assert meeting is not None
    return meeting


def _simple(kind: str) -> Recorder:
    """A meeting event whose live counterpart needs no data beyond its kind."""

    def record(session: Session, event: Event) -> None:
        append_event(session, event.data["meeting_id"], kind, {})

    return record


def _session_ended(session: Session, event: Event) -> None:
    """The floor closes with the session: the speaker has spoken, the queue is cleared."""
    meeting_id = event.data["meeting_id"]
    ended = {"ended_at": utcnow()}
    for status, becomes in (
        (SpeakerStatus.speaking, SpeakerStatus.done),
        (SpeakerStatus.waiting, SpeakerStatus.removed),
    ):
        session.execute(
            update(SpeakerRequest)
            .where(
                col(SpeakerRequest.meeting_id) == meeting_id,
                col(SpeakerRequest.status) == status,
            )
            .values(status=becomes.value, **ended)
        )
    append_event(session, meeting_id, "session.ended", {})


def _attendance(session: Session, event: Event) -> None:
    meeting = _meeting(session, event)
    present = len(present_mandate_ids(session, meeting))
    append_event(session, event.data["meeting_id"], "attendance", {"present": present})


def _ballot(session: Session, item_id: int) -> CouncilBallot:
    ballot = council_ballot_of(session, item_id)
    assert ballot is not None  # voting publishes ballot events only for items with a ballot
    return ballot


def _append_for_item(session: Session, event: Event, kind: str, data: dict[str, Any]) -> None:
    """Append an event about an item: kept from the public when the item is closed-session."""
    item_id = event.data["item_id"]
    item = session.get(AgendaItem, item_id)
    assert item is not None
    public = not item.closed_session
    append_event(session, event.data["meeting_id"], kind, data, item_id=item_id, public=public)


def _ballot_opened(session: Session, event: Event) -> None:
    item_id = event.data["item_id"]
    ballot = _ballot(session, item_id)
    data = {"item_id": item_id, "secret": ballot.secrecy == Secrecy.secret}
    _append_for_item(session, event, "ballot.opened", data)


def _vote_cast(session: Session, event: Event) -> None:
    """While the ballot is open the public sees how many have voted, never who voted what."""
    item_id = event.data["item_id"]
    ballot = _ballot(session, item_id)
    if ballot.status != BallotStatus.open:
        return  # a pre-vote, days before the meeting: not part of the live session
    meeting = _meeting(session, event)
    present = present_mandate_ids(session, meeting)
    data = {
        "item_id": item_id,
        "voted": voted_count(session, ballot.id, present),
        "present": len(present),
    }
    _append_for_item(session, event, "ballot.tally", data)


def _ballot_closed(session: Session, event: Event) -> None:
    item_id = event.data["item_id"]
    ballot = _ballot(session, item_id)
    meeting = _meeting(session, event)
    votes = vote_list(session, ballot, meeting)
    data: dict[str, Any] = {
        "item_id": item_id,
        "outcome": ballot.outcome,
        "tally": {"yes": ballot.yes, "no": ballot.no, "abstain": ballot.abstain},
        "present": ballot.present,
        "in_office": ballot.in_office,
        "votes": {
            choice: [{"name": v.name, "group": v.group, "recorded": v.recorded} for v in voters]
            for choice, voters in votes.by_choice
        },
        "recused": [{"name": v.name, "group": v.group} for v in votes.recused],
    }
    _append_for_item(session, event, "ballot.closed", data)


RECORDERS: dict[str, Recorder] = {
    "meeting.started": _simple("session.started"),
    "meeting.paused": _simple("session.paused"),
    "meeting.resumed": _simple("session.resumed"),
    "meeting.ended": _session_ended,
    "meeting.check_in": _attendance,
    "ballot.opened": _ballot_opened,
    "council_vote.cast": _vote_cast,
    "ballot.closed": _ballot_closed,
}


STORED: list[StoredData] = [
    StoredData(
        "live_sessions",
        N_(
            "For the chair and the clerk: who made each change during a live council session, "
            "and who gave the floor to a speaker."
        ),
        N_("The course of a council session is public record."),
        PUBLIC_RECORD,
        ("meeting_events", "speaker_requests"),
    ),
]


def personal_data(session: Session, user_id: int) -> Sections:
    events = rows_of(session, MeetingEvent.actor_id, user_id)
    floors = rows_of(session, SpeakerRequest.recorded_by_id, user_id)
    return {
        "live_sessions": [
            *records(events, ("meeting_id", "type", "created_at")),
            *records(floors, ("meeting_id", "mandate_id", "requested_at")),
        ]
    }
