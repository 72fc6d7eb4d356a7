"""Translations: the language of the current request lives in a context variable.

Python code and templates call the same `gettext`; a live event can be rendered for each
language in turn with `use_language`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.support import NullTranslations, Translations

from participation.settings import LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}

_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default="nl")


@cache
def translations(language: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def current_language() -> str:
    return _language.get()


def set_language(language: str) -> contextvars.Token[str]:
    return _language.set(language)


@contextmanager
def use_language(language: str) -> Iterator[None]:
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`gettext` for a message whose translation depends on what it is said of."""
    return str(translations(_language.get()).pgettext(context, message))


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).npgettext(context, singular, plural, n)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - the name Babel extracts by convention
    """Mark a string for translation where it is defined; translate it where it is shown."""
    return message


def negotiate(accept_language: str, default: str) -> str:
    """The best of our languages for an Accept-Language header, else the default."""
    weighted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            weighted.append((quality, primary))
    if not weighted:
        return default
    return max(weighted, key=lambda pair: pair[0])[1]


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def format_datetime(value: dt.datetime, zone: dt.tzinfo, fmt: str = "medium") -> str:
    return babel_format_datetime(value, format=fmt, tzinfo=zone, locale=_locale(_language.get()))
