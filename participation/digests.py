"""Notification email: one email per notification due immediately, and the daily and weekly
digests. A job provider (participation.scheduler).

Every email is claimed before it is sent, in a committed transaction, so that it goes out at
most once: a notification due immediately by setting its `emailed_at`, a digest by inserting
its period into `digest_runs` (unique) together with claiming the notifications it carries. A
crash between claim and send loses those emails rather than sending them twice.

A digest period starts at `settings.digest_hour` local time, every day (daily) or on Mondays
(weekly). Each run sends the latest period that has started, if no run has claimed it yet, with
every notification due at that frequency that was written before it: after a restart,
`catch_up` sends the digest whose time passed while the server was down, once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from participation.content import content_type
from participation.database import Database, utcnow
from participation.email_preferences import kind_label, unsubscribe_token
from participation.i18n import gettext, ngettext, use_language
from participation.mail import Mailer
from participation.models import User
from participation.notifications import (
    ALL_KINDS,
    DAILY,
    IMMEDIATELY,
    WEEKLY,
    DigestRun,
    Notification,
    shown,
)
from participation.settings import Settings

if TYPE_CHECKING:
    from participation.scheduler import Scheduler

log = logging.getLogger(__name__)

EVERY_SECONDS = 60
# Notifications claimed and sent per transaction when many fall due at once.
BATCH = 200
# Lines in one digest; the rest is "and N more" with a link to the notification centre.
DIGEST_LINES = 20
SUBJECT_LINE_MAX = 120


def register(scheduler: Scheduler, db: Database, settings: Settings) -> None:
    scheduler.every(EVERY_SECONDS, send_due, db, settings, job_id="participation.email")


def catch_up(db: Database, settings: Settings) -> None:
    send_due(db, settings)


def send_due(
    db: Database, settings: Settings, now: dt.datetime | None = None, mailer: Mailer | None = None
) -> None:
    """Send what is due at `now`: the immediate emails, then any digest whose time came."""
    now = now or utcnow()
    sender = _Sender(settings, mailer or Mailer(settings), db)
    send_immediate(db, sender, now)
    for frequency in (DAILY, WEEKLY):
        send_digest(db, sender, frequency, period_start(settings, frequency, now))


def period_start(settings: Settings, frequency: str, now: dt.datetime) -> dt.datetime:
    """The start (in UTC) of the latest daily or weekly digest period begun at `now`."""
    zone = settings.zone
    local = now.astimezone(zone)
    start = dt.datetime.combine(local.date(), dt.time(settings.digest_hour), tzinfo=zone)
    step = dt.timedelta(days=1)
    if frequency == WEEKLY:
        start -= dt.timedelta(days=local.weekday())
        step = dt.timedelta(days=7)
    if start > local:
        start -= step  # wall-clock arithmetic: the same hour, also across a DST change
    return start.astimezone(dt.UTC)


def send_immediate(db: Database, sender: _Sender, now: dt.datetime) -> None:
    """Claim and send the notifications due immediately, a batch at a time."""
    while True:
        with db.write() as session:
            claimed = _claim(session, IMMEDIATELY, now, limit=BATCH)
        for user, notifications in _to_send(db, claimed):
            for notification in notifications:
                sender.immediate(user, notification)
        if len(claimed) < BATCH:
            return


def send_digest(db: Database, sender: _Sender, frequency: str, start: dt.datetime) -> None:
    """Send the digest of the period beginning at `start`, unless a run has claimed it."""
    with db.write() as session:
        if not _claim_period(session, frequency, start):
            return
        claimed = _claim(session, frequency, start)
    sent = 0
    for user, notifications in _to_send(db, claimed):
        sent += sender.digest(user, frequency, notifications)
    log.info("sent %d %s digests for %s", sent, frequency, start.isoformat())


def _claim_period(session: Session, frequency: str, start: dt.datetime) -> bool:
    dialect = session.get_bind().dialect.name
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert_(DigestRun)
        .values(frequency=frequency, period_start=start, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["frequency", "period_start"])
        .returning(col(DigestRun.id))
    )
    return session.execute(statement).first() is not None


def _claim(
    session: Session, frequency: str, before: dt.datetime, limit: int | None = None
) -> list[int]:
    """Mark the notifications due at `frequency` written before `before` as emailed; their ids.

    `emailed_at IS NULL` is checked again by the UPDATE itself, so two runs that picked the
    same rows claim each row once (the second finds it taken, on SQLite and PostgreSQL)."""
    pending = (
        select(Notification.id)
        .where(
            col(Notification.email_due) == frequency,
            col(Notification.emailed_at).is_(None),
            col(Notification.created_at) < before,
        )
        .order_by(col(Notification.id))
    )
    if limit is not None:
        pending = pending.limit(limit)
    statement = (
        update(Notification)
        .where(col(Notification.id).in_(pending.scalar_subquery()))
        .where(col(Notification.emailed_at).is_(None))
        .values(emailed_at=utcnow())
        .returning(col(Notification.id))
    )
    return sorted(session.execute(statement).scalars().all())


def _to_send(db: Database, ids: Sequence[int]) -> Iterator[tuple[User, list[Notification]]]:
    """The claimed notifications that may be emailed, per verified recipient, newest first:
    those about hidden content are left out (and stay out: they are claimed)."""
    chunk = 1000
    for start in range(0, len(ids), chunk):
        with db.read() as session:
            statement = (
                select(User, Notification)
                .join(User, col(User.id) == col(Notification.user_id))
                .where(
                    col(Notification.id).in_(ids[start : start + chunk]),
                    col(User.email_verified_at).is_not(None),
                    shown(),
                )
                .order_by(col(Notification.user_id), col(Notification.id).desc())
            )
            rows = session.exec(statement).all()
        for _user_id, group in groupby(rows, key=lambda row: row[0].id):
            pairs = list(group)
            yield pairs[0][0], [notification for _user, notification in pairs]


class _Sender:
    """Writes the emails, in each recipient's language, with the unsubscribe footer and the
    RFC 8058 headers."""

    def __init__(self, settings: Settings, mailer: Mailer, db: Database) -> None:
        self.settings = settings
        self.mailer = mailer
        self.db = db

    def _url(self, path: str) -> str:
        return f"{self.settings.base_url}{path}"

    def _send(self, user: User, subject: str, lines: list[str], kind: str) -> bool:
        assert user.id is not None
        unsubscribe = self._url(
            f"/unsubscribe/{unsubscribe_token(self.settings.secret_key, user.id, kind)}"
        )
        if kind == ALL_KINDS:
            stop = gettext("Stop all notification emails:")
        else:
            stop = gettext("Stop emails about this (%(kind)s):") % {"kind": kind_label(kind)}
        greeting = gettext("Hello %(name)s,") % {"name": user.display_name}
        footer = [
            "-- ",
            gettext("Choose which emails you get, and how often:"),
            self._url("/account/notifications"),
            stop,
            unsubscribe,
        ]
        body = "\n\n".join([greeting, *lines, "\n".join(footer)]) + "\n"
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        try:
            self.mailer.send(user.email, _one_line(subject), body, headers)
        except Exception:
            # Claimed already: this email is lost, the others still go out.
            log.exception("could not email notification(s) to user %s", user.id)
            return False
        return True

    def _line(self, notification: Notification) -> str:
        return f"{notification.text}\n{self._url(f'/notifications/{notification.id}')}"

    def immediate(self, user: User, notification: Notification) -> bool:
        with use_language(user.language):
            return self._send(
                user, notification.text, [self._line(notification)], notification.subject
            )

    def digest(self, user: User, frequency: str, notifications: list[Notification]) -> int:
        """One digest of `notifications` (newest first), grouped by what they are about."""
        shown_now = notifications[:DIGEST_LINES]
        with use_language(user.language), self.db.read() as session:
            place = self.settings.municipality_name
            if frequency == DAILY:
                subject = gettext("Your daily digest from %(place)s") % {"place": place}
            else:
                subject = gettext("Your weekly digest from %(place)s") % {"place": place}
            lines = [gettext("This is what happened since the last digest:")]
            order = list(dict.fromkeys((n.subject, n.subject_id) for n in shown_now))
            for key in order:
                group = [n for n in shown_now if (n.subject, n.subject_id) == key]
                lines.append(
                    "\n\n".join([_heading(session, *key), *(self._line(n) for n in group)])
                )
            more = len(notifications) - len(shown_now)
            if more:
                text = ngettext(
                    "And %(num)d more notification:",
                    "And %(num)d more notifications:",
                    more,
                )
                lines.append(f"{text % {'num': more}}\n{self._url('/notifications')}")
            return int(self._send(user, subject, lines, ALL_KINDS))


def _heading(session: Session, subject: str, subject_id: int) -> str:
    """What a group of notifications is about: its kind, and its title when there is one."""
    registered = content_type(subject)
    title = registered.title(session, subject_id) if registered is not None else None
    label = kind_label(subject)
    heading = f"{label}: {_one_line(title)}" if title else label
    return f"{heading}\n{'=' * min(len(heading), 60)}"


def _one_line(text: str) -> str:
    """A header line: no line breaks, and short."""
    line = " ".join(text.split())
    return line if len(line) <= SUBJECT_LINE_MAX else line[: SUBJECT_LINE_MAX - 1] + "…"
