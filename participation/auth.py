"""Who is asking: login sessions behind the cookie, and the checks on roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import bindparam, delete, inspect
from sqlalchemy import select as core_select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection

from participation.context import request_context
from participation.database import Database, utcnow
from participation.models import LoginSession, Role, User, UserRole
from participation.prepared import Prepared


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def database(connection: HTTPConnection) -> Database:
    db: Database = connection.app.state.db
    return db


# Every request of a logged-in user runs it: compiled once and run on the driver's cursor
# (see participation/prepared.py), the user built from the row without the ORM's query.
_USERS = User.__table__  # type: ignore[attr-defined]
_SESSIONS = LoginSession.__table__  # type: ignore[attr-defined]
_USER_OF_SESSION = Prepared(
    core_select(_USERS)
    .join(_SESSIONS, _SESSIONS.c.user_id == _USERS.c.id)
    .where(
        _SESSIONS.c.token_hash == bindparam("token_hash"),
        _SESSIONS.c.expires_at > bindparam("now"),
        _USERS.c.banned_at.is_(None),
    )
)


def _user_of_session(session: Session, params: dict[str, object]) -> User | None:
    """The session's user, detached from `session` as if loaded and expunged: a rollback of
    the caller's transaction does not expire it, and it can be added to another session."""
    row = _USER_OF_SESSION.first(session.connection(), params)
    if row is None:
        return None
    user: User = inspect(User).class_manager.new_instance()  # as the ORM's loading does
    instance_state(user).dict.update(row._asdict())
    make_transient_to_detached(user)
    return user


def current_user(connection: HTTPConnection, session: Session | None = None) -> User | None:
    """The logged-in user, or None for a visitor, an ended session or a tampered cookie.

    With `session`, the lookup runs in that (write) transaction instead of a read of its own:
    the few endpoints every vote or support goes through save a transaction that way."""
    context = request_context(connection)
    if context.user_loaded:
        return context.user
    context.user_loaded = True
    token = context.new_session_token or context.session_token
    if token is None or context.end_session:
        return None
    params = {"token_hash": token_hash(token), "now": utcnow()}
    if session is not None:
        context.user = _user_of_session(session, params)
        return context.user
    with database(connection).read() as reading:
        context.user = _user_of_session(reading, params)
    return context.user


def require_user(connection: HTTPConnection, session: Session | None = None) -> User:
    """The logged-in user; a visitor is sent to the login page first (see errors.py)."""
    user = current_user(connection, session)
    if user is None:
        raise HTTPException(401)
    return user


def roles_of(session: Session, user_id: int) -> set[str]:
    return set(session.exec(select(UserRole.role).where(UserRole.user_id == user_id)).all())


def has_role(connection: HTTPConnection, role: Role) -> bool:
    user = current_user(connection)
    if user is None or user.id is None:
        return False
    context = request_context(connection)
    if context.roles is None:
        with database(connection).read() as session:
            context.roles = roles_of(session, user.id)
    return role.value in context.roles


def resolve_visitor(connection: HTTPConnection) -> None:
    """Look up who is asking, and their roles, before the caller opens a database session:
    both are kept for the request, so that no request holds two connections at once."""
    current_user(connection)
    has_role(connection, Role.moderator)  # reads all of the visitor's roles at once


def start_session(
    connection: HTTPConnection, session: Session, user: User, lifetime: dt.timedelta
) -> None:
    """A fresh session id at every login, so a planted cookie is worth nothing (fixation)."""
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    user_agent = connection.headers.get("user-agent", "")[:200]
    session.add(
        LoginSession(
            token_hash=token_hash(token),
            user_id=user.id,
            expires_at=utcnow() + lifetime,
            user_agent=user_agent,
        )
    )
    context = request_context(connection)
    context.new_session_token = token
    context.user, context.user_loaded = user, True
    context.new_language = user.language


def end_session(connection: HTTPConnection, session: Session) -> None:
    context = request_context(connection)
    token = context.session_token
    if token is not None:
        session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))  # type: ignore[arg-type]
    context.end_session = True
    context.new_session_token = None
    context.user, context.user_loaded = None, True


def end_all_sessions(session: Session, user_id: int) -> None:
    """Logout everywhere, password change, role revocation and bans all come down to this."""
    session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))  # type: ignore[arg-type]


def purge_expired_sessions(session: Session, now: dt.datetime) -> int:
    """Delete ended sessions to keep the table small; current_user refuses them anyway."""
    statement = delete(LoginSession).where(col(LoginSession.expires_at) <= now)
    return session.connection().execute(statement).rowcount
