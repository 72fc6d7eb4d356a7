"""The `inspraak` command, run as a user runs it: a real process, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from participation.auth import roles_of
from participation.database import Database
from participation.models import User


def inspraak(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "participation.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "INSPRAAK_DATABASE_URL": database_url,
        "INSPRAAK_VAR_DIR": str(tmp_path / "var"),
    }


def test_users_create_reads_the_password_from_stdin(env: dict[str, str], db: Database) -> None:
    result = inspraak(
        "users",
        "create",
        "--email",
        "Greet@Example.be",
        "--name",
        "Greet",
        "--role",
        "clerk",
        "--role",
        "council_member",
        "--password-stdin",
        env=env,
        stdin="a long enough passphrase\n",
    )
    assert result.returncode == 0, result.stderr
    with db.read() as session:
        user = session.exec(select(User).where(User.email == "greet@example.be")).one()
        assert user.is_verified
        assert user.id is not None
        assert roles_of(session, user.id) == {"resident", "clerk", "council_member"}


@pytest.mark.parametrize(
    ("email", "role", "stdin", "message"),
    [
        ("greet@example.be", "emperor", "a long enough passphrase\n", "unknown role 'emperor'"),
        ("greet@example.be", "clerk", "short\n", "password"),
        ("nope", "clerk", "a long enough passphrase\n", "email"),
    ],
)
def test_users_create_explains_mistakes_without_a_traceback(
    env: dict[str, str], email: str, role: str, stdin: str, message: str
) -> None:
    command = ["users", "create", "--email", email, "--name", "Greet", "--role", role]
    result = inspraak(*command, "--password-stdin", env=env, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_users_create_refuses_a_second_account_for_an_email(env: dict[str, str]) -> None:
    command = ["users", "create", "--email", "a@example.be", "--name", "A", "--password-stdin"]
    assert inspraak(*command, env=env, stdin="a long enough passphrase\n").returncode == 0
    again = inspraak(*command, env=env, stdin="a long enough passphrase\n")
    assert again.returncode == 2
    assert "already exists" in again.stderr


def test_an_invalid_setting_stops_with_its_name(env: dict[str, str]) -> None:
    result = inspraak("settings", env={**env, "INSPRAAK_LIVE_MAX_CONNECTIONS_PER_IP": "lots"})
    assert result.returncode == 2
    assert "INSPRAAK_LIVE_MAX_CONNECTIONS_PER_IP" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_are_printed_with_secrets_masked(env: dict[str, str]) -> None:
    result = inspraak("settings", env={**env, "INSPRAAK_SECRET_KEY": "k" * 40})
    assert result.returncode == 0
    assert "INSPRAAK_SECRET_KEY=***" in result.stdout
    assert "k" * 40 not in result.stdout


def test_demo_is_idempotent(env: dict[str, str], db: Database) -> None:
    first = inspraak("demo", env=env)
    assert first.returncode == 0, first.stderr
    with db.read() as session:
        users = len(session.exec(select(User)).all())
    second = inspraak("demo", env=env)
    assert second.returncode == 0, second.stderr
    assert "beheerder@demostad.example" in second.stdout
    with db.read() as session:
        assert len(session.exec(select(User)).all()) == users


def test_db_upgrade_creates_a_fresh_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    result = inspraak(
        "db", "upgrade", env={"INSPRAAK_DATABASE_URL": url, "INSPRAAK_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    again = inspraak(
        "db", "upgrade", env={"INSPRAAK_DATABASE_URL": url, "INSPRAAK_VAR_DIR": str(tmp_path)}
    )
    assert again.returncode == 0


def test_an_unreachable_database_is_reported_plainly(tmp_path: Path) -> None:
    env = {
        "INSPRAAK_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "INSPRAAK_VAR_DIR": str(tmp_path),
    }
    result = inspraak("demo", env=env)
    assert result.returncode == 1
    assert "database" in result.stderr
    assert "Traceback" not in result.stderr
