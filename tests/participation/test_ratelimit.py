"""Fixed-window limits, counted in the database so that every worker counts together."""

from __future__ import annotations

import pytest

from participation import ratelimit
from participation.database import Database

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
