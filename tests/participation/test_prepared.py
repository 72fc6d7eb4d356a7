"""Prepared statements on the driver's cursor: same values in and out as SQLAlchemy's, in the
session's transaction, and a refusal of what they cannot run faithfully."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, insert, update
from sqlalchemy import select as core_select
from sqlmodel import select

from participation.database import Database, utcnow
from participation.models import LoginSession, User
from participation.prepared import Prepared
from tests.helpers import HOSTILE, create_user

USERS = User.__table__  # type: ignore[attr-defined]
SESSIONS = LoginSession.__table__  # type: ignore[attr-defined]
BRUSSELS = dt.timezone(dt.timedelta(hours=1))

ADD_SESSION = Prepared(
    insert(SESSIONS)
    .values(
        {
            name: bindparam(name)
            for name in ("token_hash", "user_id", "created_at", "expires_at", "user_agent")
        }
    )
    .returning(SESSIONS.c.token_hash)
)
SESSION_OF = Prepared(
    core_select(SESSIONS.c.user_agent, SESSIONS.c.expires_at).where(
        SESSIONS.c.token_hash == bindparam("token_hash")
    )
)
EXPIRING_AFTER = Prepared(
    core_select(SESSIONS.c.token_hash).where(SESSIONS.c.expires_at > bindparam("moment"))
)
RENAME = Prepared(
    update(USERS).where(USERS.c.id == bindparam("user_id")).values(display_name=bindparam("name"))
)


def test_values_go_in_and_come_out_as_sqlalchemy_converts_them(db: Database) -> None:
    user = create_user(db)
    expires = dt.datetime(2026, 12, 1, 20, 30, 15, 250, tzinfo=BRUSSELS)
    with db.write() as session:
        connection = session.connection()
        row = {"token_hash": "t1", "user_id": user.id, "user_agent": HOSTILE}
        times = {"created_at": utcnow(), "expires_at": expires}
        assert ADD_SESSION.scalar(connection, {**row, **times}) == "t1"
    with db.read() as session:
        found = SESSION_OF.first(session.connection(), {"token_hash": "t1"})
        stored = session.exec(select(LoginSession).where(LoginSession.token_hash == "t1")).one()
    assert found.user_agent == HOSTILE  # bound, never spliced into the SQL
    assert found.expires_at == dt.datetime(2026, 12, 1, 19, 30, 15, 250, tzinfo=dt.UTC)
    assert found.expires_at.tzinfo is not None
    assert stored.expires_at == found.expires_at  # as the ORM reads what it wrote


def test_times_compare_in_utc_whatever_the_offset_asked(db: Database) -> None:
    user = create_user(db)
    expires = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    with db.write() as session:
        row = {"token_hash": "t", "user_id": user.id, "user_agent": ""}
        times = {"created_at": utcnow(), "expires_at": expires}
        ADD_SESSION.run(session.connection(), {**row, **times})
    with db.read() as session:
        connection = session.connection()
        # 12:30 in Brussels is 11:30 UTC: before the expiry; 13:30 in Brussels is after it.
        before = dt.datetime(2026, 12, 1, 12, 30, tzinfo=BRUSSELS)
        after = dt.datetime(2026, 12, 1, 13, 30, tzinfo=BRUSSELS)
        assert EXPIRING_AFTER.first(connection, {"moment": before}) == ("t",)
        assert EXPIRING_AFTER.first(connection, {"moment": after}) is None


def test_a_change_belongs_to_the_sessions_transaction(db: Database) -> None:
    user = create_user(db, name="Ann")
    with pytest.raises(RuntimeError), db.write() as session:
        assert RENAME.run(session.connection(), {"user_id": user.id, "name": "Bea"}) == 1
        raise RuntimeError("rolled back")
    with db.read() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        assert stored.display_name == "Ann"
    with db.write() as session:
        assert RENAME.run(session.connection(), {"user_id": user.id, "name": "Bea"}) == 1
        assert RENAME.run(session.connection(), {"user_id": -1, "name": "Cas"}) == 0
    with db.read() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        assert stored.display_name == "Bea"


def test_scalar_of_no_row_is_an_error(db: Database) -> None:
    with db.read() as session, pytest.raises(LookupError):
        SESSION_OF.scalar(session.connection(), {"token_hash": "none"})


def test_statements_it_cannot_run_faithfully_are_refused(db: Database) -> None:
    table = Table(
        "defaulted",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("count", Integer, default=0, onupdate=1),
    )
    refused = [
        Prepared(insert(table).values(id=bindparam("id"))),
        Prepared(update(table).where(table.c.id == bindparam("id")).values(id=bindparam("id"))),
        Prepared(core_select(table.c.id).where(table.c.id.in_(bindparam("ids", expanding=True)))),
    ]
    with db.read() as session:
        connection = session.connection()
        for statement in refused:
            with pytest.raises(TypeError):
                statement.run(connection, {"id": 1, "ids": [1]})
