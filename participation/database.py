"""Engine, sessions and column types shared by every package.

SQLite gets WAL, foreign keys and a busy timeout; write transactions start with
BEGIN IMMEDIATE so that two writers queue on the lock instead of failing half-way.

A short SQLite write may run on the event loop instead of a worker thread (see
`participation/inline.py`): `Database.writing_inline` hands out this process's write lock only
when it is free, and a write inside it refuses to wait for another process (`WriterBusy`), so
the event loop never stands still waiting for a lock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

from participation.events import EventBus, attach_bus


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stored in UTC, always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times timezone-aware")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK constraint that keeps a text column within its allowed values."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def engine_url(url: str) -> str:
    """psycopg 3 is our PostgreSQL driver; accept the plain postgresql:// spelling."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str) -> Engine:
    url = engine_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # As many connections as the thread pool has threads (40), so no request waits for one.
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 15},
        pool_size=20,
        max_overflow=-1,  # a SQLite connection is only a file handle: never wait for one
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


BUSY_TIMEOUT_MS = 15_000


class WriterBusy(Exception):
    """Another process holds SQLite's write lock, and this write was asked not to wait."""


def _sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # The driver's own transaction handling would defeat BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    options = connection.get_execution_options()
    if not options.get("inspraak_write", False):
        connection.exec_driver_sql("BEGIN")
    elif not options.get("inspraak_nowait", False):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        driver = connection.connection.driver_connection
        driver.execute("PRAGMA busy_timeout=0")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as error:
            if getattr(error.orig, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY:
                raise
            raise WriterBusy() from error
        finally:
            driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


class _Inline(threading.local):
    active = False  # this thread is inside `Database.writing_inline`


class Database:
    """The engine plus the two ways to use it: read, or write in one transaction."""

    def __init__(self, url: str, bus: EventBus | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.bus = bus or EventBus()
        # SQLite has one writer at a time. Queueing this process's writers on a lock is fairer
        # and faster than letting each one sleep and retry in SQLite's busy handler. Reentrant:
        # `writing_inline` holds it around a view whose `write` takes it again.
        self._write_lock = threading.RLock() if self.dialect == "sqlite" else None
        self._inline = _Inline()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on error; events follow commit.
        Inside `writing_inline`, raises WriterBusy rather than wait for another process."""
        lock: AbstractContextManager[object] = self._write_lock or nullcontext()
        nowait = self._inline.active
        with lock, Session(self.engine, expire_on_commit=False) as session:
            attach_bus(session, self.bus)
            options = {"inspraak_write": True, "inspraak_nowait": nowait}
            session.connection(execution_options=options)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def writing_inline(self) -> Iterator[bool]:
        """Whether a short write may run on this thread without waiting: True on SQLite when no
        other thread of this process is writing. The lock is then held until the block ends,
        and a `write` in the block raises WriterBusy instead of waiting for another process."""
        if self._write_lock is None or not self._write_lock.acquire(blocking=False):
            yield False
            return
        was_active = self._inline.active
        self._inline.active = True
        try:
            yield True
        finally:
            self._inline.active = was_active
            self._write_lock.release()

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
