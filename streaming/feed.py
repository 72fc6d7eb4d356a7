"""What the live hubs read, in worker threads (never on the event loop): where a meeting's
log stands, the events after a number, encoded once as the JSON API's messages, and the
public state with the fragments rendered from it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from participation.database import Database
from participation.templating import Templates
from streaming import fragments
from streaming.log import events_after, last_seq
from streaming.models import MeetingEvent
from streaming.state import LiveState, load_state
from voting.models import Meeting

READ_LIMIT = 1000  # events per read; a hub further behind reads again at once


@dataclass(frozen=True, slots=True)
class Logged:
    """One event as the hub passes it on; `seq` 0 for messages outside the log."""

    seq: int
    kind: str
    text: str  # the JSON API's message, encoded once for every viewer
    public: bool = True  # False: about a closed-session item, never sent to viewers


def logged(event: MeetingEvent) -> Logged:
    # `data` is stored as compact JSON already: splice it rather than decode and encode it.
    text = f'{{"seq":{event.seq},"type":{json.dumps(event.type)},"data":{event.data}}}'
    return Logged(event.seq, event.type, text, event.public)


def snapshot_text(state: LiveState) -> str:
    message = {"seq": state.seq, "type": "snapshot", "data": state.as_json()}
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def read_start(db: Database, meeting_id: int) -> int | None:
    """The meeting's last sequence number, or None unless it is public."""
    with db.read() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or not meeting.is_public:
            return None
        return last_seq(session, meeting_id)


def read_events(db: Database, meeting_id: int, seq: int) -> list[Logged]:
    with db.read() as session:
        return [logged(e) for e in events_after(session, meeting_id, seq, READ_LIMIT)]


def read_state(db: Database, meeting_id: int) -> LiveState:
    with db.read() as session:
        if db.dialect == "postgresql":
            # One snapshot for every query, so that the state is exactly that of its seq.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return load_state(session, meeting_id)


def render_update(
    db: Database,
    templates: Templates,
    meeting_id: int,
    kinds: frozenset[str],
    languages: list[str],
) -> tuple[LiveState, dict[str, str]]:
    """The state now, and the fragments events of these kinds change, per language."""
    state = read_state(db, meeting_id)
    html = {
        language: fragments.render_update(templates, state, kinds, language)
        for language in languages
    }
    return state, html
