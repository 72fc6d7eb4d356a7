"""What problem reports answer to the shell's hooks (found by `participation.features`): what
they store about people, one account's share of it, and what erasing an account clears."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from participation.i18n import N_
from participation.privacy import (
    PUBLIC_RECORD,
    UNTIL_DELETED,
    Sections,
    StoredData,
    records,
    rows_of,
)
from problems.models import (
    Contact,
    DepartmentWorker,
    MeToo,
    ProblemPhoto,
    ProblemReport,
    ProblemUpdate,
)

STORED: list[StoredData] = [
    StoredData(
        "problem_reports",
        N_(
            "The problems you reported (your name is never shown with them), whether the "
            'department may email you about them, and the reports you said "me too" to.'
        ),
        N_("To have the problem fixed and to keep you informed."),
        PUBLIC_RECORD,
        ("problem_reports", "problem_me_too"),
    ),
    StoredData(
        "problem_handling",
        N_(
            "For staff: the departments you work for, and who handled a report or checked "
            "its photos."
        ),
        N_("The municipality answers for how it handles reports."),
        UNTIL_DELETED,
        ("department_workers", "problem_updates", "problem_photos"),
    ),
]


def personal_data(session: Session, user_id: int) -> Sections:
    reports = rows_of(session, ProblemReport.author_id, user_id)
    me_too = rows_of(session, MeToo.user_id, user_id)
    departments = rows_of(session, DepartmentWorker.user_id, user_id)
    updates = rows_of(session, ProblemUpdate.actor_id, user_id)
    photos = rows_of(session, ProblemPhoto.checked_by_id, user_id)
    report_fields = (
        "id",
        "description",
        "address",
        "latitude",
        "longitude",
        "contact",
        "status",
        "created_at",
        "visibility",
    )
    return {
        "problem_reports": [
            *records(reports, report_fields),
            *records(me_too, ("report_id", "created_at")),
        ],
        "problem_handling": [
            *records(departments, ("department_id",)),
            *records(updates, ("report_id", "kind", "status", "note", "created_at")),
            *records(photos, ("report_id", "public", "checked_at")),
        ],
    }


def erase_user(session: Session, user_id: int) -> None:
    """The department can no longer write to an erased reporter: no email to write to."""
    session.execute(
        update(ProblemReport)
        .where(col(ProblemReport.author_id) == user_id)
        .values(contact=Contact.none.value)
    )
