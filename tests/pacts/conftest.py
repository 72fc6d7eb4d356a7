"""Fixtures for pacts: a resident proposer, an organisation, and pacts built and moved through
the real actions (`propose`, `advance`). The people read English, and so do the tests, so that
they can name the messages they expect whatever the catalogs translate them to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

import pacts.content  # noqa: F401 - registers pacts in the content registry, as the app does
from pacts import actions, organisations
from pacts.forms import (
    ConsultationDraft,
    OrganisationDraft,
    PactDraft,
    ProgressDraft,
    ResourceDecisionDraft,
    ResourceDraft,
)
from pacts.models import Organisation, Pact, PactResource, PactStatus
from participation.database import Database
from participation.i18n import use_language
from participation.models import Role, User
from tests.helpers import Browser, create_user, in_english

# The order in which `advance` walks a pact; `rejected`, `changes_requested` and `ended` are
# side branches reached from the status before them.
_PATH = (
    PactStatus.draft,
    PactStatus.submitted,
    PactStatus.in_assessment,
    PactStatus.consultation,
    PactStatus.awaiting_signatures,
    PactStatus.active,
    PactStatus.completed,
)
_BRANCHES = {
    PactStatus.rejected: PactStatus.in_assessment,
    PactStatus.changes_requested: PactStatus.in_assessment,
    PactStatus.ended: PactStatus.active,
}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Actions called outside a request speak the default language (Dutch)."""
    with use_language("en"):
        yield


@pytest.fixture
def browser(client: TestClient) -> Browser:
    return in_english(Browser(client))


@pytest.fixture
def resident(db: Database) -> User:
    return create_user(db, email="ann@example.be", name="Ann", language="en")


@pytest.fixture
def neighbour(db: Database) -> User:
    return create_user(db, email="bob@example.be", name="Bob", language="en")


@pytest.fixture
def clerk(db: Database) -> User:
    return create_user(
        db, email="greet@example.be", name="Greet", roles=(Role.clerk,), language="en"
    )


@pytest.fixture
def proposer(resident: User) -> User:
    """Ann, the resident (tests/conftest.py), who proposes the pacts."""
    return resident


@pytest.fixture
def organisation(db: Database, proposer: User) -> Organisation:
    """Buurtcomité Zuid, with the proposer as its only member."""
    with db.write() as session:
        return organisations.do_create_organisation(
            session, proposer, OrganisationDraft("Buurtcomité Zuid", "informal_group")
        )


def pact_draft(**fields: Any) -> PactDraft:
    values: dict[str, Any] = {
        "title": "Geveltuinen in de Stationsstraat",
        "description": "We leggen geveltuintjes aan en onderhouden ze.",
        "category": "green_space",
        "latitude": 51.05,
        "longitude": 3.72,
        "starts_on": dt.date(2030, 4, 1),
        "ends_on": dt.date(2030, 9, 30),
        "commitments": "Wij gieten en wieden elke week.",
        "organisation_id": None,
        "resources": [
            ResourceDraft("materials", "Plantgoed en aarde"),
            ResourceDraft("budget", "€ 300 voor gereedschap", 300),
        ],
        **fields,
    }
    return PactDraft(**values)


def propose(db: Database, user: User, **fields: Any) -> Pact:
    """A draft by `user`, through `do_create_pact`; `fields` override the PactDraft's."""
    with db.write() as session:
        return actions.do_create_pact(session, user, pact_draft(**fields), [])


def _resource_ids(db: Database, pact_id: int) -> list[int]:
    with db.read() as session:
        rows = session.exec(
            select(PactResource.id)
            .where(PactResource.pact_id == pact_id)
            .order_by(col(PactResource.position))
        )
        return [row for row in rows if row is not None]


def close_consultation_now(db: Database, pact_id: int) -> None:
    """Move the consultation's end into the past (as time passing would), then run the job."""
    from pacts.jobs import close_due_consultations
    from participation.database import utcnow

    with db.write() as session:
        pact = session.get(Pact, pact_id)
        assert pact is not None
        pact.consultation_closes_at = utcnow() - dt.timedelta(seconds=1)
        session.add(pact)
    close_due_consultations(db)


def _step(db: Database, pact: Pact, to: PactStatus, clerk: User, proposer: User) -> None:
    """One step forward from `pact`'s current status towards `to`."""
    assert pact.id is not None
    pact_id = pact.id
    with db.write() as session:
        if pact.status == PactStatus.draft:
            actions.do_submit_pact(session, pact_id, proposer)
        elif pact.status == PactStatus.submitted:
            actions.do_take_for_assessment(session, pact_id, clerk, "Groendienst")
        elif pact.status == PactStatus.in_assessment and to == PactStatus.rejected:
            actions.do_reject(session, pact_id, clerk, "Niet haalbaar.")
        elif pact.status == PactStatus.in_assessment and to == PactStatus.changes_requested:
            actions.do_request_changes(session, pact_id, clerk, "Geef een preciezere plek.")
    if pact.status == PactStatus.in_assessment and to not in _BRANCHES:
        decisions = [
            ResourceDecisionDraft(resource_id, "granted", "OK")
            for resource_id in _resource_ids(db, pact_id)
        ]
        with db.write() as session:
            actions.do_open_consultation(session, pact_id, clerk, ConsultationDraft(decisions, 14))
    elif pact.status == PactStatus.consultation:
        close_consultation_now(db, pact_id)
    elif pact.status == PactStatus.awaiting_signatures:
        with db.write() as session:
            actions.do_respond_to_advice(session, pact_id, clerk, "Het advies is verwerkt.")
            actions.do_sign(session, pact_id, proposer)
            actions.do_sign(session, pact_id, clerk)
    elif pact.status == PactStatus.active:
        with db.write() as session:
            if to == PactStatus.ended:
                actions.do_end_early(session, pact_id, proposer, "Te weinig vrijwilligers.")
            else:
                actions.do_complete(session, pact_id, proposer, ProgressDraft("Klaar!", 40), [])


def advance(db: Database, pact: Pact, to_status: str, clerk: User, proposer: User) -> Pact:
    """Walk `pact` through the real actions until it has `to_status`, and return it fresh.
    The consultation closes through the job, after its end was moved into the past."""
    target = PactStatus(to_status)
    assert pact.id is not None
    pact_id = pact.id
    wanted = _PATH.index(_BRANCHES.get(target, target))
    for _ in range(len(_PATH) + 1):
        with db.read() as session:
            current = session.get(Pact, pact_id)
        assert current is not None
        if current.status == target:
            return current
        if current.status in (PactStatus.rejected, PactStatus.ended, PactStatus.completed):
            break
        here = _PATH.index(PactStatus(current.status))
        _step(db, current, target if here == wanted else _PATH[here + 1], clerk, proposer)
    raise AssertionError(f"could not move the pact to {to_status}")


@pytest.fixture
def pact(db: Database, proposer: User) -> Pact:
    """A draft by the proposer."""
    return propose(db, proposer)
