"""Small helpers every package's views use: the parsed form, redirects, the client address."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse

from participation.context import request_context
from participation.forms import Form
from participation.settings import Settings


def form_of(request: Request) -> Form:
    """The submitted form (parsed once by the CSRF middleware), ready for validation."""
    return Form(request_context(request).form)


def settings_of(request: Request) -> Settings:
    """The app's settings, as the app factory stored them."""
    settings: Settings = request.app.state.settings
    return settings


def see_other(url: str) -> RedirectResponse:
    """The answer to a successful POST: go and GET the result."""
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None, default: str = "/") -> str:
    """Only a path on this site; never another host (an open redirect helps phishing)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ch in value for ch in "\r\n\t"):
        return default
    return value


def client_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else "unknown"


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
