"""Cases: one per piece of content, counted by SQL arithmetic, reopened by a later report."""

from __future__ import annotations

import threading

from sqlmodel import select

from moderation import cases
from moderation.models import ModerationCase, ReportStatus
from participation.database import Database
from participation.models import User
from tests.moderation.conftest import NOTE, at_once, make_residents, post_note, report


def test_open_case_is_idempotent_and_counts_by_sql(
    db: Database, resident: User, note_type: object
) -> None:
    note_id = post_note(db, resident)
    with db.write() as session:
        first = cases.open_case(session, NOTE, note_id, resident.id)
        again = cases.open_case(session, NOTE, note_id, resident.id)
        assert first.id == again.id
        counted = cases.count_report(session, again, "spam")
        counted = cases.count_report(session, counted, "insult")
    assert (counted.open_reports, counted.last_reason, counted.author_id) == (
        2,
        "insult",
        resident.id,
    )
    with db.read() as session:
        assert len(session.exec(select(ModerationCase)).all()) == 1


def test_a_closed_case_reopens_as_new(db: Database, resident: User, note_type: object) -> None:
    note_id = post_note(db, resident)
    with db.write() as session:
        case = cases.count_report(session, cases.open_case(session, NOTE, note_id, None), "spam")
        cases.close_case(session, case)
    assert (case.status, case.open_reports) == ("closed", 0)
    with db.write() as session:
        reopened = cases.open_case(session, NOTE, note_id, None)
    assert (reopened.status, reopened.closed_at) == ("open", None)
    assert reopened.opened_at > case.opened_at


def test_resolve_reports_answers_the_open_ones(
    db: Database, resident: User, note_type: object
) -> None:
    note_id = post_note(db, resident)
    for user in make_residents(db, 2):
        report(db, user, NOTE, note_id)
    with db.write() as session:
        assert cases.resolve_reports(session, NOTE, note_id, ReportStatus.upheld) == 2
        assert cases.resolve_reports(session, NOTE, note_id, ReportStatus.dismissed) == 0


def test_concurrent_open_case_makes_one(db: Database, resident: User, note_type: object) -> None:
    """On PostgreSQL both transactions insert at once; the conflict is ignored, not an error."""
    note_id = post_note(db, resident)
    parallel = db.dialect == "postgresql"
    barrier = threading.Barrier(2, timeout=10)

    def run() -> None:
        with db.write() as session:
            if parallel:
                session.exec(select(ModerationCase.id)).first()
                barrier.wait()
            cases.count_report(session, cases.open_case(session, NOTE, note_id, None), "spam")

    at_once(run, run)
    with db.read() as session:
        (case,) = session.exec(select(ModerationCase)).all()
    assert case.open_reports == 2
