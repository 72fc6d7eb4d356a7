"""argon2id hashing and the rules a new password must meet."""

from __future__ import annotations

import string
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 256

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's: rehash at login."""
    return _hasher.check_needs_rehash(password_hash)


# Verifying against this costs as much as a real check, so an unknown email takes as long.
_DUMMY_HASH = _hasher.hash("inspraak-timing-equaliser")


def spend_verification_time(password: str) -> None:
    verify_password(_DUMMY_HASH, password)


@cache
def _common_passwords() -> frozenset[str]:
    text = files("participation").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def is_common(password: str) -> bool:
    """In the list as it is, or once the digits and symbols padded around it are taken off."""
    common = _common_passwords()
    lowered = password.strip().lower()
    core = lowered.strip(string.digits + string.punctuation + " ")
    return lowered in common or (len(core) >= 4 and core in common)
