"""The shell's own scheduled work: forgetting rows that no longer guard anything.

Login sessions, used-link nonces and rate-limit counters all stop mattering at a known time
(requests already ignore them after it); without a purge those tables only grow. The daily
retention job (participation.retention) removes addresses and old traces after the period the
privacy page promises; it also runs at start, for days the server was down.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from participation import auth, links, ratelimit, retention
from participation.database import Database, utcnow
from participation.settings import Settings

if TYPE_CHECKING:
    from participation.scheduler import Scheduler

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 10 * 60


def register(scheduler: Scheduler, db: Database, settings: Settings) -> None:
    scheduler.every(PURGE_EVERY_SECONDS, purge_expired, db, job_id="participation.purge-expired")
    scheduler.every(
        retention.EVERY_SECONDS,
        retention.run_retention,
        db,
        settings,
        job_id="participation.retention",
    )


def catch_up(db: Database, settings: Settings) -> None:
    retention.run_retention(db, settings)


def purge_expired(db: Database) -> None:
    """One transaction for the three purges; each is a DELETE on time, so reruns are harmless."""
    now = utcnow()
    with db.write() as session:
        counters = ratelimit.purge_expired(session, now.timestamp())
        sessions = auth.purge_expired_sessions(session, now)
        used_links = links.purge_used_links(session, now)
    log.info(
        "purged %d rate-limit counters, %d login sessions, %d used links",
        counters,
        sessions,
        used_links,
    )
