"""Mutes end by themselves: a sweep that ends every mute whose time is up.

Muting never depends on this job: posting checks `User.muted_until` against the clock, so a
muted user may post again the moment the mute ends. The job makes the stored state and the log
say so too (the sanction ended, an automatic `unmute`), at start-up for mutes that ended while
the server was down, and every minute after. Each end is a conditional update (see
`sanctions.end_due_mutes`), so running it twice, on two workers or late changes nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from moderation.sanctions import end_due_mutes
from participation.database import Database, utcnow
from participation.settings import Settings

if TYPE_CHECKING:
    from participation.scheduler import Scheduler

SWEEP_SECONDS = 60


def end_mutes(db: Database) -> list[int]:
    """End the mutes that are due; returns the accounts this run unmuted."""
    with db.write() as session:
        return end_due_mutes(session, utcnow())


def catch_up(db: Database, _settings: Settings) -> None:
    end_mutes(db)


def register(scheduler: Scheduler, db: Database, _settings: Settings) -> None:
    scheduler.every(SWEEP_SECONDS, end_mutes, db, job_id="moderation.mutes")
