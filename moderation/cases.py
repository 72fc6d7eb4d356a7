"""A case puts one piece of content in the moderators' queue, with its open reports counted.

The count changes by SQL arithmetic in the transaction that adds or resolves reports, never by
reading and writing it back, so that concurrent reports all count; the case row itself is
created with an insert that ignores a conflict, so that two first reports at once end in one
case.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from moderation.models import CaseStatus, ModerationCase, Report, ReportStatus
from participation.database import utcnow


def case_of(session: Session, content_type: str, content_id: int) -> ModerationCase | None:
    return session.exec(
        select(ModerationCase)
        .where(ModerationCase.content_type == content_type, ModerationCase.content_id == content_id)
        .execution_options(populate_existing=True)
    ).first()


def open_case(
    session: Session, content_type: str, content_id: int, author_id: int | None
) -> ModerationCase:
    """The content's case, opened (or reopened) now if it was not open; the caller changes
    `open_reports` in the same transaction (see `count_report`)."""
    now = utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(ModerationCase)
        .values(
            content_type=content_type,
            content_id=content_id,
            author_id=author_id,
            status=CaseStatus.open.value,
            open_reports=0,
            opened_at=now,
        )
        .on_conflict_do_nothing(index_elements=["content_type", "content_id"])
    )
    # A closed case comes back to the queue as new: its age counts from now.
    session.execute(
        update(ModerationCase)
        .where(
            col(ModerationCase.content_type) == content_type,
            col(ModerationCase.content_id) == content_id,
            col(ModerationCase.status) == CaseStatus.closed.value,
        )
        .values(status=CaseStatus.open.value, open_reports=0, opened_at=now, closed_at=None)
    )
    case = case_of(session, content_type, content_id)
    assert case is not None  # inserted above, or there already
    return case


def count_report(session: Session, case: ModerationCase, reason: str) -> ModerationCase:
    """One more open report on the case, whose reason becomes the case's latest."""
    session.execute(
        update(ModerationCase)
        .where(col(ModerationCase.id) == case.id)
        .values(open_reports=col(ModerationCase.open_reports) + 1, last_reason=reason)
    )
    found = case_of(session, case.content_type, case.content_id)
    assert found is not None
    return found


def resolve_reports(
    session: Session, content_type: str, content_id: int, status: ReportStatus
) -> int:
    """Mark the content's open reports upheld or dismissed; how many there were."""
    result = session.execute(
        update(Report)
        .where(
            col(Report.content_type) == content_type,
            col(Report.content_id) == content_id,
            col(Report.status) == ReportStatus.open.value,
        )
        .values(status=status.value, resolved_at=utcnow())
    )
    return int(cast(CursorResult[Any], result).rowcount)


def close_case(session: Session, case: ModerationCase) -> None:
    case.status = CaseStatus.closed.value
    case.open_reports = 0
    case.closed_at = utcnow()
    session.add(case)
