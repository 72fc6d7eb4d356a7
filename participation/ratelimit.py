"""Fixed-window rate limits kept in the database, so that every worker counts together."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from participation.models import RateLimitCounter


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window_seconds: int


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


def hit(session: Session, rule: RateLimit, subject: str, now: float | None = None) -> None:
    """Count one attempt; an upsert so that concurrent attempts all count."""
    now = time.time() if now is None else now
    start, _ = _window(rule, now)
    key = f"{rule.name}:{subject}"
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(RateLimitCounter).values(key=key, window_start=start, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=["key", "window_start"],
        set_={"count": RateLimitCounter.__table__.c.count + 1},  # type: ignore[attr-defined]
    )
    session.execute(statement)


def check_and_hit(session: Session, rule: RateLimit, subject: str) -> None:
    check(session, rule, subject)
    hit(session, rule, subject)
