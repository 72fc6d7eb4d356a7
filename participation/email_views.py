"""Email notifications: per-kind preferences and the signed one-click unsubscribe link."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.context import flash
from participation.email_preferences import (
    do_set_preferences,
    do_unsubscribe,
    email_kinds,
    frequency_options,
    kind_label,
    preferences,
    read_unsubscribe_token,
)
from participation.forms import Form
from participation.i18n import gettext
from participation.links import LinkExpired, LinkInvalid
from participation.models import User
from participation.notifications import ALL_KINDS, DEFAULT_FREQUENCY, FREQUENCIES
from participation.templating import render
from participation.web import form_of, see_other, settings_of

PREFERENCES_URL = "/account/notifications"


def _preferences_page(request: Request, form: Form, status: int = 200) -> Response:
    return render(
        request,
        "participation/email_preferences.html",
        {
            "form": form,
            "kinds": email_kinds(),
            "options": frequency_options(),
            "default_frequency": DEFAULT_FREQUENCY,
        },
        status_code=status,
    )


def email_preferences(request: Request) -> Response:
    """One choice per kind; an unknown value is refused on its own field, the others kept."""
    user = auth.require_user(request)
    assert user.id is not None
    if request.method == "GET":
        with auth.database(request).read() as session:
            return _preferences_page(request, Form(preferences(session, user.id)))
    form = form_of(request)
    choices = {kind.name: form.choice(kind.name, FREQUENCIES) for kind in email_kinds()}
    if not form.ok:
        return _preferences_page(request, form, 400)
    with auth.database(request).write() as session:
        do_set_preferences(session, user.id, choices)
    flash(request, "success", gettext("Your email choices are saved."))
    return see_other(PREFERENCES_URL)


def unsubscribe(request: Request) -> Response:
    """GET asks to confirm (a link checker must not unsubscribe anyone); POST, which a mail
    client sends without cookies or CSRF token (RFC 8058), does it: the signed token is the
    proof. A bad or expired token changes nothing."""
    try:
        user_id, kind = read_unsubscribe_token(
            settings_of(request).secret_key, request.path_params["token"]
        )
    except (LinkExpired, LinkInvalid) as problem:
        return _unsubscribe_page(request, failed=True, expired=isinstance(problem, LinkExpired))
    with auth.database(request).write() as session:
        if session.get(User, user_id) is None:  # an erased account: nothing left to stop
            return _unsubscribe_page(request, failed=True)
        if request.method == "POST":
            do_unsubscribe(session, user_id, kind)
    about = None if kind == ALL_KINDS else kind_label(kind)
    return _unsubscribe_page(request, done=request.method == "POST", about=about)


def _unsubscribe_page(
    request: Request,
    *,
    failed: bool = False,
    expired: bool = False,
    done: bool = False,
    about: str | None = None,
) -> Response:
    values = {"failed": failed, "expired": expired, "done": done, "about": about}
    return render(
        request, "participation/unsubscribe.html", values, status_code=400 if failed else 200
    )
