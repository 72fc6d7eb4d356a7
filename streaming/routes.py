"""Named routes of the streaming package, mounted by the app factory."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route, WebSocketRoute

from streaming import console_views, sockets, tablet_views, views

POST = ["POST"]

routes: list[BaseRoute] = [
    # The public live page and the record after the session (views.py).
    Route("/live/{meeting_id:int}", views.live_page, name="live"),
    Route("/meetings/{meeting_id:int}/minutes", views.minutes, name="minutes"),
    # Websockets (sockets.py): HTML fragments for the live page's htmx, JSON for apps.
    WebSocketRoute("/live/{meeting_id:int}/ws", sockets.html_socket, name="live_socket"),
    WebSocketRoute("/api/v1/meetings/{meeting_id:int}/live", sockets.json_socket, name="api_live"),
    # The chair's console (console_views.py) and the members' tablets (tablet_views.py).
    Route("/meetings/{meeting_id:int}/console", console_views.console, name="console"),
    Route(
        "/meetings/{meeting_id:int}/current-item",
        console_views.current_item,
        methods=POST,
        name="current_item",
    ),
    Route(
        "/meetings/{meeting_id:int}/speakers",
        console_views.speakers,
        methods=POST,
        name="speakers",
    ),
    Route(
        "/meetings/{meeting_id:int}/live-settings",
        console_views.live_settings,
        methods=POST,
        name="live_settings",
    ),
    Route(
        "/items/{item_id:int}/recorded-vote",
        console_views.recorded_vote,
        methods=POST,
        name="recorded_vote",
    ),
    Route("/meetings/{meeting_id:int}/tablet", tablet_views.tablet, name="tablet"),
    Route(
        "/meetings/{meeting_id:int}/tablet/panel", tablet_views.tablet_panel, name="tablet_panel"
    ),
]
