"""The queue's reading: oldest first, keyset pages, filters, overdue, counts per status."""

from __future__ import annotations

import datetime as dt

import pytest

from participation.database import Database
from participation.models import User
from participation.settings import Settings
from problems import handling, queue
from problems.models import ProblemCategory, ProblemReport
from tests.problems.reporting_world import add_category, report


def age(db: Database, report_id: int | None, days: float) -> None:
    """As if reported `days` ago: creation and due time move back together."""
    shift = dt.timedelta(days=days)
    with db.write() as session:
        found = session.get(ProblemReport, report_id)
        assert found is not None
        found.created_at -= shift
        found.due_at -= shift
        session.add(found)


def _page(db: Database, **fields: object) -> queue.QueuePage:
    with db.read() as session:
        return queue.queue_page(session, queue.QueueFilter(**fields), limit=2)  # type: ignore[arg-type]


def test_oldest_first_in_keyset_pages_across_departments_and_statuses(
    db: Database, settings: Settings, clerk: User, resident: User, category: ProblemCategory
) -> None:
    other = add_category(db, clerk, "graffiti", "Netheid")
    made = [report(db, settings, resident, c) for c in (category, other, category, other, category)]
    for days, found in zip((5, 4, 3, 2, 1), made, strict=True):
        age(db, found.id, days)
    with db.write() as session:
        handling.do_set_status(session, clerk, made[1].id or 0, "acknowledged", "", "")
    departments = (category.department_id, other.department_id)
    seen: list[int | None] = []
    cursor = ""
    for _ in range(5):
        page = _page(db, department_ids=departments, cursor=cursor)
        seen += [r.id for r in page.reports]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [r.id for r in made]
    assert _page(db, department_ids=departments).counts == {
        "new": 4,
        "acknowledged": 1,
        "in_progress": 0,
    }
    only_roads = _page(db, department_ids=(category.department_id,), cursor="")
    assert [r.id for r in only_roads.reports] == [made[0].id, made[2].id]
    acknowledged = _page(db, department_ids=departments, statuses=("acknowledged",))
    assert [r.id for r in acknowledged.reports] == [made[1].id]
    by_category = _page(db, department_ids=departments, category_id=other.id)
    assert [r.id for r in by_category.reports] == [made[1].id, made[3].id]


def test_overdue_reports_stand_out_and_filter(
    db: Database, settings: Settings, clerk: User, resident: User
) -> None:
    quick = add_category(db, clerk, "dumping", "Netheid", days=3)
    late = report(db, settings, resident, quick)
    fresh = report(db, settings, resident, quick)
    age(db, late.id, 4)
    page = _page(db, department_ids=(quick.department_id,))
    assert [page.is_overdue(r) for r in page.reports] == [True, False]
    overdue = _page(db, department_ids=(quick.department_id,), overdue=True)
    assert [r.id for r in overdue.reports] == [late.id]
    assert fresh.id is not None


def test_a_bad_cursor_starts_at_the_beginning(db: Database) -> None:
    assert queue.decode_cursor("x.1") is None
    assert queue.decode_cursor("1.2.3") is None
    assert _page(db, department_ids=()).reports == []


def test_counts_stop_past_the_cap(
    db: Database,
    settings: Settings,
    resident: User,
    category: ProblemCategory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(queue, "COUNT_CAP", 2)
    for _ in range(4):
        report(db, settings, resident, category)
    counts = _page(db, department_ids=(category.department_id,)).counts
    # Three means "more than two": the page shows "2+" rather than counting the backlog.
    assert counts == {"new": 3, "acknowledged": 0, "in_progress": 0}
