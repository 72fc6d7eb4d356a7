"""The meeting's event log: each live change appends one event, numbered per meeting, in
the transaction of the change. The log is the truth; brokers and websockets only carry
the news that it grew."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from participation.database import utcnow
from participation.events import publish
from streaming.models import LiveSession, MeetingEvent

# The bus event, heard after commit, that tells the broker a meeting's log grew.
APPENDED = "live.appended"


def _next_seq_upsert(insert: Any) -> Any:
    last = LiveSession.__table__.c.last_seq  # type: ignore[attr-defined]
    return (
        insert(LiveSession)
        .values(meeting_id=bindparam("meeting_id"), last_seq=1)
        .on_conflict_do_update(index_elements=["meeting_id"], set_={"last_seq": last + 1})
        .returning(last)
    )


# Built once per dialect: a vote cast in session appends an event, on the hot path.
_NEXT_SEQ = {"postgresql": _next_seq_upsert(pg_insert), "sqlite": _next_seq_upsert(sqlite_insert)}
_EVENTS = MeetingEvent.__table__  # type: ignore[attr-defined]
_INSERT_EVENT = _EVENTS.insert()


def append_event(
    session: Session,
    meeting_id: int,
    kind: str,
    data: dict[str, Any],
    *,
    item_id: int | None = None,
    actor_id: int | None = None,
    public: bool = True,
) -> int:
    """Append one event and return its sequence number. The upsert on the meeting's counter
    row also serialises concurrent appends to one meeting, so numbers follow commit order."""
    connection = session.connection()
    seq: int = connection.execute(
        _NEXT_SEQ[connection.dialect.name], {"meeting_id": meeting_id}
    ).scalar_one()
    connection.execute(
        _INSERT_EVENT,
        {
            "meeting_id": meeting_id,
            "seq": seq,
            "type": kind,
            "data": json.dumps(data, separators=(",", ":"), ensure_ascii=False),
            "item_id": item_id,
            "actor_id": actor_id,
            "public": public,
            "created_at": utcnow(),
        },
    )
    publish(session, APPENDED, meeting_id=meeting_id, seq=seq)
    return seq


def last_seq(session: Session, meeting_id: int) -> int:
    found = session.execute(
        select(col(LiveSession.last_seq)).where(col(LiveSession.meeting_id) == meeting_id)
    ).scalar()
    return int(found or 0)


def events_after(
    session: Session,
    meeting_id: int,
    seq: int,
    limit: int | None = None,
    *,
    public_only: bool = False,
) -> list[MeetingEvent]:
    """The meeting's events numbered above `seq`, in order; with `public_only`, without those
    about closed-session items (the numbers then have gaps)."""
    query = (
        select(MeetingEvent)
        .where(col(MeetingEvent.meeting_id) == meeting_id, col(MeetingEvent.seq) > seq)
        .order_by(col(MeetingEvent.seq))
    )
    if public_only:
        query = query.where(col(MeetingEvent.public).is_(True))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def as_message(event: MeetingEvent) -> dict[str, Any]:
    """The JSON live API's message for one event: `{"seq", "type", "data"}`."""
    return {"seq": event.seq, "type": event.type, "data": json.loads(event.data)}
