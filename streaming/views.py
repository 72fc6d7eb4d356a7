"""The public live page of a meeting, and its record after the session (the timeline and a
draft of the minutes, also as Markdown for the secretary)."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.middleware import content_security_policy
from participation.settings import Settings
from participation.templating import render
from participation.web import settings_of
from streaming import fragments
from streaming import minutes as record
from streaming.state import LiveState, load_state
from voting.actions import get_meeting, may_see_closed_items
from voting.models import MEETING_TIME, label
from voting.views import path_id

MARKDOWN = "md"
# Without JavaScript the visitor may ask the page to reload itself this often.
REFRESH_SECONDS = 30


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def live_policy(settings: Settings, state: LiveState) -> str:
    """The site's Content-Security-Policy, opened for this meeting's video only: the embedded
    player's origin as a frame, or the stream's origin for hls.js (which fetches it, and plays
    it through MediaSource `blob:` addresses)."""
    directives = dict(part.split(" ", 1) for part in content_security_policy(settings).split("; "))
    url = state.video_href
    if state.video_kind == "embed" and url:
        directives["frame-src"] = _origin(url)
    elif state.video_kind == "hls" and url:
        directives["media-src"] = f"'self' blob: {_origin(url)}"
        directives["connect-src"] = f"{directives['connect-src']} {_origin(url)}"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def live_page(request: Request) -> Response:
    """The current state, then htmx swaps in what the websocket pushes. Without JavaScript a
    refresh (the link, or with `?refresh=on` the meta refresh in <noscript>) shows it anew."""
    meeting_id = path_id(request, "meeting_id")
    user = auth.current_user(request)
    with auth.database(request).read() as session:
        get_meeting(session, meeting_id, user)
        state = load_state(session, meeting_id)
    values = {
        **fragments.values(state, oob=False),
        "viewers": None,
        "auto_refresh": request.query_params.get("refresh") == "on",
        "refresh_seconds": REFRESH_SECONDS,
    }
    response = render(request, "streaming/live.html", values)
    response.headers["Content-Security-Policy"] = live_policy(settings_of(request), state)
    return response


def minutes(request: Request) -> Response:
    """The page, or with `?format=md` the draft minutes as a Markdown file."""
    meeting_id = path_id(request, "meeting_id")
    wanted = request.query_params.get("format", "html")
    if wanted not in ("html", MARKDOWN):
        raise HTTPException(400)
    user = auth.current_user(request)
    with auth.database(request).read() as session:
        meeting = get_meeting(session, meeting_id, user)
        draft = record.load_minutes(
            session, meeting, include_closed=may_see_closed_items(session, meeting, user)
        )
    if wanted == MARKDOWN:
        return Response(
            record.as_markdown(draft, settings_of(request).zone),
            media_type="text/markdown; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="minutes-{meeting_id}.md"'},
        )
    values = {"minutes": draft, "when_format": MEETING_TIME, "label": label, "clock": record.clock}
    return render(request, "streaming/minutes.html", values)
