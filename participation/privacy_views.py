"""Privacy: what is stored about me, taking it away, deleting my account, the privacy page."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from participation import auth, erasure, privacy
from participation.checks import Refused
from participation.context import flash
from participation.forms import Form
from participation.i18n import gettext
from participation.middleware import LANGUAGE_COOKIE, SESSION_COOKIE
from participation.ratelimit import RateLimited
from participation.templating import render
from participation.web import form_of, see_other, settings_of

DELETE_TEMPLATE = "participation/delete_account.html"


def privacy_page(request: Request) -> Response:
    settings = settings_of(request)
    values = {
        "stored": privacy.described(settings),
        "retention_days": settings.retention_days,
        "session_days": settings.session_days,
        "cookies": (SESSION_COOKIE, LANGUAGE_COOKIE),
        "tile_url": settings.map_tile_url,
    }
    return render(request, "participation/privacy.html", values)


def _data_of(request: Request) -> dict[str, object]:
    user = auth.require_user(request)
    with auth.database(request).read() as session:
        return privacy.personal_data(session, user)


def my_data(request: Request) -> Response:
    data = _data_of(request)
    return render(
        request, "participation/my_data.html", {"sections": privacy.readable_sections(data)}
    )


def my_data_json(request: Request) -> Response:
    """A download, not a page: a visitor is sent to log in first, as for /me/data (the API's
    JSON errors are for /api/ only)."""
    data = _data_of(request)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="inspraak-data.json"',
            "Cache-Control": "no-store",
        },
    )


def delete_account(request: Request) -> Response:
    user = auth.require_user(request)
    if request.method == "GET":
        return render(request, DELETE_TEMPLATE, {"form": Form({})})
    assert user.id is not None
    form = form_of(request)
    password = form.password()
    if not form.ok:
        return render(request, DELETE_TEMPLATE, {"form": form}, 400)
    db = auth.database(request)
    try:
        with db.read() as session:
            erasure.check_delete_account(session, user, password)
    except RateLimited as limited:
        minutes = max(1, limited.retry_after // 60)
        form.error(
            "password",
            gettext("Too many attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes},
        )
        headers = {"Retry-After": str(limited.retry_after)}
        return render(request, DELETE_TEMPLATE, {"form": form}, 429, headers)
    except Refused as refused:
        with db.write() as session:
            erasure.do_count_wrong_password(session, user)
        form.error("password", refused.message)
        return render(request, DELETE_TEMPLATE, {"form": form}, refused.status_code)
    with db.write() as session:
        erasure.do_delete_account(session, user.id)
        auth.end_session(request, session)
    flash(request, "success", gettext("Your account is deleted. Thank you for taking part."))
    return see_other("/")
