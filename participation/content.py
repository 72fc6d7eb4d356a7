"""The content registry: each kind of user content says how to show it and link to it.

Comments, follows, notifications and moderation work on any registered content type by its
name ("idea", "pact", "comment", ...), so a new content type needs no change in them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session


@dataclass(frozen=True)
class ContentType:
    name: str
    label: Callable[[], str]  # the translated name of one such thing, e.g. "idea"
    title: Callable[[Session, int], str | None]  # a short text to show it by; None if absent
    url: Callable[[int], str]  # where it is seen


_registry: dict[str, ContentType] = {}


def register(content_type: ContentType) -> None:
    _registry[content_type.name] = content_type


def content_type(name: str) -> ContentType | None:
    return _registry.get(name)
