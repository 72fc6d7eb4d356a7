"""Reporting a problem: the form, the nearby open reports shown before sending (an htmx
fragment as the pin moves, or a step of the form without JavaScript), and "me too"."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.context import flash, request_context
from participation.forms import Form
from participation.i18n import current_language, gettext
from participation.models import User
from participation.photos import MAX_PHOTOS, store_uploaded_photos
from participation.templating import render
from participation.web import client_address, form_of, is_htmx, see_other, settings_of
from problems import forms, geocoding, reporting
from problems.models import DESCRIPTION_MAX, ProblemCategory, status_label

PHOTO_FOLDER = "problems"


def _reporter(request: Request) -> User | None:
    """The logged-in resident, or None for a visitor where anonymous reports are allowed;
    other visitors are sent to the login page first."""
    user = auth.current_user(request)
    if user is None and not settings_of(request).problems_anonymous:
        auth.require_user(request)
    reporting.check_can_report(user, settings_of(request))
    return user


def _categories(session: Session) -> list[ProblemCategory]:
    language = current_language()
    return sorted(reporting.active_categories(session), key=lambda c: c.name(language))


def _form_page(
    request: Request,
    form: Form,
    user: User | None,
    nearby: list[reporting.Nearby] | None = None,
    status_code: int = 200,
) -> Response:
    settings = settings_of(request)
    with auth.database(request).read() as session:
        categories = _categories(session)
    values: dict[str, Any] = {
        "form": form,
        "categories": categories,
        "anonymous": user is None,
        "nearby": nearby or [],
        "nearby_step": bool(nearby),
        "max_photos": MAX_PHOTOS,
        "description_max": DESCRIPTION_MAX,
        "has_boundary": bool(settings.municipality_boundary),
        "has_geocoder": bool(settings.geocoder_url),
        "map_center": settings.map_center,
        "map_tile_url": settings.map_tile_url,
        "status_label": status_label,
    }
    return render(request, "problems/new.html", values, status_code)


def new_problem(request: Request) -> Response:
    user = _reporter(request)
    return _form_page(request, Form({}), user)


def create_problem(request: Request) -> Response:
    user = _reporter(request)
    settings = settings_of(request)
    form = form_of(request)
    address = client_address(request)
    lookup = geocoding.fill_location(form, settings, current_language())
    with auth.database(request).read() as session:
        category_ids = {c.id for c in reporting.active_categories(session) if c.id is not None}
        draft = forms.parse_report(
            form,
            category_ids,
            settings.municipality_boundary,
            anonymous=user is None,
            lookup=lookup,
        )
        if draft is not None and form.data.get("confirm_new") != "on":
            nearby = reporting.nearby_open(
                session, draft.category_id, draft.latitude, draft.longitude
            )
            if nearby:
                return _form_page(request, form, user, nearby)
        reporting.check_rate(session, user, address)  # before any photo is stored
    uploads = request_context(request).form.getlist("photos")
    photos = (
        store_uploaded_photos(uploads, form, settings.uploads_path, PHOTO_FOLDER)
        if draft is not None
        else []
    )
    if draft is None or not form.ok:
        return _form_page(request, form, user, status_code=400)
    with auth.database(request).write() as session:
        report = reporting.do_report_problem(
            session, user, draft, photos, settings=settings, address=address
        )
    assert report.id is not None
    if user is None:
        message = gettext(
            "Thank you: your report is sent. Keep this page's address to follow it; you have no"
            " account, so we cannot tell you when it changes."
        )
    else:
        message = gettext("Thank you: your report is sent. We tell you when it changes.")
    flash(request, "success", message)
    return see_other(reporting.problem_url(report.id))


def nearby(request: Request) -> Response:
    """The open reports near the pin, of the chosen kind (an htmx fragment of the form)."""
    query = forms.parse_nearby(Form(request.query_params))
    found: list[reporting.Nearby] = []
    if query is not None:
        with auth.database(request).read() as session:
            found = reporting.nearby_open(
                session, query.category_id, query.latitude, query.longitude
            )
    values = {"nearby": found, "nearby_step": False, "status_label": status_label}
    return render(request, "problems/_nearby.html", values)


def me_too(request: Request) -> Response:
    report_id: int = request.path_params["report_id"]
    with auth.database(request).write() as session:
        user = auth.require_user(request, session)
        report = reporting.do_me_too(session, report_id, user)
    if is_htmx(request):
        values = {"report": report, "has_me_too": True, "can_me_too": False}
        return render(request, "problems/_me_too.html", values)
    flash(request, "success", gettext("Thank you: you are counted, and you follow this report."))
    return see_other(f"{reporting.problem_url(report_id)}#me-too")
