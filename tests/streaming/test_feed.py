"""What the hubs read: the log's events as the JSON API's messages, encoded once without a
decode and re-encode, where a meeting's log stands, and the snapshot message."""

from __future__ import annotations

import json

from participation.database import Database
from participation.models import User
from streaming import feed
from streaming.log import append_event, as_message, events_after
from tests.voting.agenda_world import HOSTILE, id_of, make_meeting, start_session
from voting.models import Meeting


def test_an_event_is_the_api_message_it_stands_for(db: Database, meeting: Meeting) -> None:
    meeting_id = id_of(meeting)
    data = {"request_id": 3, "name": f"Zoë {HOSTILE}", "group": "\u2028", "limit_seconds": None}
    with db.write() as session:
        append_event(session, meeting_id, "speaker.granted", data)
    with db.read() as session:
        (event,) = events_after(session, meeting_id, 0)
    (read,) = feed.read_events(db, meeting_id, 0)
    assert (read.seq, read.kind) == (1, "speaker.granted")
    assert (
        json.loads(read.text)
        == as_message(event)
        == {"seq": 1, "type": "speaker.granted", "data": data}
    )


def test_only_a_public_meeting_has_a_start(db: Database, clerk: User, meeting: Meeting) -> None:
    draft = id_of(make_meeting(db, clerk, "Ontwerp", publish=False))
    assert feed.read_start(db, draft) is None
    assert feed.read_start(db, draft + 100) is None
    assert feed.read_start(db, id_of(meeting)) == 0


def test_the_snapshot_shows_the_state_at_its_number(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)
    start_session(db, clerk, meeting_id, council_members)
    state = feed.read_state(db, meeting_id)
    assert state.seq == feed.read_start(db, meeting_id) == 1 + len(council_members)
    message = json.loads(feed.snapshot_text(state))
    assert message["type"] == "snapshot"
    assert message["seq"] == state.seq
    assert message["data"] == json.loads(json.dumps(state.as_json()))
    assert message["data"]["present"] == len(council_members)
