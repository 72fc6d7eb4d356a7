"""Secret ballots, on SQLite and PostgreSQL: a secret vote adds to the totals only, cannot be
cast again, and no stored data (the app's own tables and everything around a vote) links a
member to a choice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

from sqlalchemy import select as sql_select
from sqlmodel import SQLModel, col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from participation.database import Database
from participation.features import feature_modules
from participation.models import User
from tests.helpers import Browser
from tests.voting.agenda_world import (
    ballot_of,
    cast,
    close_ballot,
    links_of,
    refusal,
    votes_of,
)
from voting.models import CHOICES, Mandate, SecretTally


def secret_totals(db: Database, item_id: int) -> tuple[int, int, int]:
    with db.read() as session:
        totals = session.get(SecretTally, ballot_of(db, item_id).id)
    assert totals is not None
    return totals.yes, totals.no, totals.abstain


def test_a_secret_vote_adds_to_the_totals_only(
    db: Database, council_members: list[User], secret_item: int
) -> None:
    cast(db, council_members[0], secret_item, "yes")
    [vote] = votes_of(db, secret_item)
    assert vote.choice is None
    assert secret_totals(db, secret_item) == (1, 0, 0)


def test_a_secret_vote_cannot_be_cast_again(
    db: Database, council_members: list[User], secret_item: int
) -> None:
    member = council_members[0]
    cast(db, member, secret_item, "yes")
    for choice in ("yes", "no"):
        assert refusal(partial(cast, db, member, secret_item, choice)).status_code == 409
    assert secret_totals(db, secret_item) == (1, 0, 0)
    assert len(links_of(db, secret_item)) == 2  # the open and the one cast


def _references(table_name: str, column: Any, value: object) -> set[tuple[str, object]]:
    """The users and mandates a stored value points at, by foreign key or as their own key."""
    targets = {key.column.table.name for key in column.foreign_keys}
    if column.primary_key:
        targets.add(table_name)
    return {(target, value) for target in targets & {"users", "mandates"}}


def _json_values(value: object) -> Iterator[tuple[str, object]]:
    """Every (key, value) inside a JSON document, at any depth."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key, inner
            yield from _json_values(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _json_values(inner)


def _leaks(db: Database, voters: set[tuple[str, object]]) -> list[str]:
    """Rows that name a voter (user or mandate) and also hold a choice anywhere in them."""
    feature_modules("models")  # every table of every package is in the metadata
    found = []
    with db.read() as session:
        for table in SQLModel.metadata.sorted_tables:
            for row in session.execute(sql_select(table)).mappings():
                people: set[tuple[str, object]] = set()
                choices = []
                for column in table.columns:
                    value = row[column.name]
                    people |= _references(table.name, column, value)
                    if not isinstance(value, str):
                        continue
                    if value in CHOICES:
                        choices.append(value)
                    try:
                        document = json.loads(value)
                    except ValueError:
                        continue
                    for key, inner in _json_values(document):
                        if key in ("mandate", "mandate_id", "user", "user_id", "voter_id"):
                            people |= {("mandates" if "mandate" in key else "users", inner)}
                        if inner in CHOICES:
                            choices.append(str(inner))
                if people & voters and choices:
                    found.append(f"{table.name}: {dict(row)}")
    return found


def _people(db: Database, voters: list[User]) -> set[tuple[str, object]]:
    """The voters' accounts and mandates, as `_references` names them."""
    with db.read() as session:
        mandates = session.exec(
            select(Mandate.id).where(col(Mandate.user_id).in_([m.id for m in voters]))
        ).all()
    people: set[tuple[str, object]] = {("users", m.id) for m in voters}
    return people | {("mandates", m) for m in mandates}


def test_no_stored_data_links_a_member_to_a_secret_choice(
    db: Database, clerk: User, council_members: list[User], secret_item: int
) -> None:
    for member, choice in zip(council_members, ["yes", "no", "abstain"], strict=True):
        cast(db, member, secret_item, choice)
    people = _people(db, council_members)
    assert len(people) == 6
    assert _leaks(db, people) == []
    for link in links_of(db, secret_item):
        payload = json.loads(link.payload)
        assert "choice" not in payload
        assert not set(payload.values()) & set(CHOICES)

    closed = close_ballot(db, clerk, secret_item)
    assert (closed.yes, closed.no, closed.abstain) == (1, 1, 1)
    assert closed.outcome == "rejected"  # one yes against one no
    assert _leaks(db, people) == []


def test_secret_votes_cast_through_the_app_leave_no_link_either(
    app: Starlette, db: Database, council_members: list[User], secret_item: int
) -> None:
    """The same proof with everything the running app stores around a vote (rate limits,
    sessions, live events, notifications): each member votes through the web form."""
    for member, choice in zip(council_members, ["yes", "no", "abstain"], strict=True):
        with TestClient(app, follow_redirects=False) as client:
            browser = Browser(client)
            browser.login(member.email)
            browser.get(f"/items/{secret_item}")
            response = browser.post(f"/items/{secret_item}/council-vote", {"choice": choice})
            assert response.status_code == 303, response.text
    assert secret_totals(db, secret_item) == (1, 1, 1)
    assert _leaks(db, _people(db, council_members)) == []


def test_the_leak_check_finds_the_choices_of_a_named_ballot(
    db: Database, council_members: list[User], open_item: int
) -> None:
    """The check above would fail if secret votes were stored as named ones are."""
    member = council_members[0]
    cast(db, member, open_item, "yes")
    found = _leaks(db, _people(db, [member]))
    assert sorted(leak.split(":")[0] for leak in found) == ["audit_entries", "council_votes"]


def test_the_secret_close_gives_the_totals(
    db: Database, clerk: User, council_members: list[User], secret_item: int
) -> None:
    for member in council_members:
        cast(db, member, secret_item, "yes")
    closed = close_ballot(db, clerk, secret_item)
    assert (closed.yes, closed.no, closed.abstain, closed.outcome) == (3, 0, 0, "approved")
