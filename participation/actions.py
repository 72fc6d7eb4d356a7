"""Account actions: `check_*` decides whether it may happen, `do_*` does it in the transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, select

from participation import passwords, ratelimit
from participation.auth import end_all_sessions, roles_of
from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.features import feature_modules
from participation.forms import Credentials, PasswordChange, Profile, Registration, RoleChange
from participation.i18n import format_datetime, gettext
from participation.links import LinkClaim, fingerprint, use_link
from participation.models import Role, User, UserRole
from participation.settings import Settings


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.lower())).first()


def _role_granted(session: Session, user: User, role: Role) -> None:
    """Let each feature act on a granted role in the same transaction (a council member
    gets a mandate); the shell does not know the features, so it looks their hooks up."""
    for module in feature_modules("hooks"):
        hook = getattr(module, "on_role_granted", None)
        if hook is not None:
            hook(session, user, role)


def check_verified(user: User) -> None:
    """Posting, supporting, commenting and voting need a confirmed address: one person,
    one voice."""
    if not user.is_verified:
        raise Refused(403, gettext("Confirm your email address first; see your account page."))


def check_can_post(user: User, zone: dt.tzinfo | None = None) -> None:
    """A muted user reads and supports but cannot post or comment until the mute ends. With
    the municipality's `zone`, the message says until when."""
    if user.muted_until is None or user.muted_until <= utcnow():
        return
    if zone is None:
        message = gettext("A moderator has muted your account: you cannot post or comment now.")
    else:
        message = gettext(
            "A moderator has muted your account: you can post and comment again from %(until)s."
        ) % {"until": format_datetime(user.muted_until, zone, "long")}
    raise Refused(403, message)


def check_can_write(user: User, settings: Settings | None = None) -> None:
    """Posting and editing: a confirmed address, and no moderator's mute. With `settings`,
    the mute's message says until when in the municipality's zone."""
    check_verified(user)
    check_can_post(user, settings.zone if settings else None)


def check_not_banned(user: User) -> None:
    if user.banned_at is not None:
        raise Refused(
            403,
            gettext(
                "A moderator has banned this account: it can no longer log in. "
                "Write to the municipality if you think this is a mistake."
            ),
        )


def do_create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    roles: tuple[Role, ...] = (Role.resident,),
    language: str = "nl",
    verified: bool = False,
) -> User:
    user = User(
        email=email.lower(),
        display_name=display_name,
        password_hash=passwords.hash_password(password),
        language=language,
        email_verified_at=utcnow() if verified else None,
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    for role in dict.fromkeys((Role.resident, *roles)):
        session.add(UserRole(user_id=user.id, role=role.value))
        _role_granted(session, user, role)
    return user


def do_register(session: Session, registration: Registration, address: str, language: str) -> None:
    """Create the account, or tell the owner of an existing one: the visitor sees the same page."""
    ratelimit.check_and_hit(session, ratelimit.REGISTER_PER_ADDRESS, address)
    existing = user_by_email(session, registration.email)
    if existing is not None:
        publish(session, "account.registered_again", user_id=existing.id)
        return
    user = do_create_user(
        session,
        email=registration.email,
        display_name=registration.display_name,
        password=registration.password,
        language=language,
    )
    publish(session, "account.registered", user_id=user.id)


def do_verify_email(session: Session, claim: LinkClaim) -> User:
    use_link(session, claim)
    user = session.get(User, claim.user_id)
    if user is None:
        raise Refused(404, gettext("This account no longer exists."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.add(user)
    return user


def do_resend_verification(session: Session, email: str, address: str) -> None:
    ratelimit.check_and_hit(session, ratelimit.VERIFY_RESEND_PER_ADDRESS, address)
    user = user_by_email(session, email)
    if user is not None and not user.is_verified:
        publish(session, "account.registered", user_id=user.id)


@dataclass(frozen=True)
class LoginAttempt:
    user: User | None
    retry_after: int | None = None


def check_login(session: Session, credentials: Credentials, address: str) -> LoginAttempt:
    """The rate limits and the password, read-only: argon2 takes a tenth of a second, which
    must not be spent holding the write lock that every vote and support waits for."""
    try:
        ratelimit.check(session, ratelimit.LOGIN_PER_ADDRESS, address)
        ratelimit.check(session, ratelimit.LOGIN_PER_ACCOUNT, credentials.email)
    except ratelimit.RateLimited as limited:
        return LoginAttempt(None, limited.retry_after)
    user = user_by_email(session, credentials.email)
    if user is None:
        passwords.spend_verification_time(credentials.password)
    elif passwords.verify_password(user.password_hash, credentials.password):
        # Only after the right password: the ban must not tell others the account exists.
        check_not_banned(user)
        return LoginAttempt(user)
    return LoginAttempt(None)


def do_record_login(
    session: Session, attempt: LoginAttempt, credentials: Credentials, address: str
) -> User | None:
    """Count a failure against the limits, or refresh an outdated hash; the signed-in user."""
    if attempt.retry_after is not None:
        return None
    if attempt.user is None:
        ratelimit.hit(session, ratelimit.LOGIN_PER_ADDRESS, address)
        ratelimit.hit(session, ratelimit.LOGIN_PER_ACCOUNT, credentials.email)
        return None
    user = session.get(User, attempt.user.id)
    if user is not None:
        check_not_banned(user)  # banned between the password check and now
    if user is not None and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(credentials.password)
        session.add(user)
    return user


def do_logout_everywhere(session: Session, user: User) -> None:
    assert user.id is not None
    end_all_sessions(session, user.id)


def check_password_change(user: User, change: PasswordChange) -> None:
    if not passwords.verify_password(user.password_hash, change.current_password):
        raise Refused(400, gettext("Your current password is not correct."))


def do_change_password(session: Session, user: User, new_password: str) -> None:
    """Set a new password and end every session; the caller starts a fresh one if it wants."""
    assert user.id is not None
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    session.add(user)
    end_all_sessions(session, user.id)
    publish(session, "account.password_changed", user_id=user.id)


def do_request_password_reset(session: Session, email: str, address: str) -> None:
    ratelimit.check_and_hit(session, ratelimit.RESET_PER_ADDRESS, address)
    user = user_by_email(session, email)
    if user is None:
        return
    try:
        ratelimit.check_and_hit(session, ratelimit.RESET_PER_ACCOUNT, email)
    except ratelimit.RateLimited:
        return  # Same answer as for an unknown address: the limit must not reveal the account.
    publish(session, "account.password_reset_requested", user_id=user.id)


def check_reset_link(session: Session, claim: LinkClaim) -> User:
    user = session.get(User, claim.user_id)
    if user is None or fingerprint(user.password_hash) != claim.fingerprint:
        raise Refused(409, gettext("This link has already been used or is no longer valid."))
    return user


def do_reset_password(session: Session, claim: LinkClaim, new_password: str) -> User:
    user = check_reset_link(session, claim)
    use_link(session, claim)
    # Following the link proves the mailbox, as a verification link would.
    user.email_verified_at = user.email_verified_at or utcnow()
    do_change_password(session, user, new_password)
    return user


def do_update_profile(session: Session, user: User, profile: Profile) -> None:
    user.display_name = profile.display_name
    user.language = profile.language
    session.add(user)


def check_manage_roles(session: Session, actor: User) -> None:
    assert actor.id is not None
    if Role.admin.value not in roles_of(session, actor.id):
        raise Refused(403, gettext("Only an administrator can grant or revoke roles."))


def do_change_role(session: Session, actor: User, target_id: int, change: RoleChange) -> User:
    check_manage_roles(session, actor)
    target = session.get(User, target_id)
    if target is None:
        raise Refused(404, gettext("This account does not exist."))
    if not change.grant and target_id == actor.id and change.role == Role.admin.value:
        raise Refused(409, gettext("You cannot revoke your own administrator role."))
    held = roles_of(session, target_id)
    if change.grant:
        if change.role not in held:
            session.add(UserRole(user_id=target_id, role=change.role, granted_by_id=actor.id))
        # Also when held: granting again restores what the role implies (a lapsed mandate).
        _role_granted(session, target, Role(change.role))
    elif not change.grant and change.role in held:
        session.execute(
            delete(UserRole).where(UserRole.user_id == target_id, UserRole.role == change.role)  # type: ignore[arg-type]
        )
        # A revoked role must stop working now, not when the session would have expired.
        end_all_sessions(session, target_id)
    publish(session, "account.role_changed", user_id=target_id, role=change.role)
    return target
