"""Placeholder views, replaced by the real ones."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response


def py(request: Request) -> Response:
    raise HTTPException(404)


def meetings(request: Request) -> Response:
    raise HTTPException(404)


def meeting(request: Request) -> Response:
    raise HTTPException(404)
