"""argon2id hashing and the rules for new passwords."""

from __future__ import annotations

from argon2 import PasswordHasher

from participation import passwords


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = passwords.hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "correct horse battery staple")
    assert not passwords.verify_password(hashed, "Correct horse battery staple")
    assert not passwords.verify_password("not a hash", "anything")


def test_old_parameters_ask_for_a_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash("correct horse battery staple")
    assert passwords.needs_rehash(weak)
    assert not passwords.needs_rehash(passwords.hash_password("correct horse battery staple"))


def test_common_passwords_are_recognised_even_when_padded() -> None:
    assert passwords.is_common("password")
    assert passwords.is_common("Password123!")
    assert passwords.is_common("wachtwoord2026")
    assert passwords.is_common("azertyuiop")
    assert not passwords.is_common("paarse olifant op de fiets")
