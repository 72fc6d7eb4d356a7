"""Fixtures: a real database per test (SQLite file, and PostgreSQL when TEST_DATABASE_URL is
set), the real app behind Starlette's TestClient, and the mail outbox."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlmodel import SQLModel
from starlette.applications import Starlette
from starlette.testclient import TestClient

from participation import passwords, screening
from participation.app import create_app
from participation.database import Database, make_engine
from participation.migrate import upgrade
from participation.models import Role, User
from participation.settings import Settings
from tests.helpers import Browser, HoldAll, Outbox, create_user

STRICT = os.environ.get("INSPRAAK_TEST_STRICT") == "1"
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-for-inspraak-0123456789"

# argon2id at its production cost takes about 0.1 s per hash or check, and the tests make
# thousands of accounts and logins: in-process tests hash with the same algorithm at a trivial
# cost. The servers that browser, websocket and benchmark runs start keep the real cost.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def unavailable(reason: str) -> None:
    """Skip with the reason, or fail when CI demands that every part really runs."""
    if STRICT:
        pytest.fail(f"{reason} (INSPRAAK_TEST_STRICT=1 demands it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies, so migrations run once per session."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _database_of_worker(url: str, worker: str) -> str:
    """Under pytest-xdist each worker gets a database of its own beside TEST_DATABASE_URL's,
    created on first use, since each test empties the tables it used."""
    if worker == "master":
        return url
    base, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    engine = make_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own}
        ).first()
        if exists is None:
            connection.execute(text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    return f"{base}/{own}"


@pytest.fixture(scope="session")
def postgresql_url(request: pytest.FixtureRequest) -> str:
    # pytest-xdist names its workers in `workerinput`; without it (`-p no:xdist`) this is master.
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        unavailable("PostgreSQL tests need TEST_DATABASE_URL")
    url = _database_of_worker(url, worker_id)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    return url


def _truncate_postgresql(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """Each database-facing test runs on a fresh SQLite file and again on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "inspraak.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgresql_url")
    yield url
    _truncate_postgresql(url)


def make_settings(database_url: str, var_dir: Path, **overrides: str) -> Settings:
    environ = {
        "INSPRAAK_DATABASE_URL": database_url,
        "INSPRAAK_VAR_DIR": str(var_dir),
        "INSPRAAK_SECRET_KEY": TEST_SECRET_KEY,
        "INSPRAAK_BASE_URL": "http://testserver",
        **overrides,
    }
    return Settings.from_env(environ)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "var")


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    yield database
    database.dispose()


@pytest.fixture
def app(settings: Settings) -> Starlette:
    return create_app(settings)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def browser(client: TestClient) -> Browser:
    return Browser(client)


@pytest.fixture
def outbox(settings: Settings) -> Outbox:
    return Outbox(settings.var_path / "outbox")


@pytest.fixture
def client_pair(app: Starlette) -> Iterator[tuple[Browser, Browser]]:
    """Two browsers (say, a phone and a laptop) on the same server."""
    with (
        TestClient(app, follow_redirects=False) as first,
        TestClient(app, follow_redirects=False) as second,
    ):
        yield Browser(first), Browser(second)


# The people most tests need; a folder's conftest may define them otherwise.


@pytest.fixture
def resident(db: Database) -> User:
    return create_user(db, email="ann@example.be", name="Ann")


@pytest.fixture
def neighbour(db: Database) -> User:
    return create_user(db, email="bob@example.be", name="Bob")


@pytest.fixture
def clerk(db: Database) -> User:
    return create_user(db, email="greet@example.be", name="Greet", roles=(Role.clerk,))


@pytest.fixture
def hold_all(monkeypatch: pytest.MonkeyPatch) -> HoldAll:
    """Screening holds every new post for a moderator; the hook records what it screened."""
    hooks = HoldAll()
    monkeypatch.setattr(screening, "feature_modules", lambda _kind: [hooks])
    return hooks
