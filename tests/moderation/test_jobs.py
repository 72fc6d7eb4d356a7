"""Mutes end by themselves: the job is idempotent, fired twice or caught up after a restart."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import col, select

from moderation import jobs, sanctions
from moderation.models import ModerationAction, Sanction, SanctionKind
from participation.database import Database, utcnow
from participation.models import User
from participation.scheduler import Scheduler
from participation.settings import Settings
from tests.moderation.conftest import sanction


def _move_end_to_the_past(db: Database, target: User) -> None:
    """As if the days had passed (while the server was down, maybe)."""
    past = utcnow() - dt.timedelta(minutes=5)
    with db.write() as session:
        session.execute(
            update(Sanction).where(col(Sanction.user_id) == target.id).values(ends_at=past)
        )
        session.execute(update(User).where(col(User.id) == target.id).values(muted_until=past))


def _unmutes(db: Database) -> list[ModerationAction]:
    with db.read() as session:
        return list(
            session.exec(select(ModerationAction).where(ModerationAction.action == "unmute"))
        )


def _state(db: Database, target: User) -> tuple[dt.datetime | None, dt.datetime | None]:
    with db.read() as session:
        user = session.get(User, target.id)
        sanction = session.exec(select(Sanction).where(Sanction.user_id == target.id)).one()
    assert user is not None
    return user.muted_until, sanction.ended_at


def test_a_mute_not_due_is_left_alone(db: Database, moderator: User, resident: User) -> None:
    sanction(db, moderator, resident, "mute", days=2)
    assert jobs.end_mutes(db) == []
    muted_until, ended_at = _state(db, resident)
    assert muted_until is not None
    assert ended_at is None


def test_the_job_fired_twice_ends_the_mute_once(
    db: Database, moderator: User, resident: User, neighbour: User
) -> None:
    sanction(db, moderator, resident, "mute", days=2)
    sanction(db, moderator, neighbour, "mute", days=2)
    _move_end_to_the_past(db, resident)

    assert jobs.end_mutes(db) == [resident.id]
    assert jobs.end_mutes(db) == []

    muted_until, ended_at = _state(db, resident)
    assert muted_until is None
    assert ended_at is not None
    (entry,) = _unmutes(db)
    assert entry.automatic
    assert entry.moderator_id is None
    assert entry.target_user_id == resident.id
    assert _state(db, neighbour)[0] is not None  # the other mute is not due yet


def test_a_restart_catches_up_once(
    db: Database, settings: Settings, moderator: User, resident: User
) -> None:
    sanction(db, moderator, resident, "mute", days=2)
    _move_end_to_the_past(db, resident)

    for _restart in range(2):
        scheduler = Scheduler(db, settings, providers=[jobs])
        scheduler.start()
        assert "moderation.mutes" in scheduler.job_ids()
        scheduler.shutdown()

    assert _state(db, resident)[0] is None
    assert len(_unmutes(db)) == 1


def test_a_lifted_mute_is_not_ended_again(db: Database, moderator: User, resident: User) -> None:
    sanction(db, moderator, resident, "mute", days=2)
    assert resident.id is not None
    with db.write() as session:
        sanctions.do_lift(session, moderator, resident.id, SanctionKind.mute, "")
    _move_end_to_the_past(db, resident)
    assert jobs.end_mutes(db) == []
    assert len(_unmutes(db)) == 1  # the moderator's lift only
