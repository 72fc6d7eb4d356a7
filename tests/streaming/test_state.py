"""The public live state, after a session driven through the console's and voting's actions:
each item's state, the running ballot's count, the named result at close, the speakers, and
nothing of the items in closed session."""

from __future__ import annotations

import json

from participation.database import Database
from participation.models import User
from tests.streaming.live_world import (
    end,
    grant_floor,
    request_floor,
    set_current,
    state_of,
)
from tests.voting.agenda_world import (
    add_item,
    cast,
    close_ballot,
    id_of,
    open_ballot,
    pause_session,
)
from voting.models import AgendaItem, Meeting


def test_before_the_session_everything_is_upcoming(
    db: Database, meeting: Meeting, item: AgendaItem
) -> None:
    state = state_of(db, id_of(meeting))
    assert state.phase == "not_started"
    assert [(row.id, row.state) for row in state.items] == [(id_of(item), "upcoming")]
    assert state.current_item is None
    assert state.ballot is None
    assert state.seq == 0


def test_items_are_upcoming_current_then_done(
    db: Database, clerk: User, meeting: Meeting, item: AgendaItem, in_session: int
) -> None:
    second = id_of(add_item(db, clerk, meeting, title="Tweede punt"))
    third = id_of(add_item(db, clerk, meeting, title="Derde punt"))
    set_current(db, clerk, id_of(meeting), in_session)
    set_current(db, clerk, id_of(meeting), second)
    state = state_of(db, id_of(meeting))
    assert [(row.id, row.state) for row in state.items] == [
        (in_session, "done"),
        (second, "current"),
        (third, "upcoming"),
    ]
    assert state.current_item is not None
    assert state.current_item.title == "Tweede punt"
    assert state.phase == "in_session"
    assert state.present == 3


def test_a_running_ballot_counts_the_votes_then_shows_the_named_result(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    set_current(db, clerk, id_of(meeting), in_session)
    open_ballot(db, clerk, in_session)
    cast(db, council_members[0], in_session, "yes")
    running = state_of(db, id_of(meeting))
    assert running.ballot is not None
    assert (running.ballot.voted, running.ballot.present, running.ballot.secret) == (1, 3, False)
    assert running.items[0].ballot_status == "open"
    assert running.items[0].tally is None
    cast(db, council_members[1], in_session, "no")
    cast(db, council_members[2], in_session, "yes")
    close_ballot(db, clerk, in_session)
    closed = state_of(db, id_of(meeting))
    row = closed.items[0]
    assert closed.ballot is None
    assert (row.outcome, row.tally) == ("approved", {"yes": 2, "no": 1, "abstain": 0})
    assert [v.name for v in row.votes["yes"]] == ["Member 0", "Member 2"]
    assert [(v.name, v.group) for v in row.votes["no"]] == [("Member 1", "Vooruit")]
    assert closed.results == [row]


def test_the_speaker_and_the_queue_in_order(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    meeting_id = id_of(meeting)
    set_current(db, clerk, meeting_id, in_session)
    first = request_floor(db, council_members[2], meeting_id)
    request_floor(db, council_members[0], meeting_id)
    request_floor(db, council_members[1], meeting_id)
    grant_floor(db, clerk, first)
    state = state_of(db, meeting_id)
    assert state.speaker is not None
    assert state.speaker.name == "Member 2"
    assert state.speaker.started_at is not None
    assert [s.name for s in state.queue] == ["Member 0", "Member 1"]


def test_items_in_closed_session_stay_out_of_the_public_state(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    meeting_id = id_of(meeting)
    closed = id_of(add_item(db, clerk, meeting, title="Personeelszaak", closed_session=True))
    set_current(db, clerk, meeting_id, closed)
    request_floor(db, council_members[0], meeting_id)
    open_ballot(db, clerk, closed)
    cast(db, council_members[0], closed, "no")
    state = state_of(db, meeting_id)
    assert [row.id for row in state.items] == [in_session]
    assert state.current_item_id is None
    assert state.queue == []
    assert state.ballot is None
    assert "Personeelszaak" not in json.dumps(state.as_json())


def test_pause_and_end(db: Database, clerk: User, meeting: Meeting, in_session: int) -> None:
    pause_session(db, clerk, id_of(meeting))
    assert state_of(db, id_of(meeting)).phase == "paused"
    end(db, clerk, id_of(meeting))
    assert state_of(db, id_of(meeting)).phase == "ended"


def test_the_snapshot_is_json_with_the_last_seq(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    set_current(db, clerk, id_of(meeting), in_session)
    grant_floor(db, clerk, request_floor(db, council_members[0], id_of(meeting)))
    state = state_of(db, id_of(meeting))
    data = json.loads(json.dumps(state.as_json()))
    assert data["seq"] == state.seq > 0
    assert data["current_item_id"] == in_session
    assert data["speaker"]["name"] == "Member 0"
    assert data["speaker"]["started_at"] == state.speaker.started_at.isoformat()  # type: ignore[union-attr]
