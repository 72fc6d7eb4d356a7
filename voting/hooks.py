"""What the voting package does when the shell changes an account, found through
`participation.features.feature_modules("hooks")` so that the shell never imports voting."""

from __future__ import annotations

from sqlmodel import Session, col, or_, select

from participation.database import utcnow
from participation.i18n import N_
from participation.models import Role, User
from participation.privacy import PUBLIC_RECORD, Sections, StoredData, records, rows_of
from voting.actions import default_council
from voting.models import (
    AdvisoryBallot,
    AdvisoryVote,
    Attendance,
    CouncilQuestion,
    CouncilVote,
    Mandate,
    Meeting,
)

STORED: list[StoredData] = [
    StoredData(
        "advisory_votes",
        N_(
            "Your advisory votes. While a vote is open, a keyed fingerprint of your email "
            "address is kept with it, so that nobody can vote twice by registering again."
        ),
        N_("To count each resident once; the results show totals only, never who voted what."),
        N_(
            "The fingerprint until the vote closes. The vote itself keeps counting when you "
            "delete your account, without any link to you."
        ),
        ("advisory_votes",),
    ),
    StoredData(
        "council",
        N_(
            "For council members: your mandates (name and political group), your council "
            "votes, and your presence at meetings."
        ),
        N_("A council member's votes are public record."),
        N_("Permanently, with the mandate, also when you delete your account."),
        ("mandates", "council_votes", "attendances", "meetings"),
    ),
    StoredData(
        "council_questions",
        N_("The questions you asked the council, with your reaction to the answer."),
        N_("A question to the council is answered in a public session."),
        PUBLIC_RECORD,
        ("council_questions",),
    ),
]


def on_role_granted(session: Session, user: User, role: Role) -> None:
    """A council member sits on the municipal council (DESIGN.md): granting the role gives a
    mandate from today, unless the account holds one there that has not ended, current or
    entered by the clerk to start later (two would count the one seat twice)."""
    if role != Role.council_member:
        return
    assert user.id is not None
    council = default_council(session)
    assert council.id is not None
    # Mandates are counted on UTC dates, as `voting.actions` counts them on a meeting's day.
    today = utcnow().date()
    held = session.exec(
        select(Mandate.id).where(
            Mandate.council_id == council.id,
            Mandate.user_id == user.id,
            col(Mandate.ends_on).is_(None) | (col(Mandate.ends_on) >= today),
        )
    ).first()
    if held is None:
        session.add(
            Mandate(
                council_id=council.id,
                user_id=user.id,
                member_name=user.display_name,
                starts_on=today,
            )
        )


def personal_data(session: Session, user_id: int) -> Sections:
    advice = session.exec(
        select(AdvisoryVote, AdvisoryBallot.item_id)
        .join(AdvisoryBallot, col(AdvisoryBallot.id) == col(AdvisoryVote.ballot_id))
        .where(AdvisoryVote.voter_id == user_id)
        .order_by(col(AdvisoryVote.id))
    ).all()
    mandates = list(rows_of(session, Mandate.user_id, user_id))
    seats = [m.id for m in mandates]
    votes = session.exec(
        select(CouncilVote)
        .where(col(CouncilVote.mandate_id).in_(seats))
        .order_by(col(CouncilVote.id))
    )
    present = session.exec(
        select(Attendance).where(col(Attendance.mandate_id).in_(seats)).order_by(col(Attendance.id))
    )
    chaired = session.exec(
        select(Meeting).where(
            or_(col(Meeting.chair_id) == user_id, col(Meeting.secretary_id) == user_id)
        )
    )
    questions = rows_of(session, CouncilQuestion.author_id, user_id)
    question_fields = (
        "id",
        "title",
        "question",
        "explanation",
        "status",
        "name_shown",
        "answer",
        "reaction",
        "created_at",
    )
    mandate_fields = ("id", "member_name", "political_group", "starts_on", "ends_on")
    return {
        "advisory_votes": [
            {"item_id": item_id, "choice": vote.choice, **records([vote], ("cast_at",))[0]}
            for vote, item_id in advice
        ],
        "council": [
            *records(mandates, mandate_fields),
            *records(votes, ("ballot_id", "mandate_id", "choice", "cast_at", "changed_at")),
            *records(present, ("meeting_id", "checked_in_at")),
            *records(chaired, ("id", "title", "starts_at")),
        ],
        "council_questions": records(questions, question_fields),
    }
