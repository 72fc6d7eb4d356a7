"""The pact text: generated in the municipality's language, versions, frozen at signing."""

from __future__ import annotations

import pytest

from pacts import actions
from pacts.models import Pact
from pacts.text import current_text, generate_text, text_versions
from participation.database import Database
from participation.markup import render_markdown
from participation.models import User
from tests.pacts.conftest import advance, propose


def _body(db: Database, pact: Pact, language: str = "en") -> str:
    with db.read() as session:
        stored = session.get(Pact, pact.id)
        assert stored is not None
        return generate_text(session, stored, language, "Demostad")


def test_the_text_has_every_section(db: Database, proposer: User, clerk: User) -> None:
    pact = advance(db, propose(db, proposer), "consultation", clerk, proposer)
    body = _body(db, pact)
    for part in (
        "Collaboration pact: Geveltuinen in de Stationsstraat",
        "The municipality of Demostad, for its department Groendienst",
        "Ann, the proposer.",
        "Wij gieten en wieden elke week.",
        "Plantgoed en aarde",
        "(up to € 300)",
        "April 1, 2030",
        "Safety and insurance",
        "Publicity",
    ):
        assert part in body, part


def test_an_organisation_is_a_party(
    db: Database, proposer: User, clerk: User, organisation: object
) -> None:
    pact = propose(db, proposer, organisation_id=getattr(organisation, "id", None))
    assert "Buurtcomité Zuid (informal group), represented by Ann" in _body(db, pact)


def test_versions_follow_the_pact_until_signed(db: Database, proposer: User, clerk: User) -> None:
    pact = advance(db, propose(db, proposer), "awaiting_signatures", clerk, proposer)
    with db.read() as session:
        assert [v.version for v in text_versions(session, pact.id or 0)] == [1]
    with db.write() as session:
        actions.do_respond_to_advice(session, pact.id or 0, clerk, "We planten lager groen.")
    with db.read() as session:
        latest = current_text(session, pact.id or 0)
    assert latest is not None
    assert latest.version == 1
    assert "We planten lager groen." in latest.body
    assert latest.frozen_at is None


def test_a_change_after_signing_is_a_new_version(db: Database, proposer: User, clerk: User) -> None:
    pact = advance(db, propose(db, proposer), "active", clerk, proposer)
    with db.read() as session:
        signed = current_text(session, pact.id or 0)
    assert signed is not None
    assert signed.frozen_at is not None
    advance(db, pact, "ended", clerk, proposer)
    with db.read() as session:
        versions = text_versions(session, pact.id or 0)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].body == signed.body  # the signed text never changes
    assert "Te weinig vrijwilligers." in versions[1].body
    assert versions[1].frozen_at is not None


@pytest.mark.parametrize(("language", "month"), [("nl", "april"), ("fr", "avril")])
def test_in_the_municipalitys_language(
    db: Database, proposer: User, language: str, month: str
) -> None:
    """Dates follow the language; the sentences do once the catalogs are translated."""
    body = _body(db, propose(db, proposer), language)
    assert f"1 {month} 2030" in body


def test_hostile_text_stays_text(db: Database, proposer: User) -> None:
    hostile = "<script>alert(1)</script>\n# Kop\n<img src=x onerror=alert(2)>"
    pact = propose(db, proposer, description=hostile, commitments=hostile)
    html = str(render_markdown(_body(db, pact)))
    assert "<script" not in html
    assert "onerror" not in html
    assert "alert(1)" in html  # the sanitiser drops the tags, the words stay as text
