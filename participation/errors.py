"""Error answers: a page in the visitor's language, or JSON with a code under /api/."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from participation.checks import Refused
from participation.context import SCOPE_KEY, request_context
from participation.i18n import N_, gettext
from participation.middleware import CSRF_FIELD
from participation.ratelimit import RateLimited
from participation.templating import render

log = logging.getLogger(__name__)

_TITLES = {
    400: N_("This request could not be understood"),
    401: N_("Please log in"),
    403: N_("You may not do this"),
    404: N_("Page not found"),
    405: N_("This page cannot do that"),
    409: N_("This is not possible right now"),
    413: N_("What you sent is too large"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("The service is temporarily unavailable"),
}

_EXPLANATIONS = {
    "csrf": N_(
        "Your form could not be accepted because it was too old or came from another "
        "page. Go back, reload the page and send it again."
    ),
    "origin": N_("This request came from another website and was refused."),
    400: N_("Check what you entered and try again."),
    401: N_("You need to be logged in for this page."),
    403: N_("Your account does not have the rights for this page."),
    404: N_("The page you asked for does not exist, or no longer exists."),
    405: N_("This address does not accept this kind of request."),
    409: N_("The state of things changed; reload the page and try again."),
    413: N_("Send a smaller file or less text."),
    429: N_("Wait a little before you try again."),
    500: N_("The error has been logged. Please try again later."),
    503: N_("Please try again in a few minutes."),
}

_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_page(request: Request, status_code: int, reason: str = "") -> Response:
    if SCOPE_KEY not in request.scope:  # failed before the middleware that knows the visitor
        return PlainTextResponse(_TITLES.get(status_code, _TITLES[500]), status_code=status_code)
    title = gettext(_TITLES.get(status_code, _TITLES[500]))
    explanation = gettext(_EXPLANATIONS.get(reason or status_code, _EXPLANATIONS[500]))
    if wants_json(request):
        code = "csrf_failed" if reason == "csrf" else _CODES.get(status_code, "error")
        return JSONResponse(
            {"error": {"code": code, "message": explanation}}, status_code=status_code
        )
    # After a refused form, show what was typed so that nothing is lost.
    kept = []
    if reason == "csrf":
        kept = [
            value
            for key, value in request_context(request).form.multi_items()
            if isinstance(value, str)
            and value.strip()
            and "password" not in key
            and key != CSRF_FIELD
        ]
    return render(
        request,
        "errors/error.html",
        {"status_code": status_code, "title": title, "explanation": explanation, "kept": kept},
        status_code=status_code,
    )


def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 401 and not wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    response = error_page(request, exc.status_code)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def rate_limited(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RateLimited)
    response = error_page(request, 429)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return error_page(request, 500)


def refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    if wants_json(request):
        return JSONResponse(
            {"error": {"code": _CODES.get(exc.status_code, "error"), "message": exc.message}},
            status_code=exc.status_code,
        )
    return render(
        request,
        "errors/error.html",
        {
            "status_code": exc.status_code,
            "title": gettext(_TITLES.get(exc.status_code, _TITLES[409])),
            "explanation": exc.message,
            "kept": [],
        },
        status_code=exc.status_code,
    )
