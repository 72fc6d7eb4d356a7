"""What the middleware learns about a request, kept in one typed object in the ASGI scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.datastructures import FormData
from starlette.requests import HTTPConnection

if TYPE_CHECKING:
    from participation.models import User

SCOPE_KEY = "inspraak"


@dataclass
class RequestContext:
    session_token: str | None
    anonymous_id: str
    language: str = "nl"
    form: FormData = field(default_factory=FormData)
    user_loaded: bool = False
    user: User | None = None
    roles: set[str] | None = None
    # What the response must do with the cookies; written by login, logout and flash.
    new_session_token: str | None = None
    end_session: bool = False
    has_cookie: bool = False
    cookie_needed: bool = False
    flashes_in: list[tuple[str, str]] = field(default_factory=list)
    flashes_out: list[tuple[str, str]] = field(default_factory=list)
    flashes_shown: bool = False
    new_language: str | None = None

    @property
    def csrf_subject(self) -> str:
        """What the CSRF token is bound to: the login session, or the anonymous visitor."""
        return self.new_session_token or self.session_token or self.anonymous_id


def request_context(connection: HTTPConnection) -> RequestContext:
    context: RequestContext = connection.scope[SCOPE_KEY]
    return context


def flash(connection: HTTPConnection, category: str, message: str) -> None:
    """Show a message on the next page this browser loads (after the 303 redirect)."""
    request_context(connection).flashes_out.append((category, message))
