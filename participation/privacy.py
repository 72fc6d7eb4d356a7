"""What the platform stores about a person: the declarations behind the privacy page, and the
gathering behind "my data" (the rights of access and portability, GDPR articles 15 and 20).

The shell and each feature's `hooks` module declare what they store (`STORED`, a list of
`StoredData`) and gather it for one account (`personal_data(session, user_id)`, a dict of
sections, each a list of records); the shell looks both up by name, so it never imports a
feature. A section's key is the `key` of the declaration that describes it, so that the
privacy page and the page of "my data" say the same thing. `tests/participation/
test_privacy.py` checks that every table referring to an account is declared somewhere.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlmodel import Session, col, select

from participation.auth import roles_of
from participation.comments import Comment, DiscussionLock
from participation.database import utcnow
from participation.features import feature_modules
from participation.i18n import N_, gettext
from participation.models import LoginSession, User, UserRole
from participation.notifications import Follow, Notification, NotificationPreference
from participation.settings import Settings

Record = dict[str, Any]
Sections = dict[str, list[Record]]


@dataclass(frozen=True)
class StoredData:
    """One kind of data kept about people. `what`, `why` and `kept` are msgids (N_); `kept`
    may say `%(days)d`, the retention period. `tables` are the tables that hold it."""

    key: str
    what: str
    why: str
    kept: str
    tables: tuple[str, ...]


UNTIL_DELETED = N_("Until you delete your account.")
PUBLIC_RECORD = N_(
    "As long as the content it belongs to; when you delete your account, it stays without "
    "your name."
)

STORED: list[StoredData] = [
    StoredData(
        "account",
        N_(
            "Your account: email address, the name shown to others, language, a hash of your "
            "password (never the password itself), when you registered and confirmed your "
            "address, and a moderator's mute or ban."
        ),
        N_("To let you log in, show your name beside what you write, and write to you."),
        UNTIL_DELETED,
        ("users",),
    ),
    StoredData(
        "roles",
        N_("Your roles (resident, council member, clerk, moderator, administrator)."),
        N_("To decide what you may do on the platform."),
        UNTIL_DELETED,
        ("user_roles",),
    ),
    StoredData(
        "login_sessions",
        N_(
            "Your login sessions: when each started and ends, and the name your browser gives "
            "itself (user agent). The key in the cookie is stored only as a hash."
        ),
        N_("To keep you logged in, and to let you log out on every device."),
        N_("Until the session ends; then it is deleted."),
        ("login_sessions",),
    ),
    StoredData(
        "follows",
        N_("What you follow."),
        N_("To tell you what happens to it."),
        UNTIL_DELETED,
        ("follows",),
    ),
    StoredData(
        "notifications",
        N_("Your notifications."),
        N_("To show you what happened to what you follow."),
        N_("Read notifications are deleted after %(days)d days."),
        ("notifications",),
    ),
    StoredData(
        "email_preferences",
        N_("Which notifications you want by email, and how often."),
        N_("To email you only what you asked for."),
        UNTIL_DELETED,
        ("notification_preferences",),
    ),
    StoredData(
        "comments",
        N_("Your comments, and the discussions a moderator closed."),
        N_("They are part of the public discussion."),
        PUBLIC_RECORD,
        ("comments", "discussion_locks"),
    ),
    StoredData(
        "",
        N_(
            "Counts of attempts per network (IP) address or account, and the single-use links "
            "that have been used."
        ),
        N_("To stop password guessing and floods, and to make emailed links work only once."),
        N_("Until the limit's window ends, and at most %(days)d days."),
        ("rate_limit_counters", "used_links"),
    ),
]


def declarations() -> list[StoredData]:
    """Every declaration: the shell's, then each feature's, in the features' order."""
    found = list(STORED)
    for module in feature_modules("hooks"):
        found.extend(getattr(module, "STORED", []))
    return found


@dataclass(frozen=True)
class Described:
    key: str
    what: str
    why: str
    kept: str


def described(settings: Settings) -> list[Described]:
    """The declarations in the current language, with the retention period filled in."""
    days = {"days": settings.retention_days}
    return [
        Described(d.key, gettext(d.what), gettext(d.why), gettext(d.kept) % days)
        for d in declarations()
    ]


def plain(value: object) -> object:
    """A stored value as JSON has it: times in ISO 8601 with their offset."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def rows_of(session: Session, owner: Any, user_id: int) -> list[Any]:
    """The rows whose `owner` column (such as `Idea.author_id`) names the account, in the
    order of their primary key (the order they were made in)."""
    model = owner.class_
    order = inspect(model).primary_key
    return list(session.exec(select(model).where(owner == user_id).order_by(*order)))


def records(rows: Iterable[Any], fields: Sequence[str]) -> list[Record]:
    """The named fields of each row, JSON-safe. Fields are named, never "all columns", so
    that a secret added to a table later (a token hash) is not exported by accident."""
    return [{name: plain(getattr(row, name)) for name in fields} for row in rows]


NOTIFICATION_FIELDS = (
    "subject",
    "subject_id",
    "kind",
    "text",
    "link",
    "created_at",
    "read_at",
    "emailed_at",
)


def _shell_data(session: Session, user: User) -> Sections:
    assert user.id is not None
    uid = user.id
    account = records(
        [user],
        (
            "id",
            "email",
            "display_name",
            "language",
            "created_at",
            "email_verified_at",
            "password_changed_at",
            "muted_until",
            "banned_at",
            "visibility",
        ),
    )
    roles = rows_of(session, UserRole.user_id, uid)
    logins = session.exec(
        select(LoginSession)
        .where(LoginSession.user_id == uid)
        .order_by(col(LoginSession.created_at))
    )
    follows = rows_of(session, Follow.user_id, uid)
    notifications = rows_of(session, Notification.user_id, uid)
    preferences = rows_of(session, NotificationPreference.user_id, uid)
    comments = rows_of(session, Comment.author_id, uid)
    locks = rows_of(session, DiscussionLock.locked_by_id, uid)
    return {
        "account": account,
        "roles": records(roles, ("role", "granted_at")),
        "login_sessions": records(logins, ("created_at", "expires_at", "user_agent")),
        "follows": records(follows, ("subject", "subject_id", "created_at")),
        "notifications": records(
            notifications,
            NOTIFICATION_FIELDS,
        ),
        "email_preferences": records(preferences, ("kind", "frequency", "updated_at")),
        "comments": [
            *records(
                comments,
                (
                    "id",
                    "subject",
                    "subject_id",
                    "parent_id",
                    "body",
                    "stance",
                    "created_at",
                    "edited_at",
                    "deleted_at",
                    "visibility",
                ),
            ),
            *records(locks, ("subject", "subject_id", "locked_at")),
        ],
    }


def personal_data(session: Session, user: User) -> dict[str, Any]:
    """Everything stored about `user`, by section, JSON-safe; empty sections included, so that
    the download says "none" rather than leaving the reader to wonder."""
    assert user.id is not None
    sections: Sections = _shell_data(session, user)
    for module in feature_modules("hooks"):
        gather = getattr(module, "personal_data", None)
        if gather is not None:
            sections.update(gather(session, user.id))
    return {
        "exported_at": utcnow().isoformat(),
        "roles_held": sorted(roles_of(session, user.id)),
        "sections": sections,
    }


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list[Record]


def readable_sections(data: dict[str, Any]) -> list[Section]:
    """The sections of `personal_data` in the declarations' order, titled by what they hold,
    for the page of "my data"; a section no declaration describes keeps its key as title."""
    sections: Sections = data["sections"]
    titles = {d.key: gettext(d.what) for d in declarations() if d.key}
    ordered = [key for key in titles if key in sections]
    ordered += [key for key in sections if key not in titles]
    return [Section(key, titles.get(key, key), sections[key]) for key in ordered]
