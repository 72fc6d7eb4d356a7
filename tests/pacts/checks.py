"""What the pact tests read back after an action: status, timeline, refusal, notifications."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from pacts.models import Pact
from pacts.steps import timeline
from participation.checks import Refused
from participation.database import Database
from participation.models import User
from participation.notifications import Notification


def status_of(db: Database, pact_id: int | None) -> str:
    with db.read() as session:
        found = session.get(Pact, pact_id)
        assert found is not None
        return found.status


def steps_of(db: Database, pact_id: int | None) -> list[tuple[str, str, int | None, bool]]:
    assert pact_id is not None
    with db.read() as session:
        return [(s.kind, s.status, s.actor_id, s.automatic) for s in timeline(session, pact_id)]


def refused_message(db: Database, call: object, status_code: int) -> str:
    with pytest.raises(Refused) as refused, db.write() as session:
        call(session)  # type: ignore[operator]
    assert refused.value.status_code == status_code, refused.value.message
    return refused.value.message


def notification_kinds(db: Database, user: User) -> list[str]:
    with db.read() as session:
        rows = session.exec(
            select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(col(Notification.id))
        )
        return list(rows)
