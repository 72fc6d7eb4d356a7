"""Routing by first segment answers exactly as Starlette's router over the whole list."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Match, Mount, Route, Router, WebSocketRoute
from starlette.testclient import TestClient

from participation.routing import SegmentRouter, first_segment


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "7", path)


def _scope(path: str, method: str = "GET", kind: str = "http") -> dict[str, object]:
    return {"type": kind, "path": path, "root_path": "", "method": method, "headers": []}


def _matched(routes: list[BaseRoute], scope: dict[str, object]) -> BaseRoute | None:
    for route in routes:
        match, _child = route.matches(scope)
        if match is Match.FULL:
            return route
    return None


def test_first_segments() -> None:
    assert first_segment("/items/{item_id:int}/advisory-vote") == "items"
    assert first_segment("/meetings.ics") == "meetings.ics"
    assert first_segment("/") == ""


def test_every_route_of_the_app_is_found_in_its_group(app: Starlette) -> None:
    router = app.router
    assert isinstance(router, SegmentRouter)
    for route in router.routes:
        if isinstance(route, Mount):
            continue
        path = _concrete(getattr(route, "path", ""))
        kind = "websocket" if isinstance(route, WebSocketRoute) else "http"
        methods = sorted(getattr(route, "methods", None) or {"GET"})
        scope = _scope(path, methods[0], kind)
        group = router.groups[first_segment(path)]
        # The same route wins in the group as in the whole list, in Starlette's order.
        assert _matched(group.routes, scope) is _matched(router.routes, scope), path


async def _name(request: Request) -> PlainTextResponse:
    return PlainTextResponse(request.scope["route"].path)


ROUTES: list[BaseRoute] = [Route("/ideas", _name), Route("/items/{item_id:int}/vote", _name)]


@pytest.mark.parametrize(
    ("method", "path", "status", "body"),
    [
        ("GET", "/ideas", 200, "/ideas"),
        ("GET", "/ideas/", 307, ""),  # the trailing-slash redirect, as Starlette does it
        ("POST", "/ideas", 405, ""),
        ("GET", "/nowhere", 404, ""),
        ("GET", "/items/3/vote", 200, "/items/{item_id:int}/vote"),
    ],
)
def test_answers_as_starlette_does(method: str, path: str, status: int, body: str) -> None:
    for router in (Router(routes=ROUTES), SegmentRouter(ROUTES)):
        app = Starlette()
        app.router = router
        with TestClient(app, follow_redirects=False) as client:
            response = client.request(method, path)
        assert response.status_code == status, (type(router).__name__, path)
        if body:
            assert response.text == body
