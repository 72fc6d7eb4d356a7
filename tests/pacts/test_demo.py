"""The demo pacts: loading twice changes nothing, and every status of the lifecycle is there,
with an organisation, advice, progress and places around the map's centre."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import col, select
from starlette.testclient import TestClient

from pacts.demo import ORGANISATION, PACTS, map_center
from pacts.models import (
    Organisation,
    OrganisationMember,
    Pact,
    PactResource,
    PactStatus,
    PactStep,
    PactText,
    ProgressReport,
)
from participation.comments import Comment
from participation.database import Database
from participation.demo import load_demo
from tests.voting.test_demo import row_counts


def test_loading_twice_changes_nothing(db: Database) -> None:
    load_demo(db)
    first = row_counts(db)
    load_demo(db)
    assert row_counts(db) == first
    assert first["pacts"] == len(PACTS)
    assert first["organisations"] == 1


def test_every_status_is_there_built_through_the_actions(db: Database) -> None:
    load_demo(db)
    with db.read() as session:
        pacts = {PactStatus(p.status): p for p in session.exec(select(Pact))}
        steps = {(step.pact_id, step.kind) for step in session.exec(select(PactStep))}
        organisation = session.exec(
            select(Organisation).where(Organisation.name == ORGANISATION)
        ).one()
        members = session.exec(
            select(func.count())
            .select_from(OrganisationMember)
            .where(OrganisationMember.organisation_id == organisation.id)
        ).one()
        organisation_pacts = session.exec(
            select(func.count()).select_from(Pact).where(Pact.organisation_id == organisation.id)
        ).one()
        kinds = set(session.exec(select(PactResource.kind)))
        decisions = set(session.exec(select(PactResource.decision)))
        advice = session.exec(
            select(Comment).where(
                Comment.subject == "pact", Comment.subject_id == pacts[PactStatus.consultation].id
            )
        ).all()
        reports = session.exec(
            select(ProgressReport).where(ProgressReport.pact_id == pacts[PactStatus.active].id)
        ).all()
        frozen = session.exec(
            select(PactText.pact_id).where(col(PactText.frozen_at).is_not(None))
        ).all()

    assert set(pacts) == set(PactStatus)
    assert members >= 3
    assert organisation_pacts >= 2
    assert len({p.category for p in pacts.values()}) >= 5
    assert kinds == {"materials", "space", "technical_advice", "budget"}
    assert {"granted", "refused", "requested"} <= decisions

    # Each status was reached by its real step, on the public timeline.
    for status, kind in (
        (PactStatus.submitted, "submitted"),
        (PactStatus.in_assessment, "assessment_started"),
        (PactStatus.changes_requested, "changes_requested"),
        (PactStatus.rejected, "rejected"),
        (PactStatus.consultation, "consultation_opened"),
        (PactStatus.awaiting_signatures, "consultation_closed"),
        (PactStatus.active, "activated"),
        (PactStatus.completed, "completed"),
        (PactStatus.ended, "ended"),
    ):
        assert (pacts[status].id, kind) in steps, status
    assert {c.stance for c in advice if c.parent_id is None} == {"for", "against", "neutral"}
    assert any(c.parent_id is not None for c in advice)  # the proposer answered
    assert len(reports) >= 2
    assert any(r.by_city for r in reports)
    assert pacts[PactStatus.completed].final_report
    assert pacts[PactStatus.awaiting_signatures].city_signed_at is not None
    assert pacts[PactStatus.awaiting_signatures].proposer_signed_at is None
    assert {pacts[PactStatus.active].id, pacts[PactStatus.completed].id} <= set(frozen)

    # Around the map's centre, within a couple of kilometres.
    latitude, longitude = map_center()
    for pact in pacts.values():
        assert pact.latitude is not None
        assert pact.longitude is not None
        assert abs(pact.latitude - latitude) < 0.02
        assert abs(pact.longitude - longitude) < 0.02


def test_the_demo_follows_the_map_centre_setting(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSPRAAK_MAP_CENTER", "50.8466,4.3528")
    load_demo(db)
    with db.read() as session:
        latitudes = list(session.exec(select(Pact.latitude)))
    assert all(lat is not None and abs(lat - 50.8466) < 0.02 for lat in latitudes)


def test_the_public_sees_the_demo_on_the_map_and_not_the_draft(
    client: TestClient, db: Database
) -> None:
    load_demo(db)
    features = client.get("/api/v1/pacts").json()["features"]
    statuses = {feature["properties"]["status"] for feature in features}
    assert PactStatus.draft.value not in statuses
    assert PactStatus.consultation.value in statuses
    assert len(features) == len(PACTS) - 1
