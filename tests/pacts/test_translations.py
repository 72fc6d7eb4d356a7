"""Pacts in Dutch, French and English: every message translated (with its context), the words
said of a pact apart from the same English words said of an idea, and one vocabulary."""

from __future__ import annotations

import re

import pytest

from ideas.models import status_label as idea_status_label
from pacts.models import Pact, status_label
from pacts.steps import step_label
from participation.database import Database
from participation.i18n import use_language
from participation.models import User
from participation.settings import LANGUAGES
from tests.helpers import Browser, select_one
from tests.messages import read_catalog, source_messages, untranslated
from tests.pacts.conftest import advance


def pacts_messages() -> set[tuple[str, str | None]]:
    """Each message of pacts/ and templates/pacts/, with its context (None for none)."""
    method_map = [("pacts/**.py", "python"), ("templates/pacts/**.html", "jinja2")]
    options_map = {"templates/pacts/**.html": {"trimmed": "true"}}
    return source_messages(method_map, options_map)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_pacts_message_is_translated(language: str) -> None:
    missing = untranslated(language, pacts_messages())
    assert not missing, f"untranslated in {language} (run `make messages`): {missing}"


def test_the_statuses_are_said_of_a_pact() -> None:
    """“Rejected” is “Refusée” for an idea (l'idée) and “Rejeté” for a pact (le pacte)."""
    assert ("Rejected", "pact") in pacts_messages()
    with use_language("fr"):
        assert idea_status_label("rejected") == "Refusée"
        assert status_label("rejected") == "Rejeté"
        assert step_label("rejected") == "Rejeté"
        assert status_label("submitted") == "Soumis"
        assert step_label("created") == "Proposition rédigée"
    with use_language("nl"):
        assert status_label("completed") == "Afgerond"
    with use_language("en"):
        assert status_label("ended") == step_label("ended") == "Ended early"


def test_the_pact_page_in_french_speaks_of_a_pact(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User
) -> None:
    advance(db, pact, "submitted", clerk, proposer)
    browser.client.headers["Accept-Language"] = "fr"
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, ".pact__meta .status").get_text(strip=True) == "Soumis"
    assert select_one(page, ".pact__byline").get_text(" ", strip=True).startswith("Proposé par")


def test_one_vocabulary_municipality_and_reply() -> None:
    """The UI says municipality (gemeente, commune), never city; advice gets replies, and the
    municipality's account of the advice is its answer."""
    messages = {message for message, _context in pacts_messages()}
    assert not [m for m in messages if re.search(r"\bcity\b", m, re.IGNORECASE)]
    assert {"Reply", "Your reply", "Post my reply"} <= messages
    assert not {"Answer", "Your answer", "Post my answer"} & messages
    for language in ("nl", "fr"):
        catalog = read_catalog(language)
        wrong = {"nl": r"\bstad\b", "fr": r"\bville\b"}[language]
        for message, context in pacts_messages():
            entry = catalog.get(message, context)
            strings = entry.string if entry else ""
            for text in strings if isinstance(strings, tuple) else (strings,):
                assert not re.search(wrong, str(text), re.IGNORECASE), (language, message, text)
