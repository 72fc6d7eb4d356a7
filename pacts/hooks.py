"""What pacts answer to the shell's hooks (found by `participation.features`): what they store
about people, for the privacy page, and one account's share of it, for "my data"."""

from __future__ import annotations

from sqlmodel import Session, col, or_, select

from pacts.models import Organisation, OrganisationMember, Pact, PactStep, ProgressReport
from participation.i18n import N_
from participation.privacy import (
    PUBLIC_RECORD,
    UNTIL_DELETED,
    Sections,
    StoredData,
    records,
    rows_of,
)

STORED: list[StoredData] = [
    StoredData(
        "pacts",
        N_(
            "The collaboration pacts you proposed, assessed or signed, their progress reports, "
            "and who took each step."
        ),
        N_("A pact is a public agreement between residents and the municipality."),
        PUBLIC_RECORD,
        ("pacts", "pact_progress_reports", "pact_steps"),
    ),
    StoredData(
        "organisations",
        N_("The organisations you created or belong to."),
        N_("To let you propose pacts on behalf of a group."),
        UNTIL_DELETED,
        ("organisations", "organisation_members"),
    ),
]


def personal_data(session: Session, user_id: int) -> Sections:
    pacts = session.exec(
        select(Pact)
        .where(
            or_(
                col(Pact.author_id) == user_id,
                col(Pact.assessor_id) == user_id,
                col(Pact.city_signed_by_id) == user_id,
                col(Pact.proposer_signed_by_id) == user_id,
            )
        )
        .order_by(col(Pact.id))
    )
    reports = rows_of(session, ProgressReport.author_id, user_id)
    steps = rows_of(session, PactStep.actor_id, user_id)
    created = rows_of(session, Organisation.created_by_id, user_id)
    memberships = rows_of(session, OrganisationMember.user_id, user_id)
    pact_fields = ("id", "title", "description", "status", "author_id", "created_at")
    return {
        "pacts": [
            *records(pacts, pact_fields),
            *records(reports, ("pact_id", "body", "hours", "created_at", "visibility")),
            *records(steps, ("pact_id", "kind", "status", "reason", "created_at")),
        ],
        "organisations": [
            *records(created, ("id", "name", "kind", "description", "created_at")),
            *records(memberships, ("organisation_id", "added_at")),
        ],
    }
