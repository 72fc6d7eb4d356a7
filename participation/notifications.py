"""Follows and notifications: who follows what, what each person has been told, and by email
how often they want to hear it.

A follow ties a user to any content by its content-type name ("idea", "pact", ...) and id, so
a new content type needs no change here. `notify` writes one notification per recipient, its
text already in the recipient's own language, inside the caller's transaction: an action that
rolls back tells nobody anything. It also stamps each notification with the email it is due
(`email_due`, from the recipient's preference for that subject); participation.digests sends
them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, cast

from sqlalchemy import (
    CheckConstraint,
    Column,
    CursorResult,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel, col, select

from participation.checks import Refused
from participation.database import UTCDateTime, one_of, utcnow
from participation.i18n import gettext, use_language
from participation.models import User
from participation.visibility import HiddenContent
from participation.web import safe_next

PAGE_SIZE = 30
SUBJECT_MAX = 32
KIND_MAX = 64
TEXT_MAX = 1000
LINK_MAX = 500
# Recipients' accounts are loaded in chunks this large: one query for any realistic audience,
# and never more bound parameters than SQLite or PostgreSQL accept.
_CHUNK = 5000

# How often a user wants email about one kind of notification. A kind is the notification's
# subject type (idea, pact, problem, ...): what someone follows is what they choose about; the
# finer `kind` strings (idea.comment, idea.answer, ...) would make a page of thirty choices.
OFF = "off"
IMMEDIATELY = "immediately"
DAILY = "daily"
WEEKLY = "weekly"
FREQUENCIES = (OFF, IMMEDIATELY, DAILY, WEEKLY)
DIGESTS = (DAILY, WEEKLY)
DEFAULT_FREQUENCY = DAILY
# The preference row that applies to every kind without a row of its own (one-click
# unsubscribe from a digest, which is about all kinds, writes it).
ALL_KINDS = "all"
_PENDING = "emailed_at IS NULL AND email_due IS NOT NULL"


class Follow(SQLModel, table=True):
    """One user follows one piece of content and hears about what happens to it."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "subject", "subject_id", name="uq_follows_user_subject"),
        Index("ix_follows_subject", "subject", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    subject: str = Field(max_length=SUBJECT_MAX)
    subject_id: int
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Notification(SQLModel, table=True):
    """A message for one user, in their language, with a link to what it is about."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The list, newest first, with keyset paging: WHERE user_id = ? AND id < ? ORDER BY id.
        Index("ix_notifications_user_id_id", "user_id", "id"),
        # The unread count and "mark all as read": WHERE user_id = ? AND read_at IS NULL.
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        # The mail sender's queue: only what is still to be emailed is indexed, so finding it
        # costs the same whatever the number of notifications already sent or never due.
        Index(
            "ix_notifications_email_pending",
            "email_due",
            "created_at",
            sqlite_where=text(_PENDING),
            postgresql_where=text(_PENDING),
        ),
        CheckConstraint(
            f"email_due IS NULL OR {one_of('email_due', (IMMEDIATELY, *DIGESTS))}",
            name="ck_notifications_email_due",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    subject: str = Field(max_length=SUBJECT_MAX)
    subject_id: int
    # The content whose words the text quotes (a comment, say), if other than the subject: a
    # notification is not shown while its subject or its source is hidden by moderation.
    source_type: str | None = Field(default=None, max_length=SUBJECT_MAX)
    source_id: int | None = Field(default=None)
    kind: str = Field(max_length=KIND_MAX)
    text: str = Field(max_length=TEXT_MAX)
    link: str = Field(max_length=LINK_MAX)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The email this notification is due (the recipient's frequency when it was written:
    # immediately, daily or weekly), None when none is; when it was claimed for sending.
    email_due: str | None = Field(default=None, max_length=12)
    emailed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(SQLModel, table=True):
    """How often one user wants email about one kind (subject type) of notification.

    No row means the row for ALL_KINDS, and without that DEFAULT_FREQUENCY."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),
        CheckConstraint(
            one_of("frequency", FREQUENCIES), name="ck_notification_preferences_frequency"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    kind: str = Field(max_length=SUBJECT_MAX)
    frequency: str = Field(max_length=12)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DigestRun(SQLModel, table=True):
    """A digest period claimed for sending: inserted before the digest goes out, so that the
    unique constraint lets one run send it, however often or late the job runs."""

    __tablename__ = "digest_runs"
    __table_args__ = (
        UniqueConstraint("frequency", "period_start", name="uq_digest_runs_period"),
        CheckConstraint(one_of("frequency", DIGESTS), name="ck_digest_runs_frequency"),
    )

    id: int | None = Field(default=None, primary_key=True)
    frequency: str = Field(max_length=12)
    period_start: dt.datetime = Field(sa_type=UTCDateTime)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Follows


def is_following(session: Session, user_id: int, subject: str, subject_id: int) -> bool:
    statement = select(Follow.id).where(
        Follow.user_id == user_id, Follow.subject == subject, Follow.subject_id == subject_id
    )
    return session.exec(statement).first() is not None


def do_follow(session: Session, user_id: int, subject: str, subject_id: int) -> None:
    """Follow; idempotent, also when two requests race (the unique constraint decides)."""
    if is_following(session, user_id, subject, subject_id):
        return
    dialect = session.get_bind().dialect.name
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert_(Follow)
        .values(user_id=user_id, subject=subject, subject_id=subject_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "subject", "subject_id"])
    )
    session.execute(statement)


def do_unfollow(session: Session, user_id: int, subject: str, subject_id: int) -> None:
    """Stop following; idempotent."""
    session.execute(
        delete(Follow).where(
            col(Follow.user_id) == user_id,
            col(Follow.subject) == subject,
            col(Follow.subject_id) == subject_id,
        )
    )


def follower_ids(session: Session, subject: str, subject_id: int) -> list[int]:
    statement = (
        select(Follow.user_id)
        .where(Follow.subject == subject, Follow.subject_id == subject_id)
        .order_by(col(Follow.user_id))
    )
    return list(session.exec(statement).all())


# Notifications


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _recipients(session: Session, user_ids: list[int]) -> dict[int, tuple[str, bool]]:
    """The language of each existing account among `user_ids` (erased accounts drop out), and
    whether its email address is verified (an unverified one gets no email)."""
    found: dict[int, tuple[str, bool]] = {}
    for start in range(0, len(user_ids), _CHUNK):
        chunk = user_ids[start : start + _CHUNK]
        statement = select(User.id, User.language, User.email_verified_at).where(
            col(User.id).in_(chunk)
        )
        for user_id, language, verified_at in session.exec(statement):
            if user_id is not None:
                found[user_id] = (language, verified_at is not None)
    return found


def _frequencies(session: Session, user_ids: list[int], subject: str) -> dict[int, str]:
    """Each user's email frequency for `subject` where they chose one (for it, or for all)."""
    found: dict[int, str] = {}
    for start in range(0, len(user_ids), _CHUNK):
        chunk = user_ids[start : start + _CHUNK]
        statement = select(
            NotificationPreference.user_id,
            NotificationPreference.kind,
            NotificationPreference.frequency,
        ).where(
            col(NotificationPreference.user_id).in_(chunk),
            col(NotificationPreference.kind).in_((subject, ALL_KINDS)),
        )
        for user_id, kind, frequency in session.exec(statement):
            if kind == subject or user_id not in found:
                found[user_id] = frequency
    return found


def notify(
    session: Session,
    user_ids: Iterable[int],
    *,
    kind: str,
    subject: str,
    subject_id: int,
    link: str,
    message: Callable[[], str],
    exclude: int | None = None,
    source: tuple[str, int] | None = None,
) -> int:
    """Tell each distinct recipient but `exclude` (the actor); returns how many were told.

    `message` is called once per language, inside `use_language`, so that it can build its
    text with `gettext`; it must not rely on the request's language.
    """
    if len(link) > LINK_MAX or safe_next(link, "") != link:
        raise ValueError(f"a notification links to a path on this site, not {link!r}")
    wanted = [user_id for user_id in dict.fromkeys(user_ids) if user_id != exclude]
    if not wanted:
        return 0
    recipients = _recipients(session, wanted)
    frequencies = _frequencies(session, wanted, subject)
    texts: dict[str, str] = {}
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for user_id in wanted:
        if user_id not in recipients:
            continue
        language, verified = recipients[user_id]
        frequency = frequencies.get(user_id, DEFAULT_FREQUENCY)
        if language not in texts:
            with use_language(language):
                texts[language] = _clip(message(), TEXT_MAX)
        rows.append(
            {
                "user_id": user_id,
                "subject": subject,
                "subject_id": subject_id,
                "source_type": source[0] if source else None,
                "source_id": source[1] if source else None,
                "kind": kind,
                "text": texts[language],
                "link": link,
                "created_at": now,
                "read_at": None,
                "email_due": frequency if verified and frequency != OFF else None,
                "emailed_at": None,
            }
        )
    if rows:
        session.execute(insert(Notification), rows)
    return len(rows)


def notify_followers(
    session: Session,
    *,
    subject: str,
    subject_id: int,
    kind: str,
    link: str,
    message: Callable[[], str],
    exclude: int | None = None,
    source: tuple[str, int] | None = None,
) -> int:
    """Tell everyone who follows the subject, except `exclude`; returns how many were told."""
    return notify(
        session,
        follower_ids(session, subject, subject_id),
        kind=kind,
        subject=subject,
        subject_id=subject_id,
        link=link,
        message=message,
        exclude=exclude,
        source=source,
    )


def _unread(user_id: int) -> Any:
    return (col(Notification.user_id) == user_id) & col(Notification.read_at).is_(None)


def _is_hidden(content_type: Any, content_id: Any) -> Any:
    return exists().where(
        col(HiddenContent.content_type) == content_type,
        col(HiddenContent.content_id) == content_id,
    )


def shown() -> Any:
    """Not about hidden content: neither its subject nor the content it quotes is hidden (or
    held) by moderation. One primary-key lookup per notification read, and a notification
    comes back by itself when its content is shown again."""
    source_hidden = and_(
        col(Notification.source_type).is_not(None),
        _is_hidden(Notification.source_type, Notification.source_id),
    )
    return ~or_(_is_hidden(Notification.subject, Notification.subject_id), source_hidden)


def unread_count(session: Session, user_id: int, limit: int | None = None) -> int:
    """How many notifications the user has not read; with `limit`, counts no further."""
    condition = and_(_unread(user_id), shown())
    if limit is None:
        statement = select(func.count()).select_from(Notification).where(condition)
        return int(session.exec(statement).one())
    capped = select(Notification.id).where(condition).limit(limit).subquery()
    return int(session.exec(select(func.count()).select_from(capped)).one())


def do_mark_read(session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one notification (or, with None, all) of the user as read; returns how many."""
    statement = update(Notification).where(_unread(user_id)).values(read_at=utcnow())
    if notification_id is not None:
        statement = statement.where(col(Notification.id) == notification_id)
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount)


def notifications_page(
    session: Session, user_id: int, before: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Notification], int | None]:
    """The user's notifications newest first, and the `before` of the next page (or None);
    those about hidden content are left out."""
    statement = select(Notification).where(col(Notification.user_id) == user_id, shown())
    if before is not None:
        statement = statement.where(col(Notification.id) < before)
    statement = statement.order_by(col(Notification.id).desc()).limit(limit + 1)
    found = list(session.exec(statement).all())
    page = found[:limit]
    return page, (page[-1].id if len(found) > limit else None)


def check_own_notification(session: Session, user_id: int, notification_id: int) -> Notification:
    """The user's own notification; someone else's is as absent as one that never existed."""
    found = session.get(Notification, notification_id)
    if found is None or found.user_id != user_id:
        raise Refused(404, gettext("This notification does not exist."))
    return found
