"""The moderation log: one row per decision, written in the decision's own transaction, and
the check that only a moderator decides."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from moderation.models import ActionKind, ModerationAction
from participation.auth import roles_of
from participation.checks import Refused
from participation.i18n import gettext
from participation.models import Role, User
from participation.notifications import notify

# Where a user reads the decisions about them and appeals.
MY_MODERATION = "/me/moderation"


def check_moderator(session: Session, user: User) -> None:
    assert user.id is not None
    if Role.moderator.value not in roles_of(session, user.id):
        raise Refused(403, gettext("Only a moderator can do this."))


def record_action(
    session: Session,
    action: ActionKind,
    *,
    moderator_id: int | None,
    content: tuple[str, int] | None = None,
    target_user_id: int | None = None,
    reason: str | None = None,
    note: str = "",
) -> ModerationAction:
    """Append a decision to the log; `moderator_id` None means the platform decided by itself."""
    entry = ModerationAction(
        action=action.value,
        moderator_id=moderator_id,
        content_type=content[0] if content else None,
        content_id=content[1] if content else None,
        target_user_id=target_user_id,
        reason=reason,
        note=note,
        automatic=moderator_id is None,
    )
    session.add(entry)
    session.flush()
    return entry


def tell(
    session: Session, user_id: int, entry: ModerationAction, message: Callable[[], str]
) -> None:
    """Notify the user a decision is about, in their language, with a link to appeal. The
    subject is the decision, not the content: a notification about hidden content would
    itself be hidden."""
    assert entry.id is not None
    notify(
        session,
        [user_id],
        kind=f"moderation.{entry.action}",
        subject="moderation_action",
        subject_id=entry.id,
        link=MY_MODERATION,
        message=message,
    )
