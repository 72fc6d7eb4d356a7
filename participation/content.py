"""The content registry: each kind of user content says how to show it and link to it.

Comments, follows, notifications and moderation work on any registered content type by its
name ("idea", "pact", "comment", ...), so a new content type needs no change in them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session


@dataclass(frozen=True)
class ContentType:
    name: str
    label: Callable[[], str]  # the translated name of one such thing, e.g. "idea"
    title: Callable[[Session, int], str | None]  # a short text to show it by; None if absent
    url: Callable[[int], str]  # where it is seen
    # Moderation: the table, which has `id`, `author_id` and a `visibility` column
    # (participation.visibility.visibility_column), and the text a moderator reads.
    model: Any = None
    text: Callable[[Session, int], str] | None = None
    # Called after its visibility changed, to keep counts or search indexes true.
    visibility_changed: Callable[[Session, int, Any], None] | None = None
    # Whether it carries a discussion (comments) that a moderator can lock.
    has_discussion: bool = False


_registry: dict[str, ContentType] = {}


def register(content_type: ContentType) -> None:
    _registry[content_type.name] = content_type


def content_type(name: str) -> ContentType | None:
    return _registry.get(name)


def content_types() -> list[ContentType]:
    return list(_registry.values())


def moderatable(name: str) -> ContentType | None:
    """The content type if moderation can hide it."""
    kind = _registry.get(name)
    return kind if kind is not None and kind.model is not None else None
