"""User text to safe HTML: a small Markdown subset, then an allowlist (bleach).

User HTML never carries htmx attributes or ids: only the attributes listed here survive, so
user text can neither fire requests nor become the target of an out-of-band swap.
"""

from __future__ import annotations

import html

import bleach
import markdown
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


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    filters=[],
)


def render_markdown(text: str) -> Markup:
    """Render user Markdown (no raw HTML, no images, no headings) as sanitised HTML."""
    rendered = markdown.markdown(text, extensions=["nl2br", "sane_lists"], output_format="html")
    cleaned = _cleaner.clean(rendered)
    linked = bleach.linkify(cleaned, callbacks=[_nofollow], skip_tags={"pre", "code"})
    return Markup(linked)  # noqa: S704 - sanitised by the allowlist just above


def plain_text(text: str, limit: int = 200) -> str:
    """A one-line excerpt of user Markdown for lists, previews and notifications."""
    stripped = bleach.clean(markdown.markdown(text), tags=set(), strip=True)
    line = " ".join(html.unescape(stripped).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
