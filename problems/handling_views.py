"""Handling pages: the department queue, and the forms a handler (or, once, the reporter)
sends from a report's page.

The report page (views.problem_detail) shows `problems/_handling.html` to handlers, with
the values of `handling_values` (without them it falls back to blank forms and no
reassigning), and `problems/_handling_confirm.html` to the reporter of a fixed report.
A handling form with errors comes back on `problems/handle.html`, with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.checks import Refused
from participation.context import flash, request_context
from participation.forms import Form
from participation.i18n import current_language, gettext
from participation.models import User
from participation.photos import StoredPhoto, delete_photo, store_uploaded_photos
from participation.templating import render
from participation.web import form_of, see_other, settings_of
from problems import handling, handling_forms, handling_photos
from problems.models import (
    STATUS_VALUES,
    Department,
    ProblemCategory,
    ProblemPhoto,
    ProblemReport,
    status_label,
)
from problems.queue import COUNT_CAP, OPEN, QueueFilter, queue_page
from problems.reporting import get_report, problem_url

CONFIRM = ("confirm", "reopen")
CHECK = ("publish", "reject")


def report_id_of(request: Request) -> int:
    value: int = request.path_params["report_id"]
    return value


def _departments(session: Session) -> list[Department]:
    statement = select(Department).order_by(col(Department.name))
    return list(session.exec(statement).all())


def handling_values(session: Session, report: ProblemReport, **forms: Form) -> dict[str, Any]:
    """What `_handling.html` needs besides the report: the other active departments, the
    statuses a handler may choose, the reporter's photos still to check, and each form
    (blank, or as sent with its errors)."""
    assert report.id is not None
    unchecked = session.exec(
        select(ProblemPhoto)
        .where(ProblemPhoto.report_id == report.id, col(ProblemPhoto.public).is_(False))
        .order_by(col(ProblemPhoto.id))
    ).all()
    blank = Form({})
    return {
        "handling_departments": [
            d for d in _departments(session) if d.active and d.id != report.department_id
        ],
        "handling_statuses": [(s.value, status_label(s)) for s in handling_forms.HANDLER_STATUSES],
        "photos_to_check": list(unchecked),
        "fix_photo_room": handling_photos.fix_photo_room(session, report.id),
        "status_form": forms.get("status_form", blank),
        "assign_form": forms.get("assign_form", blank),
        "merge_form": forms.get("merge_form", blank),
        "photo_form": forms.get("photo_form", blank),
        "status_label": status_label,
    }


def _handle_page(request: Request, report_id: int, **forms: Form) -> Response:
    """The report's handling forms again, with the errors of the one that was sent."""
    user = auth.require_user(request)
    with auth.database(request).read() as session:
        report = get_report(session, report_id)
        handling.check_can_handle(session, user, report)
        values = handling_values(session, report, **forms)
    return render(request, "problems/handle.html", {"report": report, **values}, 400)


def _refused_on(form: Form, field: str, refused: Refused) -> bool:
    """A refusal about what was typed (400) goes back to the form, on the field."""
    if refused.status_code != 400:
        return False
    form.error(field, refused.message)
    return True


# The queue


def _queue_filter(
    request: Request, session: Session, user: User
) -> tuple[QueueFilter, str, list[int]]:
    """The departments the user may see (a clerk: any or all; a worker: theirs), and the
    other filters from the query string. Returns the filter, the department chosen (or
    "all") and the departments the user may choose from."""
    params = request.query_params
    if handling.is_clerk(session, user):
        allowed = [d.id for d in _departments(session) if d.id is not None]
    else:
        allowed = handling.worker_department_ids(session, user)
    if not allowed and not handling.is_clerk(session, user):
        raise Refused(403, gettext("The queue is for clerks and department workers."))
    chosen = params.get("department", "all")
    department_ids = tuple(sorted(allowed))
    if chosen.isdigit() and int(chosen) in allowed:
        department_ids = (int(chosen),)
    else:
        chosen = "all"
    status = params.get("status", "open")
    statuses = (status,) if status in STATUS_VALUES else OPEN
    category = params.get("category", "")
    flt = QueueFilter(
        department_ids=department_ids,
        statuses=statuses,
        category_id=int(category) if category.isdigit() and len(category) < 12 else None,
        overdue=params.get("overdue") == "1",
        cursor=params.get("cursor", "")[:40],
    )
    return flt, chosen, allowed


def queue(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).read() as session:
        flt, chosen, allowed = _queue_filter(request, session, user)
        page = queue_page(session, flt)
        departments = [d for d in _departments(session) if d.id in allowed]
        categories = list(session.exec(select(ProblemCategory)).all())
    language = current_language()
    status = request.query_params.get("status", "open")
    query = {
        "department": chosen,
        "category": str(flt.category_id or ""),
        "status": status if status in STATUS_VALUES else "open",
        "overdue": "1" if flt.overdue else "",
    }
    values = {
        "page": page,
        "filter": flt,
        "query": query,
        "department_options": [(str(d.id), d.name) for d in departments],
        "category_options": sorted(
            ((str(c.id), c.name(language)) for c in categories), key=lambda o: o[1]
        ),
        "status_options": [
            ("open", gettext("All open")),
            *((s, status_label(s)) for s in STATUS_VALUES),
        ],
        "status_label": status_label,
        "settings": settings_of(request),
        "count_cap": COUNT_CAP,
    }
    return render(request, "problems/queue.html", values)


# Forms on a report's page


def _handle_form(
    request: Request,
    report_id: int,
    name: str,
    form: Form,
    act: Callable[[Session], object],
    message: str,
    *,
    refused_on: str = "",
    to: int | None = None,
) -> Response:
    """Run a handling action for a valid form, then go to the timeline of the report (or of
    `to`, where the action leads). A form with errors comes back on the handling page as
    `name`; so does a refusal about what was typed, on the field `refused_on` when given."""
    if not form.ok:
        return _handle_page(request, report_id, **{name: form})
    try:
        with auth.database(request).write() as session:
            act(session)
    except Refused as refused:
        if refused_on and _refused_on(form, refused_on, refused):
            return _handle_page(request, report_id, **{name: form})
        raise
    flash(request, "success", message)
    return see_other(f"{problem_url(report_id if to is None else to)}#timeline")


def set_status(request: Request) -> Response:
    user = auth.require_user(request)
    report_id = report_id_of(request)
    form = form_of(request)
    draft = handling_forms.parse_status(form)
    return _handle_form(
        request,
        report_id,
        "status_form",
        form,
        lambda s: handling.do_set_status(
            s, user, report_id, draft.status, draft.note, draft.referral
        ),
        gettext("The status is saved; the reporter and followers are told."),
        refused_on="status",
    )


def assign(request: Request) -> Response:
    user = auth.require_user(request)
    report_id = report_id_of(request)
    form = form_of(request)
    department_id = handling_forms.parse_assign(form)
    return _handle_form(
        request,
        report_id,
        "assign_form",
        form,
        lambda s: handling.do_assign(s, user, report_id, department_id),
        gettext("The report is passed to the other department."),
    )


def merge(request: Request) -> Response:
    user = auth.require_user(request)
    report_id = report_id_of(request)
    form = form_of(request)
    into_id = handling_forms.parse_merge(form)
    return _handle_form(
        request,
        report_id,
        "merge_form",
        form,
        lambda s: handling.do_merge(s, user, report_id, into_id),
        gettext("The duplicate is merged into this report."),
        to=into_id,
    )


def _delete_files(request: Request, photos: list[StoredPhoto]) -> None:
    for photo in photos:
        delete_photo(settings_of(request).uploads_path, photo)


def add_fix_photo(request: Request) -> Response:
    user = auth.require_user(request)
    report_id = report_id_of(request)
    with auth.database(request).read() as session:
        handling.check_can_handle(session, user, get_report(session, report_id))
    form = form_of(request)
    uploads = request_context(request).form.getlist("photos")
    if not any(isinstance(u, UploadFile) and u.filename for u in uploads):
        form.error("photos", gettext("Choose a photo of the fix."))
        return _handle_page(request, report_id, photo_form=form)
    stored = store_uploaded_photos(uploads, form, settings_of(request).uploads_path, "problems")
    if not form.ok:
        return _handle_page(request, report_id, photo_form=form)
    try:
        with auth.database(request).write() as session:
            handling_photos.do_add_fix_photos(session, user, report_id, stored)
    except Refused as refused:
        _delete_files(request, stored)
        if refused.status_code != 409:
            raise
        form.error("photos", refused.message)
        return _handle_page(request, report_id, photo_form=form)
    flash(request, "success", gettext("The photo of the fix is published."))
    return see_other(f"{problem_url(report_id)}#photos")


def check_photo(request: Request) -> Response:
    user = auth.require_user(request)
    photo_id: int = request.path_params["photo_id"]
    form = form_of(request)
    approve = handling_forms.parse_answer(form, CHECK)
    if not form.ok:
        raise Refused(400, form.errors["action"])
    with auth.database(request).write() as session:
        report_id, files = handling_photos.do_check_photo(session, user, photo_id, approve)
    if files is not None:
        _delete_files(request, [files])
        flash(request, "info", gettext("The photo is deleted: the public never saw it."))
    else:
        flash(request, "success", gettext("The photo is public now."))
    return see_other(f"{problem_url(report_id)}#photos")


def confirm(request: Request) -> Response:
    user = auth.require_user(request)
    report_id = report_id_of(request)
    form = form_of(request)
    fixed = handling_forms.parse_answer(form, CONFIRM)
    if not form.ok:
        raise Refused(400, form.errors["action"])
    with auth.database(request).write() as session:
        handling.do_confirm(session, user, report_id, fixed)
    if fixed:
        flash(request, "success", gettext("Thank you for confirming that it is fixed."))
    else:
        flash(request, "info", gettext("The report is open again, back in the department's queue."))
    return see_other(f"{problem_url(report_id)}#timeline")
