"""User text to safe HTML: a small Markdown subset, then an allowlist (bleach).

User HTML never carries htmx attributes or ids: only the attributes listed here survive, so
user text can neither fire requests nor become the target of an out-of-band swap.
"""

from __future__ import annotations

import html
import threading
from functools import lru_cache

import bleach
import markdown
from bleach.linkifier import Linker
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "a"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

Attributes = dict[tuple[str | None, str], str]


def _nofollow(attrs: Attributes, new: bool = False) -> Attributes:
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


class _Tools(threading.local):
    """bleach's cleaner and linker and a Markdown parser are not thread-safe: one per thread."""

    def __init__(self) -> None:
        self.markdown = markdown.Markdown(extensions=["nl2br", "sane_lists"], output_format="html")
        self.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
        )
        self.stripper = bleach.Cleaner(tags=set(), strip=True)
        self.linker = Linker(callbacks=[_nofollow], skip_tags={"pre", "code"})

    def to_html(self, text: str) -> str:
        return str(self.markdown.reset().convert(text))


_tools = _Tools()


@lru_cache(maxsize=8192)
def render_markdown(text: str) -> Markup:
    """Render user Markdown (no raw HTML, no images, no headings) as sanitised HTML."""
    cleaned = _tools.cleaner.clean(_tools.to_html(text))
    return Markup(_tools.linker.linkify(cleaned))  # noqa: S704 - sanitised just above


@lru_cache(maxsize=8192)
def plain_text(text: str, limit: int = 200) -> str:
    """A one-line excerpt of user Markdown for lists, previews and notifications."""
    stripped = _tools.stripper.clean(_tools.to_html(text))
    line = " ".join(html.unescape(stripped).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
