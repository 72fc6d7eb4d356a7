"""Account pages: register, verify, log in and out, profile, password, reset."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response

from participation import actions, auth, forms, links
from participation.checks import Refused
from participation.context import flash, request_context
from participation.database import Database
from participation.forms import Form
from participation.i18n import gettext
from participation.links import Links
from participation.ratelimit import RateLimited
from participation.templating import render
from participation.web import client_address, form_of, safe_next, see_other, settings_of


def _db(request: Request) -> Database:
    return auth.database(request)


def _links(request: Request) -> Links:
    found: Links = request.app.state.links
    return found


def _form_page(
    request: Request, template: str, form: Form, status_code: int = 200, **values: object
) -> Response:
    headers = {}
    if status_code == 429 and "retry_after" in values:
        headers["Retry-After"] = str(values["retry_after"])
    return render(request, template, {"form": form, **values}, status_code, headers)


def _limited(
    request: Request,
    template: str,
    form: Form,
    field: str,
    limited: RateLimited,
    **values: object,
) -> Response:
    minutes = max(1, limited.retry_after // 60)
    form.error(
        field,
        gettext("Too many attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes},
    )
    return _form_page(request, template, form, 429, retry_after=limited.retry_after, **values)


def _link_failed(
    request: Request, *, expired: bool, reset: bool, form: Form | None = None, status: int = 409
) -> Response:
    """The page for a link that expired, was used, or was never ours, with a way forward."""
    values = {"expired": expired, "reset": reset, "form": form or Form({})}
    return render(request, "participation/link_failed.html", values, 410 if expired else status)


def register(request: Request) -> Response:
    if request.method == "GET":
        return _form_page(request, "participation/register.html", Form({}))
    form = form_of(request)
    registration = forms.parse_registration(form)
    if not form.ok:
        return _form_page(request, "participation/register.html", form, 400)
    try:
        with _db(request).write() as session:
            actions.do_register(
                session, registration, client_address(request), request_context(request).language
            )
    except RateLimited as limited:
        return _limited(request, "participation/register.html", form, "email", limited)
    return see_other(str(request.url_for("register_sent")))


def register_sent(request: Request) -> Response:
    return render(request, "participation/register_sent.html")


def verify_email(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        claim = _links(request).read(links.VERIFY_EMAIL, token)
        with _db(request).write() as session:
            actions.do_verify_email(session, claim)
    except (links.LinkExpired, links.LinkInvalid, links.LinkUsed, Refused) as problem:
        return _link_failed(request, expired=isinstance(problem, links.LinkExpired), reset=False)
    flash(request, "success", gettext("Your email address is confirmed. Welcome!"))
    return see_other("/account" if auth.current_user(request) else "/login")


def resend_verification(request: Request) -> Response:
    form = form_of(request)
    email = form.email()
    if not form.ok:
        return _link_failed(request, expired=False, reset=False, form=form, status=400)
    try:
        with _db(request).write() as session:
            actions.do_resend_verification(session, email, client_address(request))
    except RateLimited as limited:
        return _limited(request, "participation/link_failed.html", form, "email", limited)
    flash(request, "info", gettext("If this address needs confirming, we have sent a new link."))
    return see_other("/login")


def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next") or form_of(request).data.get("next"))
    template = "participation/login.html"
    if request.method == "GET":
        return _form_page(request, template, Form({}), next=next_url)
    form = form_of(request)
    credentials = forms.parse_login(form)
    if not form.ok:
        return _form_page(request, template, form, 400, next=next_url)
    lifetime = dt.timedelta(days=settings_of(request).session_days)
    address = client_address(request)
    try:
        with _db(request).read() as session:
            attempt = actions.check_login(session, credentials, address)
        with _db(request).write() as session:
            user = actions.do_record_login(session, attempt, credentials, address)
            if user is not None:
                auth.start_session(request, session, user, lifetime)
    except Refused as refused:  # a banned account, after the right password
        form.error("email", refused.message)
        return _form_page(request, template, form, refused.status_code, next=next_url)
    if attempt.retry_after is not None:
        limited = RateLimited(attempt.retry_after)
        return _limited(request, template, form, "email", limited, next=next_url)
    if attempt.user is None:
        # One message for a wrong password and an unknown address: no user enumeration.
        form.error("password", gettext("The email address or the password is not correct."))
        return _form_page(request, template, form, 400, next=next_url)
    flash(request, "success", gettext("You are logged in."))
    return see_other(next_url)


def logout(request: Request) -> Response:
    with _db(request).write() as session:
        auth.end_session(request, session)
    flash(request, "info", gettext("You are logged out."))
    return see_other("/")


def logout_everywhere(request: Request) -> Response:
    user = auth.require_user(request)
    with _db(request).write() as session:
        actions.do_logout_everywhere(session, user)
        auth.end_session(request, session)
    flash(request, "info", gettext("You are logged out on every device."))
    return see_other("/login")


def account(request: Request) -> Response:
    user = auth.require_user(request)
    if request.method == "GET":
        form = Form({"display_name": user.display_name, "language": user.language})
        return _form_page(request, "participation/account.html", form)
    form = form_of(request)
    profile = forms.parse_profile(form)
    if not form.ok:
        return _form_page(request, "participation/account.html", form, 400)
    with _db(request).write() as session:
        actions.do_update_profile(session, user, profile)
    context = request_context(request)
    context.new_language = profile.language
    flash(request, "success", gettext("Your profile is saved."))
    return see_other("/account")


def change_password(request: Request) -> Response:
    user = auth.require_user(request)
    template = "participation/password_change.html"
    if request.method == "GET":
        return _form_page(request, template, Form({}))
    form = form_of(request)
    change = forms.parse_password_change(form, user.email, user.display_name)
    if form.ok:
        try:
            actions.check_password_change(user, change)
        except Refused as refused:
            form.error("current_password", refused.message)
    if not form.ok:
        return _form_page(request, template, form, 400)
    lifetime = dt.timedelta(days=settings_of(request).session_days)
    with _db(request).write() as session:
        actions.do_change_password(session, user, change.new_password)
        auth.start_session(request, session, user, lifetime)
    flash(request, "success", gettext("Your password is changed. Other devices are logged out."))
    return see_other("/account")


def forgot_password(request: Request) -> Response:
    template = "participation/password_forgot.html"
    if request.method == "GET":
        return _form_page(request, template, Form({}))
    form = form_of(request)
    email = form.email()
    if not form.ok:
        return _form_page(request, template, form, 400)
    try:
        with _db(request).write() as session:
            actions.do_request_password_reset(session, email, client_address(request))
    except RateLimited as limited:
        return _limited(request, template, form, "email", limited)
    flash(
        request,
        "info",
        gettext(
            "If an account uses this address, we have sent it a link to choose a new password."
        ),
    )
    return see_other("/login")


def reset_password(request: Request) -> Response:
    template = "participation/password_reset.html"
    try:
        claim = _links(request).read(links.RESET_PASSWORD, request.path_params["token"])
        with _db(request).read() as session:
            user = actions.check_reset_link(session, claim)
    except (links.LinkExpired, links.LinkInvalid, Refused) as problem:
        return _link_failed(request, expired=isinstance(problem, links.LinkExpired), reset=True)
    if request.method == "GET":
        return _form_page(request, template, Form({}))
    form = form_of(request)
    new_password = form.new_password("password", personal=(user.email, user.display_name))
    if not form.ok:
        return _form_page(request, template, form, 400)
    try:
        with _db(request).write() as session:
            actions.do_reset_password(session, claim, new_password)
    except (links.LinkUsed, Refused):
        return _link_failed(request, expired=False, reset=True)
    flash(request, "success", gettext("Your new password is set. You can log in now."))
    return see_other("/login")
