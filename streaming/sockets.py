"""The live websockets, views of the meeting's log (see `streaming.hub`).

`WS /api/v1/meetings/{id}/live?since=SEQ` (JSON): each message is `{"seq", "type", "data"}`.
Without `since`, with one ahead of the log or more than `MAX_REPLAY` events behind, the first
message is a `snapshot` whose `data` is the public live state and whose `seq` is the number
it shows; otherwise the events after `since`, from the log. Then the live events, without
gap or duplicate, except that `ballot.tally` events may be coalesced (only the latest is
sent). `viewers` messages `{"type": "viewers", "data": {"count": n}}` carry no `seq`.

`WS /live/{id}/ws?since=SEQ` (HTML, for the live page's htmx): every panel when the
viewer's `since` is absent or behind, then the panels each event changes, in the language
of the viewer's cookie, as out-of-band fragments.

Refusals: an `Origin` other than ours, or more than INSPRAAK_LIVE_MAX_CONNECTIONS_PER_IP open
sockets from one address in this worker: the handshake fails (HTTP 403). A meeting that does
not exist or is not public: closed with 4404. A JSON `since` that is not a whole number of 0
or more: closed with 1008 (policy violation). An HTML `since` that is not one counts as
absent. A viewer that falls behind: closed with 4000 ("resync"); it reconnects.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from participation.context import request_context
from participation.settings import Settings
from streaming import feed
from streaming.hub import Hubs, MeetingHub, Viewer

MAX_REPLAY = 500  # events; a viewer further behind gets a snapshot
POLICY_VIOLATION = 1008
NOT_FOUND = 4404


class _BadSince(ValueError):
    pass


def _since(websocket: WebSocket) -> int | None:
    raw = websocket.query_params.get("since")
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit():
        raise _BadSince(raw)
    return int(raw)


def _same_origin(websocket: WebSocket, settings: Settings) -> bool:
    """Browsers send the page's Origin; one from another site is a hijacking attempt. Other
    clients send none."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    scheme = "https" if websocket.url.scheme == "wss" else "http"
    base = urlsplit(settings.base_url)
    own = (f"{scheme}://{websocket.headers.get('host', '')}", f"{base.scheme}://{base.netloc}")
    return origin in own


class _LiveSocket:
    """A plain ASGI endpoint (Starlette's routes pass a class instance's calls straight
    through): the hub sends its messages through the connection's own `send`, not through
    `WebSocket.send_text` and a wrapper for each message to each viewer."""

    def __init__(self, *, html: bool) -> None:
        self.html = html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _socket(WebSocket(scope, receive, send), send, html=self.html)


html_socket = _LiveSocket(html=True)
json_socket = _LiveSocket(html=False)


async def _socket(websocket: WebSocket, send: Send, *, html: bool) -> None:
    hubs: Hubs = websocket.app.state.live
    settings: Settings = websocket.app.state.settings
    address = websocket.client.host if websocket.client else ""
    if (
        not _same_origin(websocket, settings)
        or hubs.addresses[address] >= settings.live_max_connections_per_ip
    ):
        await websocket.close(POLICY_VIOLATION)  # before accept: the handshake gets 403
        return
    hubs.addresses[address] += 1
    try:
        await _serve(websocket, send, hubs, html)
    except WebSocketDisconnect:
        pass  # the viewer left while we sent what it had missed
    finally:
        hubs.addresses[address] -= 1
        if not hubs.addresses[address]:
            del hubs.addresses[address]


async def _serve(websocket: WebSocket, send: Send, hubs: Hubs, html: bool) -> None:
    try:
        since = _since(websocket)
    except _BadSince:
        if not html:
            await websocket.accept()
            await websocket.close(POLICY_VIOLATION, "since must be a whole number, 0 or more")
            return
        since = None
    viewer = Viewer(send, request_context(websocket).language if html else None)
    hub = await hubs.join(websocket.path_params["meeting_id"], viewer)
    if hub is None:
        await websocket.accept()
        await websocket.close(NOT_FOUND, "no such public meeting")
        return
    try:
        # What the viewer missed is fixed before the handshake completes: whatever the log
        # gets once the client sees the socket open reaches it as a live event.
        missed = await (_missed_html(hub, viewer, since) if html else _missed(hub, viewer, since))
        await websocket.accept()
        for text in missed:
            await websocket.send_text(text)
        await viewer.start()  # what came meanwhile; the hub sends the rest
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass  # the live sockets only speak; what a client says is ignored
    finally:
        hubs.leave(viewer)


async def _missed(hub: MeetingHub, viewer: Viewer, since: int | None) -> list[str]:
    """What a JSON viewer missed, and its `floor`. The viewer is in the hub already, so events
    read from now on wait in its queue until `start`, and those sent here are skipped there."""
    if since is None or since > hub.last_seq or hub.last_seq - since > MAX_REPLAY:
        viewer.floor, text = await hub.snapshot()
        return [text]
    missed = await hub.hubs.read(feed.read_events, hub.hubs.db, hub.meeting_id, since)
    viewer.floor = missed[-1].seq if missed else since
    return [event.text for event in missed if event.public]


async def _missed_html(hub: MeetingHub, viewer: Viewer, since: int | None) -> list[str]:
    """Every panel, unless the viewer's page is as recent as the hub's state."""
    assert viewer.language is not None
    viewer.floor, text = await hub.page(viewer.language)
    return [text] if since is None or since < viewer.floor else []
