"""Departments and the categories they handle, problem reports, their photos (public only once a
clerk checked them), "me too" supporters, and the public timeline of each report."""

from __future__ import annotations

import datetime as dt
import enum
from functools import cache

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from participation.database import UTCDateTime, one_of, utcnow
from participation.i18n import current_language, pgettext
from participation.visibility import visibility_column

DESCRIPTION_MAX = 4_000
NOTE_MAX = 2_000
NAME_MAX = 80


class ProblemStatus(enum.StrEnum):
    new = "new"
    acknowledged = "acknowledged"
    in_progress = "in_progress"
    fixed = "fixed"
    not_ours = "not_ours"  # another authority handles it: the note says which (a referral)
    rejected = "rejected"  # with a reason


class Contact(enum.StrEnum):
    none = "none"  # only the notifications on the platform
    email = "email"  # the department may write to the reporter


class PhotoKind(enum.StrEnum):
    report = "report"  # from the reporter; public once a clerk checked it
    fix = "fix"  # from the department, showing the fix; public at once


STATUS_VALUES = tuple(status.value for status in ProblemStatus)
# Statuses in which a report is still to be handled (and counts as "open" for "me too").
OPEN_STATUSES = (ProblemStatus.new, ProblemStatus.acknowledged, ProblemStatus.in_progress)
CLOSED_STATUSES = (ProblemStatus.fixed, ProblemStatus.not_ours, ProblemStatus.rejected)


@cache
def _status_labels(language: str) -> dict[str, str]:
    """The statuses' names in `language` (the current one), said of a report: in French a
    report (un signalement) is masculine where an idea is feminine (“Nouveau”, not “Nouvelle”)."""
    return {
        ProblemStatus.new: pgettext("problem report", "New"),
        ProblemStatus.acknowledged: pgettext("problem report", "Acknowledged"),
        ProblemStatus.in_progress: pgettext("problem report", "Being fixed"),
        ProblemStatus.fixed: pgettext("problem report", "Fixed"),
        ProblemStatus.not_ours: pgettext("problem report", "Referred elsewhere"),
        ProblemStatus.rejected: pgettext("problem report", "Not handled"),
    }


def status_label(status: str) -> str:
    return _status_labels(current_language())[status]


def _values(kind: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column[int]:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable)


class Department(SQLModel, table=True):
    """A municipal service that handles reports (roads, green space, cleaning)."""

    __tablename__ = "departments"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX, unique=True)
    email: str = Field(default="", max_length=254)
    active: bool = Field(default=True)


class DepartmentWorker(SQLModel, table=True):
    """A user who works in a department and handles its queue (besides clerks, who handle all)."""

    __tablename__ = "department_workers"
    __table_args__ = (
        UniqueConstraint("department_id", "user_id", name="uq_department_workers_user"),
    )

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(sa_column=_fk("departments.id"))
    user_id: int = Field(sa_column=_fk("users.id"))


class ProblemCategory(SQLModel, table=True):
    """A kind of problem the clerk manages, routed to a department with a handling time."""

    __tablename__ = "problem_categories"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True)
    name_nl: str = Field(max_length=NAME_MAX)
    name_fr: str = Field(max_length=NAME_MAX)
    name_en: str = Field(max_length=NAME_MAX)
    department_id: int = Field(sa_column=_fk("departments.id", ondelete="RESTRICT"))
    handling_days: int = Field(default=14)
    active: bool = Field(default=True)

    def name(self, language: str) -> str:
        return str(getattr(self, f"name_{language}", self.name_nl))


class ProblemReport(SQLModel, table=True):
    """One reported problem. `author_id` is never shown in public; an anonymous report has
    none. `due_at` is the creation time plus the category's handling time; a report merged
    into another points to it and is closed."""

    __tablename__ = "problem_reports"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUS_VALUES), name="ck_problem_reports_status"),
        CheckConstraint(one_of("contact", _values(Contact)), name="ck_problem_reports_contact"),
        CheckConstraint("latitude BETWEEN -90 AND 90", name="ck_problem_reports_lat"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="ck_problem_reports_lng"),
        # The department's queue: open reports, oldest first.
        Index("ix_problem_reports_queue", "department_id", "status", "created_at", "id"),
        Index("ix_problem_reports_place", "latitude", "longitude"),
        Index("ix_problem_reports_category", "category_id", "status"),
        # The statistics per neighbourhood: counts from the index alone.
        Index("ix_problem_reports_neighbourhood", "neighbourhood", "status"),
        Index("ix_problem_reports_author", "author_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(sa_column=_fk("problem_categories.id", ondelete="RESTRICT"))
    department_id: int = Field(sa_column=_fk("departments.id", ondelete="RESTRICT"))
    author_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    latitude: float
    longitude: float
    address: str = Field(default="", max_length=200)
    neighbourhood: str = Field(default="", max_length=NAME_MAX)
    contact: str = Field(default=Contact.none.value, max_length=10)
    status: str = Field(default=ProblemStatus.new.value, max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))  # the latest public note
    me_too_count: int = Field(default=0)
    merged_into_id: int | None = Field(
        default=None, sa_column=_fk("problem_reports.id", nullable=True, ondelete="SET NULL")
    )
    # The reporter's one answer to "fixed": True confirmed, False reopened, None not yet.
    reporter_confirmed: bool | None = Field(default=None)
    visibility: str = Field(sa_column=visibility_column("problem_reports"))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    due_at: dt.datetime = Field(sa_type=UTCDateTime)
    fixed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProblemPhoto(SQLModel, table=True):
    __tablename__ = "problem_photos"
    __table_args__ = (
        CheckConstraint(one_of("kind", _values(PhotoKind)), name="ck_problem_photos_kind"),
        Index("ix_problem_photos_report", "report_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(sa_column=_fk("problem_reports.id"))
    kind: str = Field(default=PhotoKind.report.value, max_length=10)
    name: str = Field(max_length=200)
    thumb_name: str = Field(max_length=200)
    width: int
    height: int
    # A reporter's photo may show people or number plates: public only once a clerk approved it.
    public: bool = Field(default=False)
    checked_by_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
    checked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class MeToo(SQLModel, table=True):
    """A resident has the same problem: counted once, and they follow the report."""

    __tablename__ = "problem_me_too"
    __table_args__ = (UniqueConstraint("report_id", "user_id", name="uq_problem_me_too_user"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(sa_column=_fk("problem_reports.id"))
    user_id: int = Field(sa_column=_fk("users.id"))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProblemUpdate(SQLModel, table=True):
    """A step on the report's public timeline: a status with its note, a reassignment, a
    merge, the reporter's confirmation or reopening."""

    __tablename__ = "problem_updates"
    __table_args__ = (Index("ix_problem_updates_report", "report_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(sa_column=_fk("problem_reports.id"))
    kind: str = Field(max_length=20)  # status, reassigned, merged, confirmed, reopened
    status: str | None = Field(default=None, max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    department_id: int | None = Field(
        default=None, sa_column=_fk("departments.id", nullable=True, ondelete="SET NULL")
    )
    # Staff who acted are named in public as their department, never as a person.
    actor_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
