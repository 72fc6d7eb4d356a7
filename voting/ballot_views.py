"""Placeholder views, replaced by the real ones."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response


def py(request: Request) -> Response:
    raise HTTPException(404)


def item_detail(request: Request) -> Response:
    raise HTTPException(404)


def council_vote(request: Request) -> Response:
    raise HTTPException(404)


def recusal(request: Request) -> Response:
    raise HTTPException(404)


def advisory_vote(request: Request) -> Response:
    raise HTTPException(404)


def ballot(request: Request) -> Response:
    raise HTTPException(404)


def meeting_session(request: Request) -> Response:
    raise HTTPException(404)


def check_in(request: Request) -> Response:
    raise HTTPException(404)


def dashboard(request: Request) -> Response:
    raise HTTPException(404)
