"""Moderation's answers to the shell's hooks (found by `participation.features`).

`screen_content` is asked by `participation.screening.screen_new_content`, in the posting
transaction, whether new content may be public at once. It holds content for review when
it contains a watch word, holds too many links where that is screened, or is a new account's
first post where that is screened; staff is never held. Holding opens a case in the
moderators' queue and logs an automatic `hold` with a note for moderators saying why.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlmodel import Session, select

from moderation.cases import open_case
from moderation.log import record_action
from moderation.models import (
    ActionKind,
    Appeal,
    ModerationAction,
    ModerationCase,
    Report,
    Sanction,
    WatchWord,
)
from moderation.words import all_words, first_match
from participation.auth import roles_of
from participation.content import moderatable
from participation.database import utcnow
from participation.i18n import N_, gettext, use_language
from participation.models import Role, User
from participation.privacy import Sections, StoredData, records, rows_of
from participation.settings import Settings
from participation.visibility import Visibility

NEVER_HELD = {Role.moderator.value, Role.clerk.value, Role.admin.value}
# A link is an address starting with a scheme or "www."; one match per address.
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def count_links(text: str) -> int:
    return len(_LINK.findall(text))


def _is_first_post(session: Session, author: User, content_type: str, content_id: int) -> bool:
    """Whether the author has no earlier public content of this type."""
    kind = moderatable(content_type)
    if kind is None:
        return False
    model: Any = kind.model
    earlier = session.exec(
        select(model.id).where(
            model.author_id == author.id,
            model.visibility == Visibility.public.value,
            model.id != content_id,
        )
    ).first()
    return earlier is None


def _why_held(
    session: Session,
    settings: Settings,
    author: User,
    content_type: str,
    content_id: int,
    text: str,
) -> str | None:
    """The note for moderators saying why the content waits for them, or None if it need not.
    The log is read by moderators only, so the note names the watch word; it is written in the
    municipality's language, not the author's."""
    word = first_match(text, [w.word for w in all_words(session)])
    links = count_links(text)
    new_since = utcnow() - dt.timedelta(days=settings.moderation_new_account_days)
    with use_language(settings.default_language):
        if word is not None:
            return gettext("Contains the watch word “%(word)s”.") % {"word": word}
        if content_type in settings.moderation_hold_links and links > settings.moderation_max_links:
            return gettext("Contains %(num)d links (more than %(max)d).") % {
                "num": links,
                "max": settings.moderation_max_links,
            }
        if (
            content_type in settings.moderation_hold_first_posts
            and author.created_at > new_since
            and _is_first_post(session, author, content_type, content_id)
        ):
            return gettext("First post of a new account.")
    return None


def screen_content(
    session: Session,
    settings: Settings,
    author: User,
    content_type: str,
    content_id: int,
    text: str,
) -> Visibility | None:
    """`Visibility.held` if the content must wait for a moderator, else None."""
    assert author.id is not None
    if roles_of(session, author.id) & NEVER_HELD:
        return None
    note = _why_held(session, settings, author, content_type, content_id, text)
    if note is None:
        return None
    open_case(session, content_type, content_id, author.id)
    record_action(
        session,
        ActionKind.hold,
        moderator_id=None,
        content=(content_type, content_id),
        target_user_id=author.id,
        note=note,
    )
    return Visibility.held


STORED: list[StoredData] = [
    StoredData(
        "moderation",
        N_(
            "The reports you made, your appeals, moderators' decisions about you or your "
            "content, and your mutes and bans."
        ),
        N_("To keep the discussion civil, and to let you contest a decision."),
        N_(
            "Decisions stay in the moderation log, without your name once you delete your "
            "account; your mutes and bans are deleted with it."
        ),
        ("moderation_reports", "moderation_appeals", "moderation_cases", "moderation_sanctions"),
    ),
    StoredData(
        "moderation_work",
        N_("For moderators: the decisions you took and the watch words you added."),
        N_("Moderators answer for their decisions."),
        N_("As long as the moderation log is kept."),
        ("moderation_actions", "moderation_watch_words"),
    ),
]


def personal_data(session: Session, user_id: int) -> Sections:
    """The moderators' internal notes are left out: they may name the watch words."""
    reports = rows_of(session, Report.reporter_id, user_id)
    appeals = rows_of(session, Appeal.appellant_id, user_id)
    cases = rows_of(session, ModerationCase.author_id, user_id)
    about = rows_of(session, ModerationAction.target_user_id, user_id)
    sanctions = rows_of(session, Sanction.user_id, user_id)
    taken = rows_of(session, ModerationAction.moderator_id, user_id)
    words = rows_of(session, WatchWord.added_by_id, user_id)
    action_fields = ("action", "content_type", "content_id", "reason", "created_at")
    return {
        "moderation": [
            *records(reports, ("content_type", "content_id", "reason", "details", "created_at")),
            *records(appeals, ("action_id", "text", "status", "created_at", "decided_at")),
            *records(cases, ("content_type", "content_id", "status", "opened_at", "closed_at")),
            *records(about, action_fields),
            *records(sanctions, ("kind", "reason", "created_at", "ends_at", "ended_at")),
        ],
        "moderation_work": [
            *records(taken, action_fields),
            *records(words, ("word", "created_at")),
        ],
    }
