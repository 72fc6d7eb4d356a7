"""Pages of the shell itself: the home page and the language switch."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.context import request_context
from participation.i18n import LANGUAGE_NAMES
from participation.models import User
from participation.templating import render
from participation.web import form_of, safe_next, see_other


def home(request: Request) -> Response:
    return render(request, "participation/home.html")


def switch_language(request: Request) -> Response:
    form = form_of(request)
    language = form.choice("language", LANGUAGE_NAMES)
    if form.ok:
        request_context(request).new_language = language
        user = auth.current_user(request)
        if user is not None:
            with auth.database(request).write() as session:
                stored = session.get(User, user.id)
                if stored is not None:
                    stored.language = language
    return see_other(safe_next(form.data.get("next")))
