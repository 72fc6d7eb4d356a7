"""Placeholder views, replaced by the real ones."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response


def py(request: Request) -> Response:
    raise HTTPException(404)


def meetings(request: Request) -> Response:
    raise HTTPException(404)


def create_meeting(request: Request) -> Response:
    raise HTTPException(404)


def new_meeting(request: Request) -> Response:
    raise HTTPException(404)


def meeting_detail(request: Request) -> Response:
    raise HTTPException(404)


def publish_meeting(request: Request) -> Response:
    raise HTTPException(404)


def meeting_roles(request: Request) -> Response:
    raise HTTPException(404)


def add_item(request: Request) -> Response:
    raise HTTPException(404)


def move_item(request: Request) -> Response:
    raise HTTPException(404)


def add_document(request: Request) -> Response:
    raise HTTPException(404)


def document(request: Request) -> Response:
    raise HTTPException(404)


def link_item(request: Request) -> Response:
    raise HTTPException(404)


def councils(request: Request) -> Response:
    raise HTTPException(404)


def council(request: Request) -> Response:
    raise HTTPException(404)


def add_mandate(request: Request) -> Response:
    raise HTTPException(404)


def end_mandate(request: Request) -> Response:
    raise HTTPException(404)
