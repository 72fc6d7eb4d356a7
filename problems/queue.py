"""Reading the department queue: reports to handle, oldest first, in keyset pages.

Every query walks `ix_problem_reports_queue` (department, status, created_at, id): one
ordered range per department and status, each cut at the page size, merged by the database.
No page counts rows or skips them with OFFSET, so a queue of 200,000 reports reads a page as
fast as a queue of twenty. The counts per status stop at COUNT_CAP ("1000+"): past that a
handler needs the filters, not the exact number, and counting a backlog row by row would make
every page slower as the backlog grows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, literal, tuple_, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from participation.database import UTCDateTime, utcnow
from problems.models import OPEN_STATUSES, Department, ProblemCategory, ProblemReport

PAGE_SIZE = 25
COUNT_CAP = 1000
OPEN = tuple(status.value for status in OPEN_STATUSES)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class QueueFilter:
    department_ids: tuple[int, ...]
    statuses: tuple[str, ...] = OPEN
    category_id: int | None = None
    overdue: bool = False
    cursor: str = ""


@dataclass
class QueuePage:
    reports: list[ProblemReport]
    next_cursor: str | None
    now: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)
    categories: dict[int, ProblemCategory] = field(default_factory=dict)
    departments: dict[int, Department] = field(default_factory=dict)

    def is_overdue(self, report: ProblemReport) -> bool:
        return is_overdue(report, self.now)


def is_overdue(report: ProblemReport, now: dt.datetime) -> bool:
    """Still open after the category's handling time."""
    return report.status in OPEN and report.due_at < now


def encode_cursor(report: ProblemReport) -> str:
    micros = (report.created_at - _EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}.{report.id}"


def decode_cursor(raw: str) -> tuple[dt.datetime, int] | None:
    pieces = raw.split(".")
    if len(pieces) != 2 or not all(p.isdigit() and len(p) <= 19 for p in pieces):
        return None
    return _EPOCH + dt.timedelta(microseconds=int(pieces[0])), int(pieces[1])


def _ranges(flt: QueueFilter, now: dt.datetime, limit: int) -> list[Any]:
    """One ordered, cut range of the index per department and status."""
    after = decode_cursor(flt.cursor)
    reports = ProblemReport.__table__  # type: ignore[attr-defined]
    parts = []
    for department_id in flt.department_ids:
        for status in flt.statuses:
            part = sa_select(reports.c.id, reports.c.created_at).where(
                reports.c.department_id == department_id, reports.c.status == status
            )
            if flt.category_id is not None:
                part = part.where(reports.c.category_id == flt.category_id)
            if flt.overdue:
                part = part.where(reports.c.due_at < literal(now, UTCDateTime()))
            if after is not None:
                position = tuple_(reports.c.created_at, reports.c.id)
                part = part.where(
                    position > tuple_(literal(after[0], UTCDateTime()), literal(after[1]))
                )
            order = (reports.c.created_at, reports.c.id)
            parts.append(part.order_by(*order).limit(limit).subquery().select())
    return parts


def queue_page(session: Session, flt: QueueFilter, limit: int = PAGE_SIZE) -> QueuePage:
    now = utcnow()
    if not flt.department_ids or not flt.statuses:
        return QueuePage([], None, now)
    parts = _ranges(flt, now, limit + 1)
    merged = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    ids_statement = (
        sa_select(merged.c.id).order_by(merged.c.created_at, merged.c.id).limit(limit + 1)
    )
    ids = list(session.execute(ids_statement).scalars())
    found = session.exec(select(ProblemReport).where(col(ProblemReport.id).in_(ids))).all()
    by_id = {report.id: report for report in found}
    reports = [by_id[report_id] for report_id in ids if report_id in by_id]
    next_cursor = encode_cursor(reports[limit - 1]) if len(reports) > limit else None
    page = QueuePage(reports[:limit], next_cursor, now)
    page.counts = status_counts(session, flt.department_ids)
    page.categories = {
        c.id: c
        for c in session.exec(
            select(ProblemCategory).where(
                col(ProblemCategory.id).in_({r.category_id for r in page.reports})
            )
        )
        if c.id is not None
    }
    page.departments = {
        d.id: d
        for d in session.exec(
            select(Department).where(
                col(Department.id).in_({r.department_id for r in page.reports})
            )
        )
        if d.id is not None
    }
    return page


def status_counts(session: Session, department_ids: tuple[int, ...]) -> dict[str, int]:
    """Open reports per status in these departments, each counted no further than
    COUNT_CAP + 1 (shown as "1000+"): one bounded range of the queue index per status."""
    reports = ProblemReport.__table__  # type: ignore[attr-defined]
    counts = {}
    for status in OPEN:
        capped = (
            sa_select(reports.c.id)
            .where(reports.c.department_id.in_(department_ids), reports.c.status == status)
            .limit(COUNT_CAP + 1)
            .subquery()
        )
        counts[status] = int(
            session.execute(sa_select(func.count()).select_from(capped)).scalar_one()
        )
    return counts
