"""People and their sessions: accounts, roles, login sessions, single-use links, rate limits."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.orm import synonym
from sqlmodel import Field, SQLModel

from participation.database import UTCDateTime, one_of, utcnow
from participation.i18n import N_, gettext
from participation.visibility import visibility_column


class Role(enum.StrEnum):
    resident = "resident"
    council_member = "council_member"
    clerk = "clerk"
    moderator = "moderator"
    admin = "admin"


ROLE_VALUES = tuple(role.value for role in Role)

_ROLE_LABELS = {
    Role.resident: N_("Resident"),
    Role.council_member: N_("Council member"),
    Role.clerk: N_("Clerk"),
    Role.moderator: N_("Moderator"),
    Role.admin: N_("Administrator"),
}


def role_label(role: str) -> str:
    """The role's name in the current language."""
    return gettext(_ROLE_LABELS[Role(role)])


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="ck_users_email_lower"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    language: str = Field(default="nl", max_length=5)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    email_verified_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    password_changed_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Sanctions by moderators: a muted user cannot post until then; a banned one cannot log in.
    muted_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    banned_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The public name is user content too: a moderator can hide a name (participation.profiles).
    visibility: str = Field(default="public", sa_column=visibility_column("users"))

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


# Moderation finds the author of any content by its `author_id`; a profile's author is its owner.
inspect(User).add_property("author_id", synonym("id"))


class UserRole(SQLModel, table=True):
    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),
        Index("ix_user_roles_role", "role", "user_id"),
        CheckConstraint(one_of("role", ROLE_VALUES), name="ck_user_roles_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    role: str = Field(max_length=32)
    granted_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    granted_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )


class LoginSession(SQLModel, table=True):
    """A logged-in browser. The cookie holds a random token; only its hash is stored here."""

    __tablename__ = "login_sessions"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)
    user_agent: str = Field(default="", max_length=200)


class UsedLink(SQLModel, table=True):
    """The nonce of an emailed link that has been used; the primary key makes it single-use."""

    __tablename__ = "used_links"

    nonce: str = Field(primary_key=True, max_length=64)
    used_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RateLimitCounter(SQLModel, table=True):
    """Attempts per key (an address or an account) in one fixed time window."""

    __tablename__ = "rate_limit_counters"

    key: str = Field(primary_key=True, max_length=200)
    window_start: int = Field(primary_key=True)
    count: int = Field(default=0)
