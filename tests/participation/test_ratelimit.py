"""Fixed-window limits, counted in the database so that every worker counts together."""

from __future__ import annotations

import pytest
from sqlmodel import select

from participation import ratelimit
from participation.database import Database
from participation.models import RateLimitCounter

RULE = ratelimit.RateLimit("test", limit=3, window_seconds=60)


def test_the_limit_holds_within_a_window_and_resets_after(db: Database) -> None:
    now = 1_000_040.0  # 20 s into a 60 s window
    with db.write() as session:
        for _ in range(3):
            ratelimit.check(session, RULE, "1.2.3.4", now)
            ratelimit.hit(session, RULE, "1.2.3.4", now)
    with db.write() as session, pytest.raises(ratelimit.RateLimited) as limited:
        ratelimit.check(session, RULE, "1.2.3.4", now)
    assert limited.value.retry_after == 60 - 20
    with db.write() as session:
        ratelimit.check(session, RULE, "5.6.7.8", now)  # another address is not affected
        ratelimit.check(session, RULE, "1.2.3.4", now + 60)  # the next window starts afresh


def test_concurrent_hits_all_count(db: Database) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def attempt() -> None:
        with db.write() as session:
            ratelimit.hit(session, RULE, "9.9.9.9", 2_000_000.0)

    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(attempt) for _ in range(8)]:
            future.result()
    with db.read() as session, pytest.raises(ratelimit.RateLimited):
        ratelimit.check(session, RULE, "9.9.9.9", 2_000_000.0)


DAY = ratelimit.RateLimit("day", limit=1, window_seconds=ratelimit.LONGEST_WINDOW_SECONDS)


def test_the_purge_deletes_ended_windows_only_and_a_rerun_changes_nothing(db: Database) -> None:
    now = 1_000_040.0
    with db.write() as session:
        ratelimit.hit(session, RULE, "long-ago", now - 2 * ratelimit.LONGEST_WINDOW_SECONDS)
        ratelimit.hit(session, RULE, "1.2.3.4", now)
        ratelimit.hit(session, DAY, "1.2.3.4", now)
    for expected in (1, 0):
        with db.write() as session:
            assert ratelimit.purge_expired(session, now) == expected
    with db.read() as session, pytest.raises(ratelimit.RateLimited):
        ratelimit.check(session, DAY, "1.2.3.4", now)  # a window still running keeps counting
    with db.read() as session:
        keys = {counter.key for counter in session.exec(select(RateLimitCounter))}
    assert keys == {"test:1.2.3.4", "day:1.2.3.4"}


def test_a_rule_cannot_outlast_what_the_purge_keeps() -> None:
    with pytest.raises(ValueError, match="window"):
        ratelimit.RateLimit("week", limit=3, window_seconds=7 * 24 * 3600)
