"""What the translation tests share: the messages found in the source, each with its context,
and those a language's catalog leaves untranslated."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from participation.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[1]


def source_messages(
    method_map: list[tuple[str, str]], options_map: dict[str, dict[str, Any]]
) -> set[tuple[str, str | None]]:
    """Each message id found below the repository with the given Babel mapping, with its
    context (`pgettext`), None for none."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.add((message if isinstance(message, str) else message[0], context))
    return found


def read_catalog(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def untranslated(language: str, messages: Iterable[tuple[str, str | None]]) -> list[str]:
    """The messages the language's catalog lacks, leaves empty or marks fuzzy, sorted, each
    as `context|message` where it has a context."""
    catalog = read_catalog(language)
    missing = []
    for message, context in messages:
        entry = catalog.get(message, context)
        strings = entry.string if entry else ""
        values = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(values):
            missing.append(f"{context}|{message}" if context else message)
    return sorted(missing)
