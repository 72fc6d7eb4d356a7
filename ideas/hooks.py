"""What ideas answer to the shell's hooks (found by `participation.features`): what they store
about people, for the privacy page, and one account's share of it, for "my data"."""

from __future__ import annotations

from sqlmodel import Session

from ideas.models import Idea, OfficialAnswer, Support
from participation.i18n import N_
from participation.privacy import PUBLIC_RECORD, Sections, StoredData, records, rows_of

STORED: list[StoredData] = [
    StoredData(
        "ideas",
        N_("The ideas you proposed, with their place on the map and their photos."),
        N_("They are public proposals to the municipality."),
        PUBLIC_RECORD,
        ("ideas",),
    ),
    StoredData(
        "idea_supports",
        N_("Which ideas you support."),
        N_("To count each person's support once; the count is public, who supports is not."),
        N_(
            "Until you withdraw your support or delete your account; the idea's count stays "
            "as it was."
        ),
        ("idea_supports",),
    ),
    StoredData(
        "idea_answers",
        N_("Official answers to ideas, with the staff member who wrote them."),
        N_("The municipality answers for what it decides."),
        PUBLIC_RECORD,
        ("idea_answers",),
    ),
]


def personal_data(session: Session, user_id: int) -> Sections:
    ideas = rows_of(session, Idea.author_id, user_id)
    supports = rows_of(session, Support.user_id, user_id)
    answers = rows_of(session, OfficialAnswer.author_id, user_id)
    idea_fields = (
        "id",
        "title",
        "body",
        "status",
        "latitude",
        "longitude",
        "created_at",
        "updated_at",
        "withdrawn_at",
        "visibility",
    )
    return {
        "ideas": records(ideas, idea_fields),
        "idea_supports": records(supports, ("idea_id", "created_at")),
        "idea_answers": records(answers, ("idea_id", "status", "body", "created_at")),
    }
