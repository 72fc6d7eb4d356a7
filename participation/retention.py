"""Forgetting on time (GDPR storage limitation): a daily job removes, after
`settings.retention_days`, what carries network addresses, browsers or old traces.

- rate-limit counters: their keys name IP addresses (and email addresses);
- login sessions that have ended, and the user agent of any session older than the period;
- the nonces of used links;
- read notifications whose email, if any, has gone out;
- the development outbox (`var/outbox/*.eml`): copies of sent mail, with addresses.

The shell's purge (participation.jobs) already drops expired rows within minutes; this job is
the guarantee that nothing of the kind outlives the period the privacy page promises, whatever
the other settings. Every step is a delete or an update on time: running it twice, late, or on
two workers at once changes nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import delete, update
from sqlmodel import Session, col

from participation import auth
from participation.database import Database, utcnow
from participation.models import LoginSession, RateLimitCounter, UsedLink
from participation.notifications import Notification
from participation.settings import Settings

log = logging.getLogger(__name__)

EVERY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Removed:
    counters: int
    sessions: int
    user_agents: int
    used_links: int
    notifications: int
    outbox_files: int


def _rows(session: Session, statement: object) -> int:
    count: int = session.connection().execute(statement).rowcount  # type: ignore[call-overload]
    return count


def apply_retention(session: Session, now: dt.datetime, days: int) -> Removed:
    """Remove what is older than `days` before `now` (the database part)."""
    cutoff = now - dt.timedelta(days=days)
    counters = _rows(
        session,
        delete(RateLimitCounter).where(
            col(RateLimitCounter.window_start) < int(cutoff.timestamp())
        ),
    )
    sessions = auth.purge_expired_sessions(session, now)
    user_agents = _rows(
        session,
        update(LoginSession)
        .where(col(LoginSession.created_at) < cutoff, col(LoginSession.user_agent) != "")
        .values(user_agent=""),
    )
    used_links = _rows(session, delete(UsedLink).where(col(UsedLink.used_at) < cutoff))
    notifications = _rows(
        session,
        delete(Notification).where(
            col(Notification.read_at) < cutoff,
            col(Notification.email_due).is_(None) | col(Notification.emailed_at).is_not(None),
        ),
    )
    return Removed(counters, sessions, user_agents, used_links, notifications, 0)


def clean_outbox(outbox: Path, now: dt.datetime, days: int) -> int:
    """Delete the outbox's mail files written before the period; a count."""
    cutoff = (now - dt.timedelta(days=days)).timestamp()
    removed = 0
    for path in outbox.glob("*.eml"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another worker's run got there first
    return removed


def run_retention(db: Database, settings: Settings) -> Removed:
    now = utcnow()
    with db.write() as session:
        removed = apply_retention(session, now, settings.retention_days)
    files = clean_outbox(settings.var_path / "outbox", now, settings.retention_days)
    removed = replace(removed, outbox_files=files)
    log.info("retention after %d days: %s", settings.retention_days, removed)
    return removed
