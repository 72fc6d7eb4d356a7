"""The demo's problem reports: loaded through the actions, in every status, and idempotent."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from participation.database import Database
from participation.demo import load_demo
from participation.settings import Settings
from problems import demo
from problems.models import (
    STATUS_VALUES,
    Department,
    ProblemCategory,
    ProblemReport,
    ProblemUpdate,
)
from problems.queue import is_overdue


def _counts(db: Database) -> tuple[int, ...]:
    with db.read() as session:
        return tuple(
            int(session.exec(select(func.count()).select_from(table)).one())
            for table in (Department, ProblemCategory, ProblemReport, ProblemUpdate)
        )


def test_the_demo_loads_once_with_every_status(db: Database, settings: Settings) -> None:
    load_demo(db)  # the accounts, and every feature's demo (problems included)
    first = _counts(db)
    demo.load(db, settings)
    assert _counts(db) == first
    assert first[:3] == (3, 6, len(demo.REPORTS))
    with db.read() as session:
        reports = list(session.exec(select(ProblemReport)).all())
    assert {r.status for r in reports} == set(STATUS_VALUES)
    assert any(r.merged_into_id for r in reports)
    assert any(r.reporter_confirmed is True for r in reports)
    assert any(r.reporter_confirmed is False for r in reports)
    now = max(r.created_at for r in reports)
    assert any(is_overdue(r, now) for r in reports)
    assert all(
        r.note for r in reports if r.status in ("not_ours", "rejected") and not r.merged_into_id
    )
    assert col(ProblemReport.id) is not None
