"""Organisations that propose pacts: create one, read its page (its public pacts and its
members), and, as a member, add or remove members."""

from __future__ import annotations

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import Response

from pacts import forms, queries
from pacts import organisations as orgs
from pacts.models import ORGANISATION_KIND_LABELS, Pact
from pacts.views import render
from participation import auth
from participation.context import flash
from participation.forms import Form
from participation.i18n import gettext
from participation.models import Role
from participation.web import form_of, see_other

PACTS_SHOWN = 50  # an organisation's newest public pacts on its page


def _organisation_id(request: Request) -> int:
    value: int = request.path_params["organisation_id"]
    return value


def _url(organisation_id: int) -> str:
    return f"/organisations/{organisation_id}"


def organisations(request: Request) -> Response:
    """The visitor's organisations and the form to create one."""
    form = Form({})
    if request.method == "POST":
        creator = auth.require_user(request)
        form = form_of(request)
        draft = forms.parse_organisation(form)
        if draft is not None:
            with auth.database(request).write() as session:
                created = orgs.do_create_organisation(session, creator, draft)
                created_id = created.id or 0
            flash(request, "success", gettext("The organisation is created."))
            return see_other(_url(created_id))
    user = auth.current_user(request)
    mine = []
    if user is not None and user.id is not None:
        with auth.database(request).read() as session:
            mine = orgs.organisations_of(session, user.id)
    values = {
        "form": form,
        "mine": mine,
        "kinds": [(kind.value, gettext(label)) for kind, label in ORGANISATION_KIND_LABELS.items()],
    }
    return render(request, "pacts/organisations.html", values, 200 if form.ok else 400)


def organisation_page(
    request: Request, form: Form | None = None, status_code: int = 200
) -> Response:
    user = auth.current_user(request)
    clerk = auth.has_role(request, Role.clerk)
    organisation_id = _organisation_id(request)
    with auth.database(request).read() as session:
        found = orgs.get_organisation(session, organisation_id)
        members = orgs.members_of(session, organisation_id)
        pacts = list(
            session.exec(
                select(Pact)
                .where(col(Pact.organisation_id) == organisation_id, queries.listed())
                .order_by(col(Pact.id).desc())
                .limit(PACTS_SHOWN)
            )
        )
    manage = user is not None and (clerk or any(m == user.id for m, _ in members))
    values = {
        "organisation": found,
        "members": members,
        "pacts": pacts,
        "manage": manage,
        "form": form or Form({}),
    }
    return render(request, "pacts/organisation.html", values, status_code)


def organisation(request: Request) -> Response:
    return organisation_page(request)


def add_member(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    email = forms.parse_member_email(form)
    if email is None:
        with auth.database(request).read() as session:
            orgs.check_can_manage(session, _organisation_id(request), user)
        return organisation_page(request, form, 400)
    with auth.database(request).write() as session:
        added = orgs.do_add_member(session, _organisation_id(request), user, email)
        name = added.display_name
    flash(request, "success", gettext("%(name)s is a member now.") % {"name": name})
    return see_other(_url(_organisation_id(request)))


def remove_member(request: Request) -> Response:
    user = auth.require_user(request)
    removed_id: int = request.path_params["user_id"]
    with auth.database(request).write() as session:
        orgs.do_remove_member(session, _organisation_id(request), user, removed_id)
    if removed_id == user.id:
        flash(request, "info", gettext("You left the organisation."))
        return see_other("/organisations")
    flash(request, "info", gettext("The member is removed."))
    return see_other(_url(_organisation_id(request)))
