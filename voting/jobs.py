"""Voting windows on a schedule: pre-votes and advisory votes open and close by themselves.

One job, `apply_due_windows`, makes the stored state match the clock: each transition is a
conditional update, so running it twice, on two workers, or late after a restart changes
nothing more. It runs at start-up (catch-up), every half minute, and at each upcoming window
boundary, so that a window opens and closes on time. Votes never depend on it: the cast
actions check the window by the clock as well, so a vote a second after the close is refused
even before the job has run.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from participation.database import Database, utcnow
from participation.events import Event
from participation.settings import Settings
from voting import advisory, ballots
from voting.models import AdvisoryBallot, AdvisoryStatus, BallotStatus, CouncilBallot

if TYPE_CHECKING:
    from participation.scheduler import Scheduler

SWEEP_SECONDS = 30


def apply_due_windows(db: Database) -> list[int]:
    """Open and close every window that is due; returns the items whose ballots changed."""
    with db.write() as session:
        now = utcnow()
        changed = ballots.apply_window_transitions(session, now)
        changed += advisory.apply_window_transitions(session, now)
    return changed


def upcoming_boundaries(session: Session, now: dt.datetime) -> set[dt.datetime]:
    """The future moments at which some window opens or closes."""
    moments: set[dt.datetime] = set()
    council = session.exec(
        select(CouncilBallot.opens_at, CouncilBallot.closes_at).where(
            col(CouncilBallot.status).in_([BallotStatus.scheduled, BallotStatus.pre_vote])
        )
    )
    residents = session.exec(
        select(AdvisoryBallot.opens_at, AdvisoryBallot.closes_at).where(
            AdvisoryBallot.status != AdvisoryStatus.closed
        )
    )
    for opens_at, closes_at in [*council, *residents]:
        moments.update(m for m in (opens_at, closes_at) if m is not None and m > now)
    return moments


def _schedule_boundaries(scheduler: Scheduler, db: Database) -> None:
    with db.read() as session:
        moments = upcoming_boundaries(session, utcnow())
    for moment in moments:
        # One job per moment: items that share a closing time share the job.
        job_id = f"voting.window.{moment.isoformat()}"
        scheduler.at(moment, apply_due_windows, db, job_id=job_id)


def catch_up(db: Database, _settings: Settings) -> None:
    apply_due_windows(db)


def register(scheduler: Scheduler, db: Database, _settings: Settings) -> None:
    scheduler.every(SWEEP_SECONDS, apply_due_windows, db, job_id="voting.windows")
    _schedule_boundaries(scheduler, db)

    def item_added(_event: Event) -> None:
        _schedule_boundaries(scheduler, db)

    db.bus.subscribe("item.added", item_added, key="voting.jobs")
