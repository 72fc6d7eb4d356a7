"""Machine-readable views of the shell."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse

from participation.auth import database
from participation.settings import Settings


def healthz(request: Request) -> JSONResponse:
    try:
        database(request).ping()
    except SQLAlchemyError as error:
        reason = type(error).__name__
        return JSONResponse(
            {"status": "unavailable", "database": f"unreachable: {reason}"}, status_code=503
        )
    return JSONResponse({"status": "ok", "database": "ok"})


class ApiError(Exception):
    """A client mistake in an API call: answered as {"error": {"code", "message"}}."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message


def api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(
        {"error": {"code": exc.code, "message": exc.message}}, status_code=exc.status_code
    )


def page_limit(request: Request, default: int = 20, maximum: int = 100) -> int:
    raw = request.query_params.get("limit", str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ApiError(400, "invalid_limit", f"limit must be a whole number from 1 to {maximum}")
    return int(raw)


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 with an offset, as every time in the API is."""
    return moment.isoformat() if moment else None


def absolute(request: Request, path: str) -> str:
    settings: Settings = request.app.state.settings
    return f"{settings.base_url}{path}"


def next_link(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = dict(request.query_params)
    params["cursor"] = cursor
    return absolute(request, f"{request.url.path}?{urlencode(params)}")
