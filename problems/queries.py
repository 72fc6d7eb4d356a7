"""Reading problem reports for the public: the list (filters, open first or newest, keyset
pages), the points behind the map, one report's public view, and the statistics.

Nothing here reads who reported a problem: the public side never needs it. A report that a
moderator hid keeps its place on the map (the pothole is still there); only its description
is withheld, which the pages and the API do by checking `visibility`.
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from participation.database import Database, utcnow
from participation.paging import keyset_cursor
from problems.models import (
    OPEN_STATUSES,
    Department,
    PhotoKind,
    ProblemCategory,
    ProblemPhoto,
    ProblemReport,
    ProblemStatus,
    ProblemUpdate,
)

PAGE_SIZE = 20
SORTS = ("open", "new")
OPEN_VALUES = tuple(s.value for s in OPEN_STATUSES)
# A box smaller than this (square degrees, about 1 km by 1 km) holds few reports: the place
# index finds them. A larger one holds many, and reading newest first finds a page sooner.
SMALL_BOX = 0.0001
BBox = tuple[float, float, float, float]  # west, south, east, north


@dataclass(frozen=True)
class ReportFilter:
    category_id: int | None = None
    status: str | None = None
    neighbourhood: str | None = None
    sort: str = "open"
    cursor: str = ""


@dataclass
class ReportPage:
    reports: list[ProblemReport]
    next_cursor: str | None
    categories: dict[int, ProblemCategory] = field(default_factory=dict)


def listed() -> Any:
    """What the public lists and maps show: every report but those merged into another (the
    one they were merged into stands for them)."""
    return col(ProblemReport.merged_into_id).is_(None)


def _filtered(flt: ReportFilter) -> Any:
    statement = select(ProblemReport).where(listed())
    if flt.category_id is not None:
        statement = statement.where(ProblemReport.category_id == flt.category_id)
    if flt.status:
        statement = statement.where(ProblemReport.status == flt.status)
    if flt.neighbourhood:
        statement = statement.where(ProblemReport.neighbourhood == flt.neighbourhood)
    return statement


def _newest(
    session: Session, statement: Any, before: int | None, limit: int
) -> list[ProblemReport]:
    if before is not None:
        statement = statement.where(col(ProblemReport.id) < before)
    return list(session.exec(statement.order_by(col(ProblemReport.id).desc()).limit(limit)))


def list_reports(session: Session, flt: ReportFilter, limit: int = PAGE_SIZE) -> ReportPage:
    """Newest first, or (`open`) the open reports newest first and then the closed ones. The
    cursor is the last id shown, with the phase (0 open, 1 closed) in front for `open`."""
    base = _filtered(flt)
    if flt.sort == "new":
        after = keyset_cursor(flt.cursor, 1)
        found = _newest(session, base, after[0] if after else None, limit + 1)
        more = str(found[limit - 1].id) if len(found) > limit else None
    else:
        phase, before = keyset_cursor(flt.cursor, 2) or (0, 0)
        found = []
        while phase < 2 and len(found) <= limit:
            in_phase = col(ProblemReport.status).in_(OPEN_VALUES)
            statement = base.where(in_phase if phase == 0 else ~in_phase)
            rows = _newest(session, statement, before or None, limit + 1 - len(found))
            found += rows
            if len(found) <= limit:
                phase, before = phase + 1, 0
        more = None
        if len(found) > limit:
            last = found[limit - 1]
            more = f"{0 if last.is_open else 1}.{last.id}"
    page = ReportPage(found[:limit], more)
    page.categories = categories_by_id(session)
    return page


def categories_by_id(session: Session) -> dict[int, ProblemCategory]:
    return {c.id: c for c in session.exec(select(ProblemCategory)) if c.id is not None}


def neighbourhood_names(places: tuple[tuple[str, float, float], ...]) -> list[str]:
    return sorted(name for name, _lat, _lng in places)


def map_points(
    session: Session, flt: ReportFilter, box: BBox | None, limit: int, before: int | None
) -> list[ProblemReport]:
    """Reports in the box (all without one), newest first, `limit` of them before the id
    `before`. A small box reads the place index; a large one, newest first by id, where the
    `+ 0` keeps the planner from the place index, which would read every report in it."""
    statement = _filtered(flt)
    if box is not None:
        west, south, east, north = box
        latitude: Any = col(ProblemReport.latitude)
        if (north - south) * (east - west) >= SMALL_BOX:
            latitude = latitude + 0
        statement = statement.where(
            latitude.between(south, north), col(ProblemReport.longitude).between(west, east)
        )
    return _newest(session, statement, before, limit)


def public_photos(session: Session, report_ids: list[int]) -> dict[int, list[ProblemPhoto]]:
    """The photos the public may see, per report: the reporter's once a clerk checked them,
    and the department's photos of the fix."""
    if not report_ids:
        return {}
    statement = (
        select(ProblemPhoto)
        .where(
            col(ProblemPhoto.report_id).in_(report_ids),
            col(ProblemPhoto.public) | (col(ProblemPhoto.kind) == PhotoKind.fix.value),
        )
        .order_by(col(ProblemPhoto.report_id), col(ProblemPhoto.id))
    )
    found: dict[int, list[ProblemPhoto]] = {}
    for photo in session.exec(statement):
        found.setdefault(photo.report_id, []).append(photo)
    return found


@dataclass(frozen=True)
class TimelineStep:
    kind: str
    status: str | None
    note: str
    department: str | None
    created_at: dt.datetime


def timeline_of(session: Session, report_id: int) -> list[TimelineStep]:
    """The public steps, oldest first; staff show as their department, never by name."""
    statement = (
        select(ProblemUpdate, Department.name)
        .join(Department, col(Department.id) == col(ProblemUpdate.department_id), isouter=True)
        .where(ProblemUpdate.report_id == report_id)
        .order_by(col(ProblemUpdate.id))
    )
    return [
        TimelineStep(update.kind, update.status, update.note, name, update.created_at)
        for update, name in session.exec(statement)
    ]


def is_overdue(report: ProblemReport, now: dt.datetime | None = None) -> bool:
    return report.is_open and report.due_at < (now or utcnow())


# --- statistics ---------------------------------------------------------------------------

# The median time to fix is taken over the most recently created fixed reports of each group,
# at most this many: exact for most groups, and bounded work for the busiest.
MEDIAN_SAMPLE = 1_000
STATISTICS_SECONDS = 60.0


@dataclass(frozen=True)
class GroupStatistics:
    key: str  # a category id (as text) or a neighbourhood name
    count: int
    open_count: int
    fixed_count: int
    median_days: float | None


@dataclass(frozen=True)
class Statistics:
    categories: list[GroupStatistics]
    neighbourhoods: list[GroupStatistics]
    total: int
    open_total: int
    computed_at: dt.datetime


def _days(created: dt.datetime, fixed: dt.datetime) -> float:
    if created.tzinfo is None:  # SQLite gives naive UTC back for some expressions
        created = created.replace(tzinfo=dt.UTC)
    if fixed.tzinfo is None:
        fixed = fixed.replace(tzinfo=dt.UTC)
    return (fixed - created).total_seconds() / 86_400


def _groups(session: Session, column: Any) -> list[GroupStatistics]:
    """Counts per group and status from the (group, status) index alone, then per group a
    bounded sample of fixed reports for the median."""
    counts: dict[Any, dict[str, int]] = {}
    statement = select(column, ProblemReport.status, func.count()).group_by(
        column, ProblemReport.status
    )
    for key, status, count in session.exec(statement):
        counts.setdefault(key, {})[status] = count
    groups = []
    for key, by_status in counts.items():
        sample = session.exec(
            select(ProblemReport.created_at, ProblemReport.fixed_at)
            .where(column == key, ProblemReport.status == ProblemStatus.fixed.value)
            .order_by(col(ProblemReport.id).desc())
            .limit(MEDIAN_SAMPLE)
        ).all()
        days = [_days(created, fixed) for created, fixed in sample if fixed is not None]
        groups.append(
            GroupStatistics(
                key=str(key),
                count=sum(by_status.values()),
                open_count=sum(by_status.get(s, 0) for s in OPEN_VALUES),
                fixed_count=by_status.get(ProblemStatus.fixed.value, 0),
                median_days=stats.median(days) if days else None,
            )
        )
    return groups


def compute_statistics(session: Session) -> Statistics:
    categories = _groups(session, col(ProblemReport.category_id))
    return Statistics(
        categories=categories,
        neighbourhoods=_groups(session, col(ProblemReport.neighbourhood)),
        total=sum(g.count for g in categories),
        open_total=sum(g.open_count for g in categories),
        computed_at=utcnow(),
    )


class _Cached:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value: Statistics | None = None
        self.expires = 0.0


_cache: weakref.WeakKeyDictionary[Database, _Cached] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def cached_statistics(db: Database) -> Statistics:
    """The statistics, computed at most once a minute per database and process: they read
    every group's counts, which costs tens of milliseconds at 200,000 reports, and nobody
    needs them to the second. Concurrent requests wait for one computation."""
    with _cache_lock:
        entry = _cache.setdefault(db, _Cached())
    with entry.lock:
        if entry.value is None or time.monotonic() >= entry.expires:
            with db.read() as session:
                entry.value = compute_statistics(session)
            entry.expires = time.monotonic() + STATISTICS_SECONDS
        return entry.value
