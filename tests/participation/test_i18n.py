"""Dutch by default, French and English complete: no user-facing string left untranslated."""

from __future__ import annotations

import pytest
from babel.messages.frontend import parse_mapping_cfg

from participation.features import FEATURE_PACKAGES
from participation.i18n import negotiate
from participation.settings import LANGUAGES
from tests.helpers import Browser, select_one
from tests.messages import ROOT, source_messages, untranslated


def _source_messages() -> set[tuple[str, str | None]]:
    """Each message id with its context (`pgettext`), None for none."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    return source_messages(method_map, options_map)


def test_every_package_is_searched_for_messages() -> None:
    """A package left out of babel.cfg would keep its messages out of the check below too."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, _options = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    searched = {pattern.split("/")[0] for pattern, _method in method_map}
    assert {"participation", *FEATURE_PACKAGES, "templates"} <= searched


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    missing = untranslated(language, _source_messages())
    assert not missing, f"untranslated in {language} (run `make messages`): {missing}"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-BE,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,en;q=0.5", "en"),
        ("de-DE", "nl"),
        ("", "nl"),
        ("en;q=0.2, nl-BE;q=0.9", "nl"),
        ("fr;q=bogus, en", "en"),
    ],
)
def test_the_browser_language_is_honoured(header: str, expected: str) -> None:
    assert negotiate(header, "nl") == expected


def test_dutch_is_the_default(browser: Browser) -> None:
    page = browser.get("/login")
    assert select_one(page, "html")["lang"] == "nl"
    assert select_one(page, "h1").get_text() == "Aanmelden"


def test_the_language_switch_sticks(browser: Browser) -> None:
    browser.get("/login")
    response = browser.post("/language", {"language": "fr", "next": "/login"})
    assert response.headers["location"] == "/login"
    page = browser.get("/login")
    assert select_one(page, "html")["lang"] == "fr"
    assert select_one(page, "h1").get_text() == "Se connecter"
    browser.post("/language", {"language": "en", "next": "/login"})
    assert select_one(browser.get("/login"), "h1").get_text() == "Log in"


def test_an_unknown_language_changes_nothing(browser: Browser) -> None:
    browser.get("/login")
    browser.post("/language", {"language": "xx", "next": "https://evil.example/"})
    assert select_one(browser.get("/login"), "html")["lang"] == "nl"
