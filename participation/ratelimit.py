"""Fixed-window rate limits kept in the database, so that every worker counts together."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from participation.models import RateLimitCounter
from participation.prepared import Prepared

# A counter row does not record its rule's window, so purge_expired can only tell that a
# window has ended once even the longest one would have; every rule stays within it.
LONGEST_WINDOW_SECONDS = 24 * 3600


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window_seconds: int

    def __post_init__(self) -> None:
        if not 0 < self.window_seconds <= LONGEST_WINDOW_SECONDS:
            raise ValueError(
                f"rate limit {self.name!r}: window must be 1 to {LONGEST_WINDOW_SECONDS} s"
            )


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


LOGIN_PER_ADDRESS = RateLimit("login-address", 30, 15 * 60)
LOGIN_PER_ACCOUNT = RateLimit("login-account", 10, 15 * 60)
REGISTER_PER_ADDRESS = RateLimit("register-address", 10, 60 * 60)
RESET_PER_ADDRESS = RateLimit("reset-address", 10, 60 * 60)
RESET_PER_ACCOUNT = RateLimit("reset-account", 3, 60 * 60)
VERIFY_RESEND_PER_ADDRESS = RateLimit("verify-resend-address", 10, 60 * 60)
# Generous: a resident changing their mind is fine; a script casting in a loop is not.
VOTE_PER_ACCOUNT = RateLimit("vote-account", 30, 60)
# A resident who reports what they read is far below this; a flood of reports is not.
REPORT_PER_ACCOUNT = RateLimit("report-account", 20, 60 * 60)


def _window(rule: RateLimit, now: float) -> tuple[int, int]:
    start = int(now) // rule.window_seconds * rule.window_seconds
    return start, start + rule.window_seconds - int(now)


def check(session: Session, rule: RateLimit, subject: str, now: float | None = None) -> None:
    """Raise RateLimited if `subject` has used up `rule` in the current window."""
    now = time.time() if now is None else now
    start, retry_after = _window(rule, now)
    counter = session.get(RateLimitCounter, (f"{rule.name}:{subject}", start))
    if counter is not None and counter.count >= rule.limit:
        raise RateLimited(retry_after)


def _upsert(insert: Any) -> Any:
    counts = RateLimitCounter.__table__.c.count  # type: ignore[attr-defined]
    return (
        insert(RateLimitCounter)
        .values(key=bindparam("key"), window_start=bindparam("start"), count=1)
        .on_conflict_do_update(index_elements=["key", "window_start"], set_={"count": counts + 1})
        .returning(counts)
    )


# Every vote and support counts an attempt: built once per dialect and run on the driver's
# cursor (see participation/prepared.py).
_UPSERTS = {"postgresql": Prepared(_upsert(pg_insert)), "sqlite": Prepared(_upsert(sqlite_insert))}


def _count(session: Session, rule: RateLimit, subject: str, now: float) -> int:
    """Count one attempt and return the window's count: an upsert, so concurrent attempts
    all count."""
    start, _ = _window(rule, now)
    connection = session.connection()
    statement = _UPSERTS[connection.dialect.name]
    params = {"key": f"{rule.name}:{subject}", "start": start}
    count: int = statement.scalar(connection, params)
    return count


def hit(session: Session, rule: RateLimit, subject: str, now: float | None = None) -> None:
    """Count one attempt."""
    _count(session, rule, subject, time.time() if now is None else now)


def check_and_hit(session: Session, rule: RateLimit, subject: str) -> None:
    """Count the attempt and refuse it past the limit, in one statement. The refusal rolls
    the caller's transaction back, so a refused attempt is not counted."""
    now = time.time()
    if _count(session, rule, subject, now) > rule.limit:
        raise RateLimited(_window(rule, now)[1])


def purge_expired(session: Session, now: float) -> int:
    """Delete the counters whose window has ended (they no longer limit anything); a count."""
    cutoff = int(now) - LONGEST_WINDOW_SECONDS
    statement = delete(RateLimitCounter).where(col(RateLimitCounter.window_start) <= cutoff)
    return session.connection().execute(statement).rowcount
