"""Public reads of problem reports: keyset pages in both orders, map points in a box, photos
the public may see, the timeline, and the statistics with their medians and cache."""

from __future__ import annotations

import datetime as dt

import pytest

from participation.database import Database
from participation.models import User
from participation.settings import Settings
from problems import handling, queries
from problems.models import ProblemCategory, ProblemReport
from tests.problems.reporting_world import add_category, report, with_settings


def walk(db: Database, flt: queries.ReportFilter, limit: int) -> list[int | None]:
    seen: list[int | None] = []
    cursor = ""
    for _ in range(20):
        with db.read() as session:
            page = queries.list_reports(
                session, queries.ReportFilter(**{**flt.__dict__, "cursor": cursor}), limit
            )
        seen += [r.id for r in page.reports]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor
    raise AssertionError("the pages never end")


def test_keyset_pages_open_first_and_newest(
    db: Database, settings: Settings, clerk: User, resident: User, category: ProblemCategory
) -> None:
    made = [report(db, settings, resident, category).id for _ in range(7)]
    with db.write() as session:
        for report_id in (made[1], made[4]):
            assert report_id is not None
            handling.do_set_status(session, clerk, report_id, "fixed", "")
    open_first = [made[i] for i in (6, 5, 3, 2, 0)] + [made[4], made[1]]
    for limit in (1, 2, 3, 5, 10):
        assert walk(db, queries.ReportFilter(sort="open"), limit) == open_first
        assert walk(db, queries.ReportFilter(sort="new"), limit) == list(reversed(made))


def test_merged_reports_are_not_listed(
    db: Database, settings: Settings, clerk: User, resident: User, category: ProblemCategory
) -> None:
    kept = report(db, settings, resident, category)
    duplicate = report(db, settings, resident, category)
    assert kept.id is not None
    assert duplicate.id is not None
    with db.write() as session:
        handling.do_merge(session, clerk, duplicate.id, kept.id)
    assert walk(db, queries.ReportFilter(), 5) == [kept.id]


def test_statistics_medians_and_counts(
    db: Database, settings: Settings, clerk: User, resident: User, category: ProblemCategory
) -> None:
    places = with_settings(settings, neighbourhoods=(("Zuid", 51.0, 3.7), ("Noord", 51.1, 3.7)))
    litter = add_category(db, clerk, slug="litter")
    days = [1, 2, 10]
    for number in days:
        stored = report(db, places, resident, category, latitude=51.01)
        assert stored.id is not None
        with db.write() as session:
            handling.do_set_status(session, clerk, stored.id, "fixed", "")
            fixed = session.get(ProblemReport, stored.id)
            assert fixed is not None
            assert fixed.fixed_at is not None
            fixed.created_at = fixed.fixed_at - dt.timedelta(days=number)
    report(db, places, resident, litter, latitude=51.09)
    with db.read() as session:
        stats = queries.compute_statistics(session)
    by_category = {g.key: g for g in stats.categories}
    assert by_category[str(category.id)].median_days == pytest.approx(2)
    assert (by_category[str(category.id)].count, by_category[str(category.id)].open_count) == (3, 0)
    assert by_category[str(litter.id)].median_days is None
    by_place = {g.key: (g.count, g.open_count, g.fixed_count) for g in stats.neighbourhoods}
    assert by_place == {"Zuid": (3, 0, 3), "Noord": (1, 1, 0)}
    assert (stats.total, stats.open_total) == (4, 1)


def test_statistics_are_cached_for_a_minute(
    db: Database,
    settings: Settings,
    resident: User,
    category: ProblemCategory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report(db, settings, resident, category)
    first = queries.cached_statistics(db)
    report(db, settings, resident, category)
    assert queries.cached_statistics(db) is first
    monkeypatch.setattr(queries, "STATISTICS_SECONDS", 0.0)
    queries._cache.clear()
    assert queries.cached_statistics(db).total == 2
