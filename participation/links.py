"""Signed, expiring, single-use links sent by email (verify an address, reset a password)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlmodel import Session, col

from participation.models import UsedLink

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 - a link purpose, not a password
MAX_AGE = {VERIFY_EMAIL: 3 * 24 * 3600, RESET_PASSWORD: 3600}


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


class LinkUsed(Exception):
    pass


@dataclass(frozen=True)
class LinkClaim:
    user_id: int
    nonce: str
    fingerprint: str


def fingerprint(secret_state: str) -> str:
    """A short digest of state the link depends on (the password hash for a reset link)."""
    return hashlib.sha256(secret_state.encode()).hexdigest()[:16]


class Links:
    def __init__(self, secret_key: str) -> None:
        self.secret_key = secret_key

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=f"inspraak.link.{purpose}")

    def make(self, purpose: str, user_id: int, state: str = "") -> str:
        payload = [user_id, secrets.token_urlsafe(16), fingerprint(state)]
        return self._serializer(purpose).dumps(payload)

    def read(self, purpose: str, token: str) -> LinkClaim:
        try:
            user_id, nonce, digest = self._serializer(purpose).loads(
                token, max_age=MAX_AGE[purpose]
            )
        except SignatureExpired:
            raise LinkExpired from None
        except (BadSignature, ValueError, TypeError):
            raise LinkInvalid from None
        if not isinstance(user_id, int) or not isinstance(nonce, str):
            raise LinkInvalid
        return LinkClaim(user_id, nonce, str(digest))


def use_link(session: Session, claim: LinkClaim) -> None:
    """Spend the link inside the caller's transaction; a second use raises LinkUsed."""
    if session.get(UsedLink, claim.nonce) is not None:
        raise LinkUsed
    session.add(UsedLink(nonce=claim.nonce))
    session.flush()


def purge_used_links(session: Session, now: dt.datetime) -> int:
    """Forget nonces that guard nothing: a link used that long ago has expired by its age."""
    cutoff = now - dt.timedelta(seconds=max(MAX_AGE.values()))
    statement = delete(UsedLink).where(col(UsedLink.used_at) < cutoff)
    return session.connection().execute(statement).rowcount
