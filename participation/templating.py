"""Jinja2 set up once: autoescaping, translations, and what every page needs to know."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import HTMLResponse

from participation import auth
from participation.comments import stance_label
from participation.context import request_context
from participation.i18n import (
    LANGUAGE_NAMES,
    format_datetime,
    gettext,
    ngettext,
    npgettext,
    pgettext,
)
from participation.markup import render_markdown
from participation.middleware import csrf_token
from participation.models import ROLE_VALUES, Role, role_label
from participation.notifications import unread_count
from participation.settings import Settings

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
# The badge counts this far and then says "99+": the query stays bounded.
UNREAD_BADGE_LIMIT = 100

log = logging.getLogger(__name__)


def unread_notifications(request: Request) -> int:
    """The signed-in user's unread count, one indexed query per request; 0 for a visitor."""
    cached: int | None = getattr(request.state, "unread_notifications", None)
    if cached is not None:
        return cached
    user = auth.current_user(request)
    count = 0
    if user is not None and user.id is not None:
        try:
            with auth.database(request).read() as session:
                count = unread_count(session, user.id, limit=UNREAD_BADGE_LIMIT)
        except SQLAlchemyError:
            # A badge is not worth an error page (nor spoiling the error page itself).
            log.exception("could not count unread notifications")
    request.state.unread_notifications = count
    return count


class Templates:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATE_DIR),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            auto_reload=False,
        )
        self.env.policies["ext.i18n.trimmed"] = True
        # Old-style callables: `_` is our function itself, not a wrapper per call (faster);
        # {% trans %} blocks still escape the values they substitute.
        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            gettext, ngettext, newstyle=False, pgettext=pgettext, npgettext=npgettext
        )
        # The extension's `_` looks `gettext` up again at every call; ours is the same function.
        self.env.globals["_"] = gettext
        self.env.filters["datetime"] = self._format_datetime
        self.env.filters["markdown"] = render_markdown
        self.env.globals.update(
            municipality_name=settings.municipality_name,
            language_names=LANGUAGE_NAMES,
            Role=Role,
            role_values=ROLE_VALUES,
            role_label=role_label,
            stance_label=stance_label,
        )

    def _format_datetime(self, value: dt.datetime, fmt: str = "medium") -> str:
        return format_datetime(value, self.settings.zone, fmt)

    def page_context(self, request: Request) -> dict[str, Any]:
        context = request_context(request)
        flashes = list(context.flashes_in)
        context.flashes_shown = True
        # A visitor's first page sets the cookie its forms' CSRF token is bound to.
        context.cookie_needed = not context.has_cookie
        return {
            "request": request,
            "user": auth.current_user(request),
            "has_role": lambda role: auth.has_role(request, role),
            "csrf_token": csrf_token(self.settings.secret_key, context.csrf_subject),
            "language": context.language,
            "flashes": flashes,
            "current_path": request.scope["path"],
            "current_url": _path_and_query(request),
            "unread_notifications": lambda: unread_notifications(request),
            "unread_badge_limit": UNREAD_BADGE_LIMIT,
        }


def _path_and_query(request: Request) -> str:
    """Where the visitor is, to come back to after a form (the language switch, logging in)."""
    path: str = request.scope["path"]
    query = request.scope.get("query_string", b"").decode("latin-1")
    return path + (f"?{query}" if query else "")


def render(
    request: Request,
    name: str,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    templates: Templates = request.app.state.templates
    context = templates.page_context(request)
    context.update(values or {})
    html = templates.env.get_template(name).render(context)
    return HTMLResponse(html, status_code=status_code, headers=headers)
