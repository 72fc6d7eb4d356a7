"""Ideas, their categories, photos, supports and the municipality's official answers."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from participation.database import UTCDateTime, one_of, utcnow
from participation.i18n import N_, gettext
from participation.visibility import visibility_column

TITLE_MAX = 150
BODY_MAX = 10_000


class IdeaStatus(enum.StrEnum):
    new = "new"
    under_review = "under_review"
    accepted = "accepted"
    rejected = "rejected"
    in_progress = "in_progress"
    implemented = "implemented"


STATUS_VALUES = tuple(status.value for status in IdeaStatus)

_STATUS_LABELS = {
    IdeaStatus.new: N_("New"),
    IdeaStatus.under_review: N_("Under review"),
    IdeaStatus.accepted: N_("Accepted"),
    IdeaStatus.rejected: N_("Rejected"),
    IdeaStatus.in_progress: N_("In progress"),
    IdeaStatus.implemented: N_("Implemented"),
}


def status_label(status: str) -> str:
    return gettext(_STATUS_LABELS[IdeaStatus(status)])


def _user_fk(*, nullable: bool, ondelete: str, index: bool = False) -> Column[int]:
    return Column(
        Integer, ForeignKey("users.id", ondelete=ondelete), nullable=nullable, index=index
    )


def _idea_fk() -> Column[int]:
    return Column(Integer, ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False)


class IdeaCategory(SQLModel, table=True):
    """A category the clerk manages; names in each language, retired rather than deleted."""

    __tablename__ = "idea_categories"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True)
    name_nl: str = Field(max_length=80)
    name_fr: str = Field(max_length=80)
    name_en: str = Field(max_length=80)
    active: bool = Field(default=True)

    def name(self, language: str) -> str:
        return str(getattr(self, f"name_{language}", self.name_nl))


class Idea(SQLModel, table=True):
    __tablename__ = "ideas"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUS_VALUES), name="ck_ideas_status"),
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="ck_ideas_lat"),
        CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="ck_ideas_lng"),
        CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)", name="ck_ideas_lat_lng_together"
        ),
        CheckConstraint("support_count >= 0 AND comment_count >= 0", name="ck_ideas_counts"),
        # Keyset pagination for each sort order, so no page scans or counts the table.
        Index("ix_ideas_support_order", "support_count", "id"),
        Index("ix_ideas_comment_order", "comment_count", "id"),
        Index("ix_ideas_shuffle_order", "shuffle_key", "id"),
        Index("ix_ideas_status", "status", "id"),
        Index("ix_ideas_category", "category_id", "id"),
        Index("ix_ideas_place", "latitude", "longitude"),
        Index("ix_ideas_status_support", "status", "support_count", "id"),
        Index("ix_ideas_category_support", "category_id", "support_count", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    author_id: int | None = Field(
        default=None, sa_column=_user_fk(nullable=True, ondelete="SET NULL", index=True)
    )
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(sa_column=Column(Text, nullable=False))
    category_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("idea_categories.id"), nullable=True),
    )
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)
    status: str = Field(default=IdeaStatus.new.value, max_length=20)
    support_count: int = Field(default=0)
    comment_count: int = Field(default=0)
    shuffle_key: int = Field(default=0)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    visibility: str = Field(default="public", sa_column=visibility_column("ideas"))

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class IdeaPhoto(SQLModel, table=True):
    __tablename__ = "idea_photos"
    __table_args__ = (UniqueConstraint("idea_id", "position", name="uq_idea_photos_position"),)

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(sa_column=_idea_fk())
    position: int = Field(default=0)
    name: str = Field(max_length=200)
    thumb_name: str = Field(max_length=200)
    width: int
    height: int


class Support(SQLModel, table=True):
    """One resident backs one idea; the unique constraint makes a double click harmless."""

    __tablename__ = "idea_supports"
    __table_args__ = (UniqueConstraint("idea_id", "user_id", name="uq_idea_supports_voter"),)

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(sa_column=_idea_fk())
    user_id: int = Field(sa_column=_user_fk(nullable=False, ondelete="CASCADE", index=True))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OfficialAnswer(SQLModel, table=True):
    """A step on the idea's public timeline: a clerk's answer and status, or an automatic one."""

    __tablename__ = "idea_answers"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUS_VALUES), name="ck_idea_answers_status"),
        Index("ix_idea_answers_idea", "idea_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(sa_column=_idea_fk())
    author_id: int | None = Field(
        default=None, sa_column=_user_fk(nullable=True, ondelete="SET NULL")
    )
    status: str = Field(max_length=20)
    body: str = Field(sa_column=Column(Text, nullable=False))
    automatic: bool = Field(default=False)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
