"""The event bus: actions queue events on their session; subscribers hear them after commit.

A rolled-back transaction publishes nothing, so a subscriber (a notification, the live
broker) never announces a change that did not happen. A feature that must write something in
the same transaction as the change (the live session's event log) names a recorder in its
`hooks` module's `RECORDERS`; recorders run at `publish`, inside the transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import Session as ModelSession

from participation.features import feature_modules

log = logging.getLogger(__name__)

_PENDING = "inspraak_pending_events"
_BUS = "inspraak_bus"


@dataclass(frozen=True)
class Event:
    name: str
    data: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[Event], None]
# Recorders get the session of the action (a SQLModel session) to write in its transaction.
Recorder = Callable[[ModelSession, Event], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._keyed: dict[tuple[str, str], Handler] = {}

    def subscribe(self, name: str, handler: Handler, *, key: str | None = None) -> None:
        """Add a subscriber; one with the `key` of an earlier one replaces it (a scheduler
        that restarts registers its subscribers again)."""
        if key is not None:
            earlier = self._keyed.pop((name, key), None)
            if earlier is not None:
                self._handlers[name].remove(earlier)
            self._keyed[(name, key)] = handler
        self._handlers[name].append(handler)

    def deliver(self, published: Event) -> None:
        """Call each subscriber; one failing subscriber does not silence the others."""
        for handler in self._handlers.get(published.name, ()):
            try:
                handler(published)
            except Exception:
                log.exception("subscriber %r failed on %s", handler, published.name)


def attach_bus(session: Session, bus: EventBus) -> None:
    session.info[_BUS] = bus


@cache
def _recorders() -> dict[str, list[Recorder]]:
    """Each feature's in-transaction recorders by event name, looked up once."""
    found: dict[str, list[Recorder]] = defaultdict(list)
    for module in feature_modules("hooks"):
        for name, recorder in getattr(module, "RECORDERS", {}).items():
            found[name].append(recorder)
    return dict(found)


def publish(session: ModelSession, name: str, **data: Any) -> None:
    """Let the recorders write in this transaction, and queue the event for the subscribers,
    who hear it once the transaction commits."""
    queued = Event(name, data)
    for record in _recorders().get(name, ()):
        record(session, queued)
    session.info.setdefault(_PENDING, []).append(queued)


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    pending: list[Event] = session.info.pop(_PENDING, [])
    bus: EventBus | None = session.info.get(_BUS)
    if bus is None:
        return
    for queued in pending:
        bus.deliver(queued)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
