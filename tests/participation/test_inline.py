"""Hot writes on the event loop (SQLite): only when this process's write lock is free, never
waiting for another process's lock, and then done in a thread with nothing lost."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import text
from sqlmodel import select

from ideas.models import Idea, Support
from participation.database import Database, WriterBusy
from participation.migrate import upgrade
from tests.helpers import PASSWORD, create_user
from tests.ideas.conftest import post_idea
from tests.server import app_env, free_port, served

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def sqlite_only(db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite's write lock")


def other_process_writing(url: str) -> sqlite3.Connection:
    """A connection of its own holding SQLite's write lock, as another process would."""
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_only_sqlite_writes_inline(db: Database) -> None:
    with db.writing_inline() as inline:
        assert inline is (db.dialect == "sqlite")


def test_not_inline_while_another_thread_of_this_process_writes(db: Database) -> None:
    sqlite_only(db)
    writing, done = threading.Event(), threading.Event()

    def write() -> None:
        with db.write():
            writing.set()
            done.wait(10)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert writing.wait(10)
        with db.writing_inline() as inline:
            assert inline is False
    finally:
        done.set()
        writer.join()
    with db.writing_inline() as inline:
        assert inline is True


def test_an_inline_write_refuses_to_wait_for_another_process(db: Database) -> None:
    sqlite_only(db)
    user = create_user(db, name="Ann")
    holder = other_process_writing(db.url)
    try:
        with db.writing_inline() as inline, pytest.raises(WriterBusy), db.write() as session:
            assert inline
            session.execute(text("UPDATE users SET display_name = 'Bea'"))
    finally:
        holder.rollback()
        holder.close()
    with db.writing_inline(), db.write() as session:
        session.execute(
            text("UPDATE users SET display_name = 'Bea' WHERE id = :id"), {"id": user.id}
        )
    with db.read() as session:
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        names = session.execute(text("SELECT display_name FROM users")).scalars().all()
        assert names == ["Bea"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    """A real server on a SQLite file with a resident and an idea: (base URL, database URL,
    idea id)."""
    url = f"sqlite:///{tmp_path / 'inspraak.db'}"
    upgrade(url)
    db = Database(url)
    try:
        create_user(db, email="ann@example.be")
        author = create_user(db, email="bea@example.be", name="Bea")
        idea_id = post_idea(db, author).id
    finally:
        db.dispose()
    assert idea_id is not None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = app_env(url, tmp_path, port)
    with served("participation.app:create_app", env, port, log_path=tmp_path / "app.log"):
        yield base, url, idea_id


def test_a_support_waiting_for_another_process_does_not_stop_other_visitors(
    server: tuple[str, str, int],
) -> None:
    base, url, idea_id = server
    with httpx.Client(base_url=base, timeout=20) as client:
        token = CSRF.search(client.get("/login").text)
        assert token
        login = {"email": "ann@example.be", "password": PASSWORD, "csrf_token": token[1]}
        assert client.post("/login", data=login).status_code == 303
        token = CSRF.search(client.get(f"/ideas/{idea_id}").text)
        assert token
        answers: list[int] = []
        holder = other_process_writing(url)
        try:
            support = threading.Thread(
                target=lambda: answers.append(
                    client.post(
                        f"/ideas/{idea_id}/support", data={"csrf_token": token[1]}
                    ).status_code
                )
            )
            support.start()
            time.sleep(0.5)  # let the support reach the server and wait for the lock
            with httpx.Client(base_url=base, timeout=5) as visitor:
                page = visitor.get(f"/ideas/{idea_id}")
            assert page.status_code == 200  # the server answers while the support waits
            assert support.is_alive()
            assert answers == []
        finally:
            holder.rollback()
            holder.close()
        support.join(20)
    assert answers == [303]
    db = Database(url)
    try:
        with db.read() as session:
            assert len(session.exec(select(Support)).all()) == 1
            idea = session.get(Idea, idea_id)
            assert idea is not None
            assert idea.support_count == 1
    finally:
        db.dispose()
