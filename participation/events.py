"""The event bus: actions queue events on their session; subscribers hear them after commit.

A rolled-back transaction publishes nothing, so a subscriber (a notification, the live
broker) never announces a change that did not happen.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_PENDING = "inspraak_pending_events"
_BUS = "inspraak_bus"


@dataclass(frozen=True)
class Event:
    name: str
    data: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[Event], None]


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


def publish(session: Session, name: str, **data: Any) -> None:
    """Queue an event; it is delivered once the session's transaction commits."""
    session.info.setdefault(_PENDING, []).append(Event(name, data))


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
