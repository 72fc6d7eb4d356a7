"""Events reach subscribers only after the transaction commits."""

from __future__ import annotations

import pytest

from participation.database import Database
from participation.events import Event, EventBus, publish


def test_events_are_delivered_after_commit(db: Database) -> None:
    heard: list[Event] = []
    seen_during_transaction: list[int] = []
    db.bus.subscribe("thing.done", heard.append)
    with db.write() as session:
        publish(session, "thing.done", thing_id=7)
        seen_during_transaction.append(len(heard))
    assert seen_during_transaction == [0]
    assert heard == [Event("thing.done", {"thing_id": 7})]


def test_a_rolled_back_transaction_publishes_nothing(db: Database) -> None:
    heard: list[Event] = []
    db.bus.subscribe("thing.done", heard.append)
    with pytest.raises(RuntimeError), db.write() as session:
        publish(session, "thing.done", thing_id=7)
        raise RuntimeError("the action failed half-way")
    with db.write():
        pass
    assert heard == []


def test_a_failing_subscriber_does_not_silence_the_others(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    heard: list[Event] = []

    def broken(_event: Event) -> None:
        raise ValueError("subscriber bug")

    db.bus.subscribe("thing.done", broken)
    db.bus.subscribe("thing.done", heard.append)
    with db.write() as session:
        publish(session, "thing.done")
    assert len(heard) == 1
    assert "subscriber" in caplog.text


def test_a_keyed_subscriber_replaces_the_earlier_one_with_its_key() -> None:
    bus = EventBus()
    heard: list[str] = []
    bus.subscribe("meeting.started", lambda _e: heard.append("first"), key="live")
    bus.subscribe("meeting.started", lambda _e: heard.append("second"), key="live")
    bus.subscribe("meeting.started", lambda _e: heard.append("other"))
    bus.deliver(Event("meeting.started"))
    assert heard == ["second", "other"]
