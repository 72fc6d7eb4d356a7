"""The retention job: after `retention_days`, addresses, browsers and old traces go; what is
newer, or still needed, stays; a second run changes nothing; the scheduler runs it daily and
at start."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from pathlib import Path

from sqlmodel import select

from participation import jobs, ratelimit, retention
from participation.database import Database, utcnow
from participation.models import LoginSession, RateLimitCounter, UsedLink, User
from participation.notifications import Notification
from participation.settings import Settings

DAY = dt.timedelta(days=1)


def _seed(db: Database, settings: Settings) -> None:
    """For each kind, a row older than the period and one within it."""
    now = utcnow()
    old = now - dt.timedelta(days=settings.retention_days) - DAY
    with db.write() as session:
        user = User(email="ann@example.org", display_name="Ann", password_hash="-")
        session.add(user)
        session.flush()
        assert user.id is not None
        for token, created, agent in (("old", old, "Firefox"), ("new", now, "Safari")):
            session.add(
                LoginSession(
                    token_hash=token,
                    user_id=user.id,
                    created_at=created,
                    expires_at=now + DAY,
                    user_agent=agent,
                )
            )
        session.add(LoginSession(token_hash="ended", user_id=user.id, expires_at=now - DAY))
        session.add(UsedLink(nonce="old", used_at=old))
        session.add(UsedLink(nonce="new", used_at=now))
        rule = ratelimit.LOGIN_PER_ADDRESS
        ratelimit.hit(session, rule, "203.0.113.9", old.timestamp())
        ratelimit.hit(session, rule, "198.51.100.7", time.time())
        for text, read_at, email_due in (
            ("read long ago", old, None),
            ("read long ago, email not sent", old, "daily"),
            ("never read", None, None),
            ("read today", now, None),
        ):
            session.add(
                Notification(
                    user_id=user.id,
                    subject="idea",
                    subject_id=1,
                    kind="idea.comment",
                    text=text,
                    link="/ideas/1",
                    created_at=old,
                    read_at=read_at,
                    email_due=email_due,
                )
            )
    outbox = settings.var_path / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    for name, moment in (("old.eml", old), ("new.eml", now)):
        (outbox / name).write_text("To: ann@example.org\n\nHello")
        os.utime(outbox / name, (moment.timestamp(), moment.timestamp()))


def _remaining(db: Database, outbox: Path) -> dict[str, object]:
    with db.read() as session:
        return {
            "sessions": sorted(
                (s.token_hash, s.user_agent) for s in session.exec(select(LoginSession))
            ),
            "links": set(session.exec(select(UsedLink.nonce))),
            "counters": set(session.exec(select(RateLimitCounter.key))),
            "notifications": set(session.exec(select(Notification.text))),
            "outbox": sorted(p.name for p in outbox.glob("*.eml")),
        }


def test_retention_removes_what_is_older_and_a_rerun_changes_nothing(
    db: Database, settings: Settings
) -> None:
    _seed(db, settings)
    first = retention.run_retention(db, settings)
    assert first == retention.Removed(
        counters=1, sessions=1, user_agents=1, used_links=1, notifications=1, outbox_files=1
    )
    expected = {
        "sessions": [("new", "Safari"), ("old", "")],
        "links": {"new"},
        "counters": {"login-address:198.51.100.7"},
        "notifications": {"read long ago, email not sent", "never read", "read today"},
        "outbox": ["new.eml"],
    }
    outbox = settings.var_path / "outbox"
    assert _remaining(db, outbox) == expected
    again = retention.run_retention(db, settings)
    assert dataclasses.astuple(again) == (0, 0, 0, 0, 0, 0)
    assert _remaining(db, outbox) == expected


def test_a_longer_period_keeps_more(db: Database, settings: Settings) -> None:
    _seed(db, settings)
    longer = dataclasses.replace(settings, retention_days=settings.retention_days + 30)
    removed = retention.run_retention(db, longer)
    assert (removed.used_links, removed.notifications, removed.outbox_files) == (0, 0, 0)


class _Recorder:
    def __init__(self) -> None:
        self.jobs: dict[str, float] = {}

    def every(self, seconds: float, _func: object, *_args: object, job_id: str) -> None:
        self.jobs[job_id] = seconds


def test_it_runs_daily_and_at_start(db: Database, settings: Settings) -> None:
    scheduler = _Recorder()
    jobs.register(scheduler, db, settings)  # type: ignore[arg-type]
    assert scheduler.jobs["participation.retention"] == 24 * 3600
    _seed(db, settings)
    jobs.catch_up(db, settings)
    assert _remaining(db, settings.var_path / "outbox")["outbox"] == ["new.eml"]
