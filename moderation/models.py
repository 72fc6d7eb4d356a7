"""Reports, the cases moderators work through, their actions (the log), sanctions, appeals
and the watch words.

Content is named by its content-type name and id (see participation/content.py), never by a
foreign key, so that any registered content type can be moderated.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from participation.database import UTCDateTime, one_of, utcnow
from participation.visibility import REASON_VALUES

DETAILS_MAX = 1000
NOTE_MAX = 1000
APPEAL_MAX = 2000
WORD_MAX = 80


def _user_fk(*, nullable: bool = True, ondelete: str = "SET NULL") -> Column[int]:
    return Column(Integer, ForeignKey("users.id", ondelete=ondelete), nullable=nullable)


class ReportStatus(enum.StrEnum):
    open = "open"
    upheld = "upheld"  # the content was hidden
    dismissed = "dismissed"


class Report(SQLModel, table=True):
    """One user reports one piece of content, once."""

    __tablename__ = "moderation_reports"
    __table_args__ = (
        UniqueConstraint("content_type", "content_id", "reporter_id", name="uq_reports_reporter"),
        CheckConstraint(one_of("reason", REASON_VALUES), name="ck_reports_reason"),
        CheckConstraint(
            one_of("status", tuple(s.value for s in ReportStatus)), name="ck_reports_status"
        ),
        Index("ix_reports_content", "content_type", "content_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    content_type: str = Field(max_length=32)
    content_id: int
    reporter_id: int | None = Field(default=None, sa_column=_user_fk())
    reason: str = Field(max_length=20)
    details: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default=ReportStatus.open.value, max_length=12)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolved_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class CaseStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class ModerationCase(SQLModel, table=True):
    """One piece of content in the queue: its open reports counted here, in the transaction
    that adds or resolves them, so the queue is one indexed read however many reports there are.
    A case is also opened for content held for review, without reports."""

    __tablename__ = "moderation_cases"
    __table_args__ = (
        UniqueConstraint("content_type", "content_id", name="uq_cases_content"),
        CheckConstraint(
            one_of("status", tuple(s.value for s in CaseStatus)), name="ck_cases_status"
        ),
        CheckConstraint("open_reports >= 0", name="ck_cases_open_reports"),
        Index("ix_cases_queue", "status", "open_reports", "opened_at"),
        Index("ix_cases_type_queue", "status", "content_type", "open_reports", "opened_at"),
        Index("ix_cases_author", "author_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    content_type: str = Field(max_length=32)
    content_id: int
    author_id: int | None = Field(default=None, sa_column=_user_fk())
    status: str = Field(default=CaseStatus.open.value, max_length=12)
    open_reports: int = Field(default=0)
    # The newest open report's reason, for the queue's reason filter and its label.
    last_reason: str | None = Field(default=None, max_length=20)
    opened_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class ActionKind(enum.StrEnum):
    hide = "hide"
    restore = "restore"
    dismiss = "dismiss"
    lock = "lock"
    unlock = "unlock"
    auto_hide = "auto_hide"
    hold = "hold"
    release = "release"
    warn = "warn"
    mute = "mute"
    unmute = "unmute"
    ban = "ban"
    unban = "unban"
    appeal_granted = "appeal_granted"
    appeal_rejected = "appeal_rejected"


ACTION_VALUES = tuple(a.value for a in ActionKind)


class ModerationAction(SQLModel, table=True):
    """The log: every moderation decision, by a moderator or (moderator_id NULL, automatic)
    by the platform. Never updated or deleted."""

    __tablename__ = "moderation_actions"
    __table_args__ = (
        CheckConstraint(one_of("action", ACTION_VALUES), name="ck_actions_action"),
        CheckConstraint(
            f"reason IS NULL OR {one_of('reason', REASON_VALUES)}", name="ck_actions_reason"
        ),
        Index("ix_actions_content", "content_type", "content_id", "id"),
        Index("ix_actions_target", "target_user_id", "id"),
        Index("ix_actions_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=20)
    moderator_id: int | None = Field(default=None, sa_column=_user_fk())
    content_type: str | None = Field(default=None, max_length=32)
    content_id: int | None = Field(default=None)
    target_user_id: int | None = Field(default=None, sa_column=_user_fk())
    reason: str | None = Field(default=None, max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    automatic: bool = Field(default=False)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SanctionKind(enum.StrEnum):
    warn = "warn"
    mute = "mute"
    ban = "ban"


class Sanction(SQLModel, table=True):
    """A warning, a mute until `ends_at`, or a ban, with the reason the user is shown."""

    __tablename__ = "moderation_sanctions"
    __table_args__ = (
        CheckConstraint(
            one_of("kind", tuple(k.value for k in SanctionKind)), name="ck_sanctions_kind"
        ),
        CheckConstraint(one_of("reason", REASON_VALUES), name="ck_sanctions_reason"),
        CheckConstraint("kind <> 'mute' OR ends_at IS NOT NULL", name="ck_sanctions_mute_end"),
        Index("ix_sanctions_user", "user_id", "id"),
        Index("ix_sanctions_due", "kind", "ended_at", "ends_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk(nullable=False, ondelete="CASCADE"))
    kind: str = Field(max_length=8)
    reason: str = Field(max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    moderator_id: int | None = Field(default=None, sa_column=_user_fk())
    hide_content: bool = Field(default=False)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ends_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class AppealStatus(enum.StrEnum):
    open = "open"
    granted = "granted"  # the decision is undone
    rejected = "rejected"


class Appeal(SQLModel, table=True):
    """The author contests one decision (a hide or a sanction), once; another moderator
    decides."""

    __tablename__ = "moderation_appeals"
    __table_args__ = (
        UniqueConstraint("action_id", name="uq_appeals_action"),
        CheckConstraint(
            one_of("status", tuple(s.value for s in AppealStatus)), name="ck_appeals_status"
        ),
        Index("ix_appeals_status", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(
        sa_column=Column(Integer, ForeignKey("moderation_actions.id"), nullable=False)
    )
    appellant_id: int | None = Field(default=None, sa_column=_user_fk())
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=AppealStatus.open.value, max_length=12)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, sa_column=_user_fk())
    decided_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_note: str = Field(default="", sa_column=Column(Text, nullable=False))


class WatchWord(SQLModel, table=True):
    """A word or phrase that holds matching content for review; kept by moderators."""

    __tablename__ = "moderation_watch_words"

    id: int | None = Field(default=None, primary_key=True)
    word: str = Field(max_length=WORD_MAX, unique=True)
    added_by_id: int | None = Field(default=None, sa_column=_user_fk())
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
