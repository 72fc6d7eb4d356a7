"""Demo moderation for Demostad: two moderators, a few open reports on demo ideas and comments,
a comment hidden for an insult, and its author muted for a week.

Built through the actions residents and moderators use, on the content the other demos made
(found through the content registry, never by importing a feature). Loading twice changes
nothing: a second load finds the second demo moderator and stops.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from moderation import actions, sanctions
from moderation.forms import ActionDraft, ContentAction, ReportDraft
from moderation.models import SanctionKind
from participation.actions import do_create_user, user_by_email
from participation.content import moderatable
from participation.database import Database
from participation.demo import DEMO_PASSWORD
from participation.features import feature_modules
from participation.models import Role, User
from participation.visibility import Reason, Visibility

MODERATORS = (
    ("moderator@demostad.example", "Mo Moderator"),
    ("moderator2@demostad.example", "Mia Moderator"),
)
REPORTERS = tuple(f"buur{number}@demostad.example" for number in range(1, 13))
# (content type, which of its public pieces by id, reason, details, how many reporters)
REPORTS = (
    ("idea", 0, Reason.spam, "Dit lijkt reclame voor een winkel.", 2),
    ("idea", 3, Reason.off_topic, "", 1),
    ("comment", 1, Reason.insult, "Onvriendelijke toon tegenover de buren.", 3),
)
HIDDEN_NOTE = "Persoonlijke aanval op een buurtbewoner."
MUTE_NOTE = "Blijf vriendelijk, ook als je het oneens bent. Je kunt een week niet reageren."
MUTE_DAYS = 7


def _moderator(session: Session, email: str, name: str) -> User:
    found = user_by_email(session, email)
    if found is not None:
        return found
    return do_create_user(
        session,
        email=email,
        display_name=name,
        password=DEMO_PASSWORD,
        roles=(Role.moderator,),
        verified=True,
    )


def _public_ids(session: Session, type_name: str, limit: int = 10) -> list[tuple[int, int]]:
    """(id, author id) of the first public pieces of a content type, oldest first."""
    kind = moderatable(type_name)
    if kind is None:
        return []
    model: Any = kind.model
    rows = session.exec(
        select(model.id, model.author_id)
        .where(model.visibility == Visibility.public.value, col(model.author_id).is_not(None))
        .order_by(model.id)
        .limit(limit)
    ).all()
    return [(content_id, author_id) for content_id, author_id in rows]


def _report(
    session: Session, type_name: str, found: tuple[int, int], reason: Reason, details: str, n: int
) -> None:
    content_id, author_id = found
    reporters = [
        user
        for email in REPORTERS
        if (user := user_by_email(session, email)) is not None and user.id != author_id
    ]
    for reporter in reporters[:n]:
        draft = ReportDraft(type_name, content_id, reason.value, details)
        actions.do_report(session, reporter, draft, auto_hide_at=0)


def _already_loaded(db: Database) -> bool:
    """The second demo moderator is made in the same transaction as everything else here."""
    with db.read() as session:
        return user_by_email(session, MODERATORS[1][0]) is not None


def load(db: Database) -> None:
    feature_modules("content")  # the content types, registered also outside the app
    if _already_loaded(db):
        return
    with db.write() as session:
        moderator, _second = (_moderator(session, email, name) for email, name in MODERATORS)
        for type_name, index, reason, details, reporters in REPORTS:
            found = _public_ids(session, type_name)
            if index < len(found):
                _report(session, type_name, found[index], reason, details, reporters)
        comments = _public_ids(session, "comment")
        if len(comments) < 3:
            return  # no discussion to moderate in this demo
        comment_id, author_id = comments[2]
        target = actions.get_target(session, "comment", comment_id)
        decision = ActionDraft(ContentAction.hide, Reason.insult.value, HIDDEN_NOTE)
        actions.do_act(session, moderator, target, decision)
        draft = sanctions.SanctionDraft(
            SanctionKind.mute, Reason.insult.value, MUTE_NOTE, MUTE_DAYS, hide_content=False
        )
        sanctions.do_sanction(session, moderator, author_id, draft)
