"""A resident's public name as user content: a moderator can hide a name that insults or
exposes someone, and every page then shows a placeholder in its place.

Pages that show residents' names take them from `public_names`, never from `User` directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from participation.content import ContentType, register
from participation.i18n import gettext
from participation.models import User
from participation.visibility import Visibility

CONTENT_TYPE = "profile"


def hidden_name() -> str:
    return gettext("Name hidden by moderation")


def public_names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's name as the public may see it."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    rows = session.exec(
        select(User.id, User.display_name, User.visibility).where(col(User.id).in_(wanted))
    )
    return {
        user_id: name if visibility == Visibility.public else hidden_name()
        for user_id, name, visibility in rows
        if user_id is not None
    }


def _name(session: Session, user_id: int) -> str | None:
    user = session.get(User, user_id)
    return user.display_name if user else None


register(
    ContentType(
        name=CONTENT_TYPE,
        label=lambda: gettext("name"),
        title=_name,
        # No public profile page: moderators see the account and its history here.
        url=lambda user_id: f"/moderation/users/{user_id}",
        model=User,
        text=lambda session, user_id: _name(session, user_id) or "",
    )
)
