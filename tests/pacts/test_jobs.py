"""The consultation closes by itself, exactly once: fired twice, across a restart, with two
workers at once."""

from __future__ import annotations

import datetime as dt
import threading

from sqlmodel import select

from pacts import actions, jobs
from pacts.forms import ConsultationDraft, ResourceDecisionDraft
from pacts.models import Pact, PactResource, PactStatus, PactStep
from participation.database import Database, utcnow
from participation.models import User
from participation.notifications import Notification
from participation.scheduler import Scheduler
from participation.settings import Settings
from tests.pacts.conftest import advance, propose


def _in_consultation(db: Database, proposer: User, clerk: User) -> int:
    pact = advance(db, propose(db, proposer), "consultation", clerk, proposer)
    assert pact.id is not None
    return pact.id


def _due(db: Database, pact_id: int, ago: dt.timedelta = dt.timedelta(seconds=1)) -> None:
    """Time passes: the consultation's end is now in the past."""
    with db.write() as session:
        pact = session.get(Pact, pact_id)
        assert pact is not None
        pact.consultation_closes_at = utcnow() - ago


def _closing_steps(db: Database, pact_id: int) -> list[PactStep]:
    with db.read() as session:
        return list(
            session.exec(
                select(PactStep).where(
                    PactStep.pact_id == pact_id, PactStep.kind == "consultation_closed"
                )
            ).all()
        )


def _status(db: Database, pact_id: int) -> str:
    with db.read() as session:
        pact = session.get(Pact, pact_id)
        assert pact is not None
        return pact.status


def test_a_consultation_not_yet_due_stays_open(db: Database, proposer: User, clerk: User) -> None:
    pact_id = _in_consultation(db, proposer, clerk)
    assert jobs.close_due_consultations(db) == []
    assert _status(db, pact_id) == PactStatus.consultation


def test_fired_twice_it_closes_once(
    db: Database, proposer: User, clerk: User, neighbour: User
) -> None:
    pact_id = _in_consultation(db, proposer, clerk)
    with db.write() as session:
        actions.do_follow_pact(session, pact_id, neighbour)
    _due(db, pact_id)
    assert jobs.close_due_consultations(db) == [pact_id]
    assert jobs.close_due_consultations(db) == []
    assert _status(db, pact_id) == PactStatus.awaiting_signatures
    steps = _closing_steps(db, pact_id)
    assert [(s.automatic, s.actor_id, s.status) for s in steps] == [
        (True, None, "awaiting_signatures")
    ]
    with db.read() as session:
        told = session.exec(
            select(Notification.user_id).where(Notification.kind == "pact.consultation_closed")
        ).all()
    assert sorted(told) == sorted([proposer.id or 0, neighbour.id or 0])


def test_across_a_restart(db: Database, settings: Settings, proposer: User, clerk: User) -> None:
    """Due while the server was down: the catch-up at start closes it; the next start, and the
    date job the start registered for it, change nothing more."""
    pact_id = _in_consultation(db, proposer, clerk)
    scheduler = Scheduler(db, settings, providers=[jobs])
    scheduler.start()
    assert f"pacts.consultation.{pact_id}" in scheduler.job_ids()
    assert "pacts.consultations" in scheduler.job_ids()
    scheduler.shutdown()
    _due(db, pact_id, dt.timedelta(hours=3))  # the server was down at the due time
    for _restart in range(2):
        scheduler = Scheduler(db, settings, providers=[jobs])
        scheduler.start()
        scheduler.shutdown()
    assert _status(db, pact_id) == PactStatus.awaiting_signatures
    assert len(_closing_steps(db, pact_id)) == 1


def test_the_date_job_fires_at_the_due_time(
    db: Database, settings: Settings, proposer: User, clerk: User
) -> None:
    """A consultation opened while the server runs gets its own date job (through the event);
    here its close is moved to now, so that the job fires at once."""
    pact = advance(db, propose(db, proposer), "in_assessment", clerk, proposer)
    assert pact.id is not None
    scheduler = Scheduler(db, settings, providers=[jobs])
    scheduler.start()
    try:
        fired = threading.Event()
        db.bus.subscribe(
            "pact.step",
            lambda event: fired.set() if event.data["kind"] == "consultation_closed" else None,
        )
        with db.read() as session:
            ids = session.exec(select(PactResource.id).where(PactResource.pact_id == pact.id))
            decisions = [ResourceDecisionDraft(i or 0, "granted") for i in ids]
        with db.write() as session:
            actions.do_open_consultation(session, pact.id, clerk, ConsultationDraft(decisions, 1))
        assert f"pacts.consultation.{pact.id}" in scheduler.job_ids()
        _due(db, pact.id, dt.timedelta(0))
        with db.read() as session:
            stored = session.get(Pact, pact.id)
            assert stored is not None
            closes_at = stored.consultation_closes_at
        assert closes_at is not None
        scheduler.at(
            closes_at, jobs.close_due_consultations, db, job_id=f"pacts.consultation.{pact.id}"
        )
        assert fired.wait(timeout=20)
    finally:
        scheduler.shutdown()
    assert len(_closing_steps(db, pact.id)) == 1


def test_two_workers_at_once_close_it_once(
    db: Database, settings: Settings, proposer: User, clerk: User
) -> None:
    """Two workers are two processes with their own engine (and on SQLite their own write
    lock); both run the sweep at the same moment."""
    pact_id = _in_consultation(db, proposer, clerk)
    _due(db, pact_id)
    workers = [Database(settings.database_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    closed: list[list[int]] = []

    def sweep(worker: Database) -> None:
        barrier.wait(timeout=10)
        closed.append(jobs.close_due_consultations(worker))

    threads = [threading.Thread(target=sweep, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for worker in workers:
        worker.dispose()
    assert sorted(closed) == [[], [pact_id]]
    assert len(_closing_steps(db, pact_id)) == 1
