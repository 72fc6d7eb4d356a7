"""The clerk's pages for the lists behind problem reports: categories and departments.

Plain forms: each POST answers 303 with a flash, or the same page with the errors on the
form that was sent (and what was typed in it).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.checks import Refused
from participation.context import flash
from participation.forms import Form
from participation.i18n import gettext
from participation.models import Role, User
from participation.templating import render
from participation.web import form_of, see_other
from problems import admin, handling_forms
from problems.models import Department, ProblemCategory

DEPARTMENT_ACTIONS = ("create", "rename", "deactivate", "activate", "add_worker", "remove_worker")


def _require_clerk(request: Request) -> None:
    auth.require_user(request)
    if not auth.has_role(request, Role.clerk):
        raise Refused(403, gettext("Only a clerk can manage departments and categories."))


def _departments(session: Session) -> list[Department]:
    return list(session.exec(select(Department).order_by(col(Department.name))).all())


def _category_form(category: ProblemCategory) -> Form:
    return Form(
        {
            "category_id": str(category.id),
            "slug": category.slug,
            "name_nl": category.name_nl,
            "name_fr": category.name_fr,
            "name_en": category.name_en,
            "department_id": str(category.department_id),
            "handling_days": str(category.handling_days),
            "active": "on" if category.active else "",
        }
    )


def _categories_page(request: Request, form: Form, status_code: int = 200) -> Response:
    with auth.database(request).read() as session:
        categories = list(
            session.exec(select(ProblemCategory).order_by(col(ProblemCategory.slug))).all()
        )
        departments = _departments(session)
    values: dict[str, Any] = {
        "categories": categories,
        "departments": {d.id: d for d in departments},
        "department_options": [(str(d.id), d.name) for d in departments if d.active],
        "form": form,
    }
    return render(request, "problems/categories.html", values, status_code)


def categories(request: Request) -> Response:
    _require_clerk(request)
    user = auth.require_user(request)
    if request.method == "GET":
        edit = request.query_params.get("edit", "")
        form = Form({"handling_days": "14", "active": "on"})
        if edit.isdigit() and len(edit) < 12:
            with auth.database(request).read() as session:
                found = session.get(ProblemCategory, int(edit))
            if found is not None:
                form = _category_form(found)
        return _categories_page(request, form)
    form = form_of(request)
    with auth.database(request).read() as session:
        department_ids = {d.id for d in _departments(session) if d.id is not None}
        draft = handling_forms.parse_category(form, department_ids)
        raw_id = form.value("category_id")
        category_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 12 else None
        if draft.slug and admin.slug_taken(session, draft.slug, category_id):
            form.error("slug", gettext("There is already a category with this short name."))
    if not form.ok:
        return _categories_page(request, form, 400)
    try:
        with auth.database(request).write() as session:
            admin.do_save_category(session, user, draft, category_id)
    except Refused as refused:
        if refused.status_code != 409:
            raise
        form.error("department_id", refused.message)
        return _categories_page(request, form, 400)
    flash(request, "success", gettext("The category is saved."))
    return see_other("/problems/categories")


def _departments_page(
    request: Request, form: Form, form_for: str = "", status_code: int = 200
) -> Response:
    """`form_for` says which form the errors belong to: "new", or a department's id."""
    with auth.database(request).read() as session:
        departments = _departments(session)
        workers = admin.workers_of(session)
    values: dict[str, Any] = {
        "departments": departments,
        "workers": workers,
        "form": form,
        "form_for": form_for,
        "blank_form": Form({}),
    }
    return render(request, "problems/departments.html", values, status_code)


def departments(request: Request) -> Response:
    _require_clerk(request)
    user = auth.require_user(request)
    if request.method == "GET":
        return _departments_page(request, Form({}))
    form = form_of(request)
    action = form.choice("action", DEPARTMENT_ACTIONS)
    raw_id = form.value("department_id")
    department_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 12 else 0
    if not form.ok or (action != "create" and not department_id):
        raise Refused(400, gettext("This request could not be understood."))
    form_for = "new" if action == "create" else str(department_id)
    try:
        message = _department_action(request, form, user, action, department_id)
    except Refused as refused:
        if refused.status_code not in (404, 409) or action in ("deactivate", "activate"):
            raise
        form.error("email" if action == "add_worker" else "name", refused.message)
    if form.errors:  # from the action's own fields (a property mypy would think unchanged)
        return _departments_page(request, form, form_for, 400)
    flash(request, "success", message)
    return see_other("/problems/departments")


def _department_action(
    request: Request, form: Form, user: User, action: str, department_id: int
) -> str:
    """Do one of the departments page's actions; the flash message, or errors on `form`."""
    if action in ("create", "rename"):
        draft = handling_forms.parse_department(form)
        if not form.ok:
            return ""
        with auth.database(request).write() as session:
            if action == "create":
                admin.do_create_department(session, user, draft)
            else:
                admin.do_rename_department(session, user, department_id, draft)
        return gettext("The department is saved.")
    if action in ("deactivate", "activate"):
        with auth.database(request).write() as session:
            admin.do_set_department_active(session, user, department_id, action == "activate")
        return gettext("The department is saved.")
    if action == "add_worker":
        email = handling_forms.parse_worker_email(form)
        if not form.ok:
            return ""
        with auth.database(request).write() as session:
            admin.do_add_worker(session, user, department_id, email)
        return gettext("The worker is added: they see this department's queue now.")
    raw_user = form.value("user_id")
    if not raw_user.isdigit() or len(raw_user) > 12:
        raise Refused(400, gettext("This request could not be understood."))
    with auth.database(request).write() as session:
        admin.do_remove_worker(session, user, department_id, int(raw_user))
    return gettext("The worker is removed from the department.")
