"""Machine-readable views of the shell."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse

from participation.auth import database


def healthz(request: Request) -> JSONResponse:
    try:
        database(request).ping()
    except SQLAlchemyError as error:
        reason = type(error).__name__
        return JSONResponse(
            {"status": "unavailable", "database": f"unreachable: {reason}"}, status_code=503
        )
    return JSONResponse({"status": "ok", "database": "ok"})
