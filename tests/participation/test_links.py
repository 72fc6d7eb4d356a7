"""Emailed links: signed, expiring, single-use, bound to their purpose."""

from __future__ import annotations

import pytest

from participation import links
from participation.database import Database
from tests.conftest import TEST_SECRET_KEY


def test_a_link_reads_back_for_its_own_purpose_only() -> None:
    maker = links.Links(TEST_SECRET_KEY)
    token = maker.make(links.VERIFY_EMAIL, 42)
    assert maker.read(links.VERIFY_EMAIL, token).user_id == 42
    with pytest.raises(links.LinkInvalid):
        maker.read(links.RESET_PASSWORD, token)
    with pytest.raises(links.LinkInvalid):
        links.Links("another-secret-key-that-is-long-enough-000").read(links.VERIFY_EMAIL, token)


def test_a_link_is_spent_once(db: Database) -> None:
    maker = links.Links(TEST_SECRET_KEY)
    claim = maker.read(links.VERIFY_EMAIL, maker.make(links.VERIFY_EMAIL, 42))
    with db.write() as session:
        links.use_link(session, claim)
    with pytest.raises(links.LinkUsed), db.write() as session:
        links.use_link(session, claim)
