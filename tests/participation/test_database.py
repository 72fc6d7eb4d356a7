"""Engine set-up on both databases, timezone-aware times, one transaction per write."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from participation.database import Database, utcnow
from participation.models import User, UserRole
from tests.helpers import create_user


def test_sqlite_runs_with_wal_and_foreign_keys(db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_times_come_back_timezone_aware_in_utc(db: Database) -> None:
    brussels = dt.timezone(dt.timedelta(hours=1))
    user = create_user(db)
    with db.write() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        stored.email_verified_at = dt.datetime(2026, 11, 23, 20, 30, tzinfo=brussels)
    with db.read() as session:
        again = session.get(User, user.id)
        assert again is not None
        assert again.email_verified_at == dt.datetime(2026, 11, 23, 19, 30, tzinfo=dt.UTC)
        assert again.email_verified_at.tzinfo is not None


def test_naive_times_are_refused(db: Database) -> None:
    user = create_user(db)
    with pytest.raises(StatementError, match="naive"), db.write() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        stored.email_verified_at = dt.datetime(2026, 11, 23, 20, 30)
        session.flush()


def test_a_failed_write_leaves_nothing_behind(db: Database) -> None:
    user = create_user(db)
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(User(email="new@example.be", display_name="New", password_hash="x"))
        session.flush()
        assert user.id is not None
        session.add(UserRole(user_id=user.id, role="resident"))  # already held: unique
        session.flush()
    with db.read() as session:
        assert session.exec(select(User).where(User.email == "new@example.be")).first() is None


def test_the_database_refuses_an_unknown_role(db: Database) -> None:
    user = create_user(db)
    with pytest.raises(IntegrityError), db.write() as session:
        assert user.id is not None
        session.add(UserRole(user_id=user.id, role="emperor"))
        session.flush()


def test_utcnow_is_aware() -> None:
    assert utcnow().tzinfo is dt.UTC
