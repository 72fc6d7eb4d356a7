"""Organisations: create, members by email, who co-manages."""

from __future__ import annotations

import pytest

from pacts import organisations
from pacts.forms import OrganisationDraft
from pacts.models import Organisation
from participation.checks import Refused
from participation.database import Database
from participation.models import User
from tests.helpers import create_user


def test_the_creator_is_the_first_member(
    db: Database, proposer: User, organisation: Organisation
) -> None:
    assert organisation.id is not None
    assert proposer.id is not None
    with db.read() as session:
        assert organisations.is_member(session, organisation.id, proposer.id)
        assert organisations.organisations_of(session, proposer.id) == [organisation]
        assert organisations.members_of(session, organisation.id) == [(proposer.id, "Ann")]


def test_members_add_and_remove_members(
    db: Database, proposer: User, neighbour: User, organisation: Organisation
) -> None:
    org_id = organisation.id or 0
    with db.write() as session:
        organisations.do_add_member(session, org_id, proposer, "BOB@example.be")
        organisations.do_add_member(session, org_id, proposer, "bob@example.be")  # idempotent
    with db.read() as session:
        assert [m for m, _name in organisations.members_of(session, org_id)] == [
            proposer.id,
            neighbour.id,
        ]
    with db.write() as session:
        organisations.do_remove_member(session, org_id, neighbour, proposer.id or 0)
    with pytest.raises(Refused) as last, db.write() as session:
        organisations.do_remove_member(session, org_id, neighbour, neighbour.id or 0)
    assert last.value.status_code == 409


def test_outsiders_cannot_manage(
    db: Database, proposer: User, neighbour: User, organisation: Organisation
) -> None:
    with pytest.raises(Refused) as refused, db.write() as session:
        organisations.do_add_member(session, organisation.id or 0, neighbour, "bob@example.be")
    assert refused.value.status_code == 403
    with pytest.raises(Refused) as refused, db.write() as session:
        organisations.do_remove_member(session, organisation.id or 0, neighbour, proposer.id or 0)
    assert refused.value.status_code == 403


def test_unknown_or_unconfirmed_addresses(
    db: Database, proposer: User, organisation: Organisation
) -> None:
    create_user(db, email="new@example.be", name="New", verified=False)
    for email in ("nobody@example.be", "new@example.be"):
        with pytest.raises(Refused) as refused, db.write() as session:
            organisations.do_add_member(session, organisation.id or 0, proposer, email)
        assert refused.value.status_code == 404


def test_an_unknown_organisation(db: Database, proposer: User) -> None:
    with pytest.raises(Refused) as refused, db.read() as session:
        organisations.get_organisation(session, 999)
    assert refused.value.status_code == 404


def test_hostile_names_are_kept_as_typed(db: Database, proposer: User) -> None:
    hostile = "<script>alert(1)</script>"
    with db.write() as session:
        made = organisations.do_create_organisation(
            session, proposer, OrganisationDraft(hostile, "association", hostile)
        )
    with db.read() as session:
        stored = session.get(Organisation, made.id)
        assert stored is not None
        assert stored.name == hostile
