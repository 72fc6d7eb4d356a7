"""What the voting package does when the shell changes an account, found through
`participation.features.feature_modules("hooks")` so that the shell never imports voting."""

from __future__ import annotations

from sqlmodel import Session, col, select

from participation.database import utcnow
from participation.models import Role, User
from voting.actions import default_council
from voting.models import Mandate


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
