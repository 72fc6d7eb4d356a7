"""Which notifications a user gets by email and how often, and the signed unsubscribe link.

A preference is per kind, and a kind is a notification's subject type: what someone follows is
what they choose about (see participation.notifications). The page lists the subject types that
notifications are written about, by their content-registry labels; a kind without a row gets
the row for all kinds, and without that a daily digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from participation.content import content_type
from participation.database import utcnow
from participation.i18n import N_, gettext
from participation.links import LinkExpired, LinkInvalid
from participation.notifications import (
    ALL_KINDS,
    DEFAULT_FREQUENCY,
    FREQUENCIES,
    OFF,
    SUBJECT_MAX,
    Notification,
    NotificationPreference,
)

# The subject types that notifications are written about, in the order the page lists them
# (grep `notify(`): content-type names, labelled by the content registry, so that a feature
# that is not installed drops out. The registry alone cannot say which of its types are ever a
# notification's subject (comments and names are quoted, never followed).
EMAIL_KINDS = ("idea", "pact", "problem", "question")
# Moderators' decisions are about a person, not registered content; the shell names them.
MODERATION = "moderation_action"

_FREQUENCY_LABELS = {
    OFF: N_("No email"),
    "immediately": N_("Immediately, one email each"),
    "daily": N_("In a daily digest"),
    "weekly": N_("In a weekly digest (Mondays)"),
}

UNSUBSCRIBE_MAX_AGE = 90 * 24 * 3600
_UNSUBSCRIBE_SALT = "inspraak.unsubscribe"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str


def kind_label(name: str) -> str:
    """The kind's name in the current language, capitalised to head a choice."""
    if name == MODERATION:
        return gettext("Decisions of the moderators about you")
    registered = content_type(name)
    label = registered.label() if registered is not None else name
    return label[:1].upper() + label[1:]


def email_kinds() -> list[Kind]:
    """The kinds a user can choose about, labelled in the current language."""
    names = [name for name in EMAIL_KINDS if content_type(name) is not None]
    return [Kind(name, kind_label(name)) for name in [*names, MODERATION]]


def frequency_options() -> list[tuple[str, str]]:
    """(value, label) of each frequency, in the current language."""
    return [(value, gettext(_FREQUENCY_LABELS[value])) for value in FREQUENCIES]


def preferences(session: Session, user_id: int) -> dict[str, str]:
    """The frequency that applies to each listed kind for the user."""
    rows = session.exec(
        select(NotificationPreference.kind, NotificationPreference.frequency).where(
            NotificationPreference.user_id == user_id
        )
    )
    chosen = dict(rows.all())
    fallback = chosen.get(ALL_KINDS, DEFAULT_FREQUENCY)
    return {kind.name: chosen.get(kind.name, fallback) for kind in email_kinds()}


def _upsert(session: Session, user_id: int, kind: str, frequency: str) -> None:
    """One row per user and kind, also when two requests race (the unique constraint)."""
    dialect = session.get_bind().dialect.name
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert_(NotificationPreference).values(
        user_id=user_id, kind=kind, frequency=frequency, updated_at=now
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "kind"],
            set_={"frequency": frequency, "updated_at": now},
        )
    )


def _repoint_pending(session: Session, user_id: int, kind: str | None, frequency: str) -> None:
    """Notifications still waiting for their email follow the new choice: none after "off",
    the new frequency otherwise. `kind` None means every kind."""
    statement = update(Notification).where(
        col(Notification.user_id) == user_id,
        col(Notification.emailed_at).is_(None),
        col(Notification.email_due).is_not(None),
    )
    if kind is not None:
        statement = statement.where(col(Notification.subject) == kind)
    session.execute(statement.values(email_due=None if frequency == OFF else frequency))


def do_set_preferences(session: Session, user_id: int, choices: Mapping[str, str]) -> None:
    """Save the user's frequency for each kind in `choices` (valid kinds and frequencies)."""
    for kind, frequency in choices.items():
        if frequency not in FREQUENCIES or not kind or len(kind) > SUBJECT_MAX:
            raise ValueError(f"no email preference {kind!r}: {frequency!r}")
        _upsert(session, user_id, kind, frequency)
        _repoint_pending(session, user_id, kind, frequency)


def do_unsubscribe(session: Session, user_id: int, kind: str) -> None:
    """No more email about `kind`, or with ALL_KINDS about anything; idempotent."""
    if kind != ALL_KINDS:
        do_set_preferences(session, user_id, {kind: OFF})
        return
    session.execute(
        delete(NotificationPreference).where(
            col(NotificationPreference.user_id) == user_id,
            col(NotificationPreference.kind) != ALL_KINDS,
        )
    )
    _upsert(session, user_id, ALL_KINDS, OFF)
    _repoint_pending(session, user_id, None, OFF)


# The one-click unsubscribe link. Not single-use: a mail client may post it twice, and doing it
# again changes nothing. Its own salt keeps it from passing for any other signed value.


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(secret_key: str, user_id: int, kind: str) -> str:
    return _serializer(secret_key).dumps([user_id, kind])


def read_unsubscribe_token(secret_key: str, token: str) -> tuple[int, str]:
    """(user id, kind) from the token; LinkExpired or LinkInvalid when it is not good."""
    try:
        user_id, kind = _serializer(secret_key).loads(token, max_age=UNSUBSCRIBE_MAX_AGE)
    except SignatureExpired:
        raise LinkExpired from None
    except (BadSignature, ValueError, TypeError):
        raise LinkInvalid from None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        raise LinkInvalid
    if not kind or len(kind) > SUBJECT_MAX:
        raise LinkInvalid
    return user_id, kind
