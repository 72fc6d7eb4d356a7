"""What proposers and the city post: progress reports, screening of new posts, events after
commit, hostile text stored as typed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from pacts import actions
from pacts.forms import ProgressDraft
from pacts.models import Pact, PactPhoto, ProgressReport
from participation.database import Database
from participation.events import Event
from participation.models import User
from participation.photos import StoredPhoto
from participation.settings import Settings
from participation.visibility import Visibility
from tests.helpers import HoldAll
from tests.pacts.checks import refused_message
from tests.pacts.conftest import advance, pact_draft, propose

# Progress


def test_progress_by_proposers_and_the_city(
    db: Database, proposer: User, clerk: User, neighbour: User
) -> None:
    pact = advance(db, propose(db, proposer), "active", clerk, proposer)
    photo = StoredPhoto("pacts/" + "a" * 32 + ".webp", "pacts/" + "a" * 32 + "-thumb.webp", 10, 10)
    with db.write() as session:
        mine = actions.do_report_progress(
            session, pact.id or 0, proposer, ProgressDraft("Geplant", 6), [photo]
        )
        city = actions.do_report_progress(
            session, pact.id or 0, clerk, ProgressDraft("Aarde geleverd"), []
        )
    assert (mine.by_city, city.by_city) == (False, True)
    with db.read() as session:
        photos = session.exec(select(PactPhoto).where(PactPhoto.report_id == mine.id)).all()
    assert len(photos) == 1
    refused_message(
        db,
        lambda s: actions.do_report_progress(s, pact.id or 0, neighbour, ProgressDraft("x"), []),
        403,
    )
    too_many = [photo] * 4
    refused_message(
        db,
        lambda s: actions.do_report_progress(
            s, pact.id or 0, proposer, ProgressDraft("x"), too_many
        ),
        409,
    )


def test_no_progress_after_completion(db: Database, proposer: User, clerk: User) -> None:
    pact = advance(db, propose(db, proposer), "completed", clerk, proposer)
    refused_message(
        db,
        lambda s: actions.do_report_progress(s, pact.id or 0, proposer, ProgressDraft("x"), []),
        409,
    )


# Screening, events


def test_a_held_proposal_and_report_wait_for_a_moderator(
    db: Database, settings: Settings, proposer: User, hold_all: HoldAll
) -> None:
    with db.write() as session:
        pact = actions.do_create_pact(session, proposer, pact_draft(), [], settings=settings)
    assert pact.id is not None
    with db.read() as session:
        stored = session.get(Pact, pact.id)
        assert stored is not None
        assert stored.visibility == Visibility.held
    assert hold_all.screened[0][0] == "pact"


def test_a_step_is_published_after_commit(db: Database, proposer: User, pact: Pact) -> None:
    heard: list[Event] = []
    db.bus.subscribe("pact.step", heard.append)
    with pytest.raises(RuntimeError), db.write() as session:
        actions.do_submit_pact(session, pact.id or 0, proposer)
        raise RuntimeError("rolled back")
    assert heard == []
    with db.write() as session:
        actions.do_submit_pact(session, pact.id or 0, proposer)
    assert [(e.data["kind"], e.data["status"]) for e in heard] == [("submitted", "submitted")]


def test_hostile_text_is_stored_as_typed(db: Database, proposer: User) -> None:
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    pact = propose(db, proposer, title=hostile[:150], description=hostile)
    with db.read() as session:
        stored = session.get(Pact, pact.id)
        assert stored is not None
        assert stored.description == hostile


def test_a_held_progress_report(
    db: Database, settings: Settings, proposer: User, clerk: User, hold_all: HoldAll
) -> None:
    pact = advance(db, propose(db, proposer), "active", clerk, proposer)
    with db.write() as session:
        report = actions.do_report_progress(
            session, pact.id or 0, proposer, ProgressDraft("Geplant"), [], settings=settings
        )
    assert ("pact_progress", report.id, "Geplant") in hold_all.screened
    with db.read() as session:
        stored = session.get(ProgressReport, report.id)
        assert stored is not None
        assert stored.visibility == Visibility.held
