"""The consultation closes by itself when it is due (consultation → awaiting_signatures).

The close is one conditional update (`WHERE status = 'consultation' AND
consultation_closes_at <= now`, in `pacts.lifecycle.close_consultation`): whichever runs it
first (the date job at the due time, the periodic sweep, the catch-up after a restart, another
worker's scheduler) closes it, the others change nothing. So it happens exactly once, with one
automatic step on the timeline and one notification per person. Advice never depends on the
job: `do_advise` checks the clock as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col, select

from pacts.lifecycle import close_consultation
from pacts.models import Pact, PactStatus
from participation.database import Database, utcnow
from participation.events import Event
from participation.settings import Settings

if TYPE_CHECKING:
    from participation.scheduler import Scheduler

SWEEP_SECONDS = 60


def close_due_consultations(db: Database) -> list[int]:
    """Close every consultation that is due; returns the ids of the pacts this run closed."""
    with db.write() as session:
        return close_consultation(session, utcnow())


def _schedule(scheduler: Scheduler, db: Database, pact_id: int | None = None) -> None:
    """A date job at the close of each open consultation (or of one pact)."""
    statement = select(Pact.id, Pact.consultation_closes_at).where(
        col(Pact.status) == PactStatus.consultation.value,
        col(Pact.consultation_closes_at).is_not(None),
    )
    if pact_id is not None:
        statement = statement.where(col(Pact.id) == pact_id)
    with db.read() as session:
        due = list(session.exec(statement).all())
    for found_id, closes_at in due:
        assert closes_at is not None
        job_id = f"pacts.consultation.{found_id}"
        scheduler.at(closes_at, close_due_consultations, db, job_id=job_id)


def catch_up(db: Database, _settings: Settings) -> None:
    close_due_consultations(db)


def register(scheduler: Scheduler, db: Database, _settings: Settings) -> None:
    """The sweep, plus a date job per consultation that is open (and one for each consultation
    opened later, on the "pact.step" event)."""
    scheduler.every(SWEEP_SECONDS, close_due_consultations, db, job_id="pacts.consultations")
    _schedule(scheduler, db)

    def step_recorded(event: Event) -> None:
        if event.data.get("kind") == "consultation_opened":
            _schedule(scheduler, db, event.data["pact_id"])

    db.bus.subscribe("pact.step", step_recorded, key="pacts.jobs")
