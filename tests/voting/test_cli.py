"""The voting package's commands, run through the shell's `inspraak` entry point: `audit
verify`, and `users create --role council_member`, which seats the member on the council."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from participation.cli import main
from participation.database import Database, utcnow
from participation.models import User
from tests.conftest import TEST_SECRET_KEY
from tests.voting.agenda_world import (
    HOUR,
    add_item,
    advise,
    advisory_open,
    cast,
    id_of,
    pre_vote_item,
)
from voting.actions import default_council
from voting.models import AuditEntry, Mandate, Meeting


@pytest.fixture
def environment(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings `inspraak` reads, pointing at the test's database."""
    monkeypatch.setenv("INSPRAAK_DATABASE_URL", database_url)
    monkeypatch.setenv("INSPRAAK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("INSPRAAK_SECRET_KEY", TEST_SECRET_KEY)


@pytest.fixture
def ballots(
    db: Database, clerk: User, council_members: list[User], resident: User, meeting: Meeting
) -> None:
    """Two ballots with three links: two members' pre-votes and a resident's advice."""
    council_item = pre_vote_item(db, clerk, meeting, -HOUR, HOUR)
    for member in council_members[:2]:
        cast(db, member, council_item, "yes")
    residents_item = add_item(db, clerk, meeting, council_vote=False, advisory=advisory_open())
    advise(db, [resident], id_of(residents_item), "n")


@pytest.mark.usefixtures("environment", "ballots")
def test_audit_verify_reports_intact_chains(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify"]) == 0
    out, err = capsys.readouterr()
    assert out == "Audit chains intact: 2 ballots, 3 links.\n"
    assert err == ""


@pytest.mark.usefixtures("environment", "db")
def test_audit_verify_on_an_empty_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out == "Audit chains intact: 0 ballots, 0 links.\n"


@pytest.mark.usefixtures("environment", "ballots")
def test_audit_verify_names_each_break_and_fails(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.write() as session:
        session.execute(
            update(AuditEntry)
            .where(col(AuditEntry.chain) == "council:1", col(AuditEntry.seq) == 2)
            .values(payload='{"choice":"no","mandate":2}')
        )
        session.execute(
            update(AuditEntry).where(col(AuditEntry.chain) == "advisory:1").values(hash="0" * 64)
        )
    assert main(["audit", "verify"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "Broken: advisory:1 link 1: content does not match its hash",
        "Broken: council:1 link 2: content does not match its hash",
    ]


def test_audit_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["audit"])
    assert stopped.value.code == 2
    assert "required: ACTION" in capsys.readouterr().err


def test_the_commands_are_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["audit", "--help"])
    assert stopped.value.code == 0
    assert "verify" in capsys.readouterr().out


def test_an_unusable_database_is_reported_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INSPRAAK_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("INSPRAAK_VAR_DIR", str(tmp_path))
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "database" in err
    assert "Traceback" not in err


@pytest.mark.usefixtures("environment")
def test_users_create_with_the_council_member_role_gives_a_current_mandate(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    command = ["users", "create", "--email", "rik@example.be", "--name", "Rik Raadslid"]
    assert main([*command, "--role", "council_member", "--password-stdin"]) == 0
    with db.read() as session:
        user = session.exec(select(User).where(User.email == "rik@example.be")).one()
        [mandate] = session.exec(select(Mandate).where(Mandate.user_id == user.id)).all()
        assert mandate.council_id == default_council(session).id
    assert mandate.member_name == "Rik Raadslid"
    assert mandate.in_office_on(utcnow().date())
    assert mandate.ends_on is None
