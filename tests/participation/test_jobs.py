"""The shell's purge job: what no longer guards anything goes, the rest stays."""

from __future__ import annotations

import datetime as dt
import time

from sqlmodel import select

from participation import jobs, links, ratelimit
from participation.database import Database, utcnow
from participation.models import LoginSession, RateLimitCounter, UsedLink, User

RULE = ratelimit.RateLimit("test", limit=3, window_seconds=60)


def _seed(db: Database) -> None:
    """An expired and a current row of each kind the purge looks at."""
    now = utcnow()
    link_age = dt.timedelta(seconds=max(links.MAX_AGE.values()))
    with db.write() as session:
        user = User(email="ann@example.org", display_name="Ann", password_hash="-")
        session.add(user)
        session.flush()
        assert user.id is not None
        ended, current = now - dt.timedelta(minutes=1), now + dt.timedelta(days=1)
        session.add(LoginSession(token_hash="ended", user_id=user.id, expires_at=ended))
        session.add(LoginSession(token_hash="current", user_id=user.id, expires_at=current))
        session.add(UsedLink(nonce="expired", used_at=now - link_age - dt.timedelta(hours=1)))
        session.add(UsedLink(nonce="recent", used_at=now - dt.timedelta(hours=1)))
        ratelimit.hit(session, RULE, "old", time.time() - 2 * ratelimit.LONGEST_WINDOW_SECONDS)
        ratelimit.hit(session, RULE, "new", time.time())


def _remaining(db: Database) -> tuple[set[str], set[str], set[str]]:
    with db.read() as session:
        return (
            set(session.exec(select(LoginSession.token_hash))),
            set(session.exec(select(UsedLink.nonce))),
            set(session.exec(select(RateLimitCounter.key))),
        )


def test_the_purge_keeps_what_still_counts_and_a_rerun_changes_nothing(db: Database) -> None:
    _seed(db)
    expected = ({"current"}, {"recent"}, {"test:new"})
    jobs.purge_expired(db)
    assert _remaining(db) == expected
    jobs.purge_expired(db)
    assert _remaining(db) == expected
