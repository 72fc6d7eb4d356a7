"""Deleting one's account (the right to erasure, GDPR article 17) without breaking the record.

The account row goes; the foreign keys decide the rest, and were chosen for this (DESIGN.md,
"Data"): what is only about the person goes with it (ON DELETE CASCADE: roles, login sessions,
follows, notifications, supports, "me too"s, memberships, sanctions), what is public record
stays without the name (SET NULL: ideas, comments, pacts, reports, the moderation log). The
counts that pages show are kept on the content (`support_count`, `me_too_count`, the advisory
ballot's running totals) and are not recomputed from the rows, so they do not change; an
advisory vote stays and keeps counting with `voter_id` NULL, and its `voter_key` keeps a
re-registered account from voting twice while the ballot is open; council votes belong to the
mandate. Photos of content are part of that content and stay with it.

Each feature may add `erase_user(session, user_id)` to its `hooks` for what the keys cannot say
(a problem report's permission to email the reporter).
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col

from participation import passwords, ratelimit
from participation.auth import end_all_sessions
from participation.checks import Refused
from participation.events import publish
from participation.features import feature_modules
from participation.i18n import gettext
from participation.models import RateLimitCounter, User


def check_delete_account(session: Session, user: User, password: str) -> None:
    """The password again, as at login and under login's limit per account: a session left
    open on a shared computer must not be enough to erase someone. Read-only: argon2 takes
    a tenth of a second, not to be spent holding the write lock."""
    ratelimit.check(session, ratelimit.LOGIN_PER_ACCOUNT, user.email)
    if not passwords.verify_password(user.password_hash, password):
        raise Refused(400, gettext("Your password is not correct."))


def do_count_wrong_password(session: Session, user: User) -> None:
    """A wrong password here counts against the account's login limit, as at login."""
    ratelimit.hit(session, ratelimit.LOGIN_PER_ACCOUNT, user.email)


def do_delete_account(session: Session, user_id: int) -> bool:
    """Erase the account; False if it was already gone (a double click, a replayed request),
    which changes nothing."""
    user = session.get(User, user_id)
    if user is None:
        return False
    for module in feature_modules("hooks"):
        erase = getattr(module, "erase_user", None)
        if erase is not None:
            erase(session, user_id)
    end_all_sessions(session, user_id)
    # The per-account counters name the address; the per-address ones are the retention job's.
    session.execute(
        delete(RateLimitCounter).where(
            col(RateLimitCounter.key).endswith(f":{user.email}", autoescape=True)
        )
    )
    session.delete(user)
    session.flush()
    publish(session, "account.deleted", user_id=user_id)
    return True
