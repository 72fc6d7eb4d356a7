"""The meeting's event log: numbered per meeting in the transaction of the change, in commit
order, without gaps, and announced only after commit."""

from __future__ import annotations

import threading

import pytest

from participation.database import Database
from participation.events import Event
from streaming.log import APPENDED, append_event, as_message, events_after, last_seq
from voting.models import Meeting


def _append(db: Database, meeting_id: int, kind: str, **data: object) -> int:
    with db.write() as session:
        return append_event(session, meeting_id, kind, dict(data))


def test_events_are_numbered_per_meeting_from_one(db: Database, meeting: Meeting) -> None:
    other = Meeting(council_id=meeting.council_id, title="Other", starts_at=meeting.starts_at)
    with db.write() as session:
        session.add(other)
    assert other.id is not None
    assert meeting.id is not None
    seqs = [_append(db, meeting.id, "item.current", item_id=i) for i in range(3)]
    assert seqs == [1, 2, 3]
    assert _append(db, other.id, "session.started") == 1
    with db.read() as session:
        assert last_seq(session, meeting.id) == 3
        assert last_seq(session, other.id) == 1


def test_a_rolled_back_change_leaves_no_event_and_no_number(db: Database, meeting: Meeting) -> None:
    assert meeting.id is not None
    _append(db, meeting.id, "session.started")
    with pytest.raises(RuntimeError), db.write() as session:
        append_event(session, meeting.id, "item.current", {"item_id": 1})
        raise RuntimeError("the action failed half-way")
    assert _append(db, meeting.id, "session.paused") == 2
    with db.read() as session:
        kinds = [event.type for event in events_after(session, meeting.id, 0)]
    assert kinds == ["session.started", "session.paused"]


def test_concurrent_appends_get_distinct_consecutive_numbers(
    db: Database, meeting: Meeting
) -> None:
    assert meeting.id is not None
    meeting_id = meeting.id
    seqs: list[int] = []
    lock = threading.Lock()

    def append() -> None:
        seq = _append(db, meeting_id, "ballot.tally", voted=1)
        with lock:
            seqs.append(seq)

    threads = [threading.Thread(target=append) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seqs) == list(range(1, 21))
    with db.read() as session:
        logged = [event.seq for event in events_after(session, meeting_id, 0)]
    assert logged == list(range(1, 21))


def test_events_after_a_number_are_the_missed_ones_in_order(db: Database, meeting: Meeting) -> None:
    assert meeting.id is not None
    for i in range(5):
        _append(db, meeting.id, "item.current", item_id=i)
    with db.read() as session:
        missed = events_after(session, meeting.id, 2)
        first_two = events_after(session, meeting.id, 0, limit=2)
    assert [event.seq for event in missed] == [3, 4, 5]
    assert [event.seq for event in first_two] == [1, 2]
    assert as_message(missed[0]) == {"seq": 3, "type": "item.current", "data": {"item_id": 2}}


def test_the_broker_hears_of_an_event_only_after_commit(db: Database, meeting: Meeting) -> None:
    assert meeting.id is not None
    heard: list[Event] = []
    db.bus.subscribe(APPENDED, heard.append)
    with db.write() as session:
        append_event(session, meeting.id, "session.started", {})
        assert heard == []
    assert heard == [Event(APPENDED, {"meeting_id": meeting.id, "seq": 1})]


def test_data_keeps_text_as_written(db: Database, meeting: Meeting) -> None:
    assert meeting.id is not None
    hostile = "<script>alert(1)</script> Zoë"
    _append(db, meeting.id, "item.current", title=hostile)
    with db.read() as session:
        (event,) = events_after(session, meeting.id, 0)
    assert as_message(event)["data"] == {"title": hostile}
