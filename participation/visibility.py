"""Whether a piece of user content is public, and if not, why.

Moderation hides content; the feature that owns the content only needs to leave out what is
not public. Each moderatable table has a `visibility` column, so its own lists filter with an
indexed comparison; the shell's `hidden_content` table holds the public reason and lets
shared machinery (notifications, the placeholder) ask about any content type by name.
Nothing is deleted: hidden content stays in its table, with who hid it and why in the
moderation log.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Column, String, delete, update
from sqlmodel import Field, Session, SQLModel, select

from participation.content import content_type
from participation.database import UTCDateTime, one_of, utcnow
from participation.i18n import N_, gettext


class Visibility(enum.StrEnum):
    public = "public"
    held = "held"  # waiting for a moderator before anyone but its author sees it
    hidden = "hidden"  # hidden by a moderator
    auto_hidden = "auto_hidden"  # hidden automatically after reports, pending review


VISIBILITY_VALUES = tuple(v.value for v in Visibility)


class Reason(enum.StrEnum):
    spam = "spam"
    insult = "insult"
    personal_data = "personal_data"
    off_topic = "off_topic"
    other = "other"


REASON_VALUES = tuple(r.value for r in Reason)

_REASON_LABELS = {
    Reason.spam: N_("Spam"),
    Reason.insult: N_("Insult or hate"),
    Reason.personal_data: N_("Personal data"),
    Reason.off_topic: N_("Off-topic"),
    Reason.other: N_("Other"),
}


def reason_label(reason: str) -> str:
    return gettext(_REASON_LABELS[Reason(reason)])


def visibility_column(table: str) -> Column[str]:
    """The column each moderatable table carries; filter lists with `== "public"`."""
    return Column(
        String(12),
        CheckConstraint(one_of("visibility", VISIBILITY_VALUES), name=f"ck_{table}_visibility"),
        nullable=False,
        server_default=Visibility.public.value,
        default=Visibility.public.value,
    )


class HiddenContent(SQLModel, table=True):
    """Content that is not public, any type: the reason its placeholder shows."""

    __tablename__ = "hidden_content"
    __table_args__ = (
        CheckConstraint(one_of("visibility", VISIBILITY_VALUES), name="ck_hidden_visibility"),
        CheckConstraint(
            f"reason IS NULL OR {one_of('reason', REASON_VALUES)}", name="ck_hidden_reason"
        ),
    )

    content_type: str = Field(primary_key=True, max_length=32)
    content_id: int = Field(primary_key=True)
    visibility: str = Field(max_length=12)
    reason: str | None = Field(default=None, max_length=20)
    since: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def set_visibility(
    session: Session, type_name: str, content_id: int, visibility: Visibility, reason: str | None
) -> None:
    """Show or hide one piece of content, in the caller's transaction."""
    kind = content_type(type_name)
    if kind is None or kind.model is None:
        raise LookupError(f"{type_name} is not a moderatable content type")
    model = kind.model
    session.execute(update(model).where(model.id == content_id).values(visibility=visibility.value))
    session.execute(
        delete(HiddenContent).where(
            HiddenContent.content_type == type_name,  # type: ignore[arg-type]
            HiddenContent.content_id == content_id,  # type: ignore[arg-type]
        )
    )
    if visibility is not Visibility.public:
        session.add(
            HiddenContent(
                content_type=type_name, content_id=content_id, visibility=visibility, reason=reason
            )
        )
    if kind.visibility_changed is not None:
        kind.visibility_changed(session, content_id, visibility)


def hidden_state(session: Session, type_name: str, content_id: int) -> HiddenContent | None:
    """Why the content is not public, or None when it is."""
    return session.exec(
        select(HiddenContent).where(
            HiddenContent.content_type == type_name, HiddenContent.content_id == content_id
        )
    ).first()


def moderation_state_of(
    session: Session, type_name: str, content_id: int, visibility: str
) -> HiddenContent | None:
    """Why content with this `visibility` column is not public (None when it is): the
    moderator's record, or one that says only how it is kept from the public."""
    if visibility == Visibility.public:
        return None
    return hidden_state(session, type_name, content_id) or HiddenContent(
        content_type=type_name, content_id=content_id, visibility=visibility
    )
