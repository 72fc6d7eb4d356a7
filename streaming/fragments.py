"""The live page's panels as htmx out-of-band fragments.

An event is rendered once per language and the same bytes go to every viewer of that
language, so nothing here knows the request: no CSRF token, no user, only the public state.
The full page includes the same partials (`templates/streaming/_live_*.html`), so that the
first render and every push match.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from participation.i18n import use_language
from participation.templating import Templates
from streaming.state import LiveState
from voting.models import CHOICES, label

# Panel name → partial `templates/streaming/_live_<name>.html`, whose root element has the
# id `live-<name>`. In page order; `seq` last so that a client sees it after the panels.
PANELS = ("status", "video", "current", "ballot", "speakers", "agenda", "results", "present")
SEQ = "seq"

# Which panels an event kind touches, by exact kind or by its family ("speaker.*").
_TOUCHES: dict[str, tuple[str, ...]] = {
    "item.current": ("current", "ballot", "agenda", "speakers"),
    "speaker": ("speakers",),
    "ballot.tally": ("ballot",),
    "ballot": ("ballot", "agenda", "results"),
    "session": ("status",),
    "attendance": ("present", "ballot"),
    "video.changed": ("video",),
}


def panels_for(kinds: Iterable[str]) -> list[str]:
    """The panels to re-render after events of these kinds, in page order. A kind this
    module does not know (a `snapshot`, or one added later) re-renders everything."""
    touched: set[str] = set()
    for kind in kinds:
        family = kind.partition(".")[0]
        found = _TOUCHES.get(kind, _TOUCHES.get(family))
        if found is None:
            return list(PANELS)
        touched.update(found)
    return [panel for panel in PANELS if panel in touched]


def values(state: LiveState, oob: bool) -> dict[str, Any]:
    """What the `_live_*` partials need; the page adds its own (the request's) on top."""
    return {"state": state, "label": label, "choices": CHOICES, "oob": oob}


def _render(
    templates: Templates, names: Iterable[str], context: dict[str, Any], language: str
) -> str:
    with use_language(language):
        return "\n".join(
            templates.env.get_template(f"streaming/_live_{name}.html").render(context)
            for name in names
        )


def render_all(templates: Templates, state: LiveState, language: str) -> str:
    """Every panel, for a snapshot (a new or resynchronised viewer)."""
    return _render(templates, [*PANELS, SEQ], values(state, oob=True), language)


def render_update(
    templates: Templates, state: LiveState, kinds: frozenset[str], language: str
) -> str:
    """The panels that events of these kinds changed, and the sequence number reached."""
    return _render(templates, [*panels_for(kinds), SEQ], values(state, oob=True), language)


def render_viewers(templates: Templates, count: int, language: str) -> str:
    """How many are watching: counted per worker and pushed apart from the log's events."""
    return _render(templates, ["viewers"], {"viewers": count, "oob": True}, language)
