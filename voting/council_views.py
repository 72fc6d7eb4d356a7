"""The clerk's pages for councils and committees: their voting rules and their members."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.checks import Refused
from participation.context import flash
from participation.forms import Form
from participation.i18n import current_language, gettext
from participation.web import form_of, see_other, settings_of
from voting import actions, forms, rules
from voting import councils as council_actions
from voting.models import Council, Mandate
from voting.views import path_id, render, require_clerk, write_form

# The Flemish defaults (Decreet Lokaal Bestuur), preselected when a council is made.
DEFAULT_RULES = rules.Rules()


def council_url(council_id: int) -> str:
    return f"/councils/{council_id}"


def _today(request: Request) -> dt.date:
    """Today in the municipality: what a clerk means by "today"."""
    return dt.datetime.now(settings_of(request).zone).date()


def format_day(day: dt.date) -> str:
    return format_date(day, "medium", locale=current_language())


def _rules_form(council: Council | rules.Rules, **extra: str) -> Form:
    if isinstance(council, Council):
        values = (council.vote_basis, council.vote_threshold, council.tie_rule)
        quorum = council.quorum_required
    else:
        values = (council.basis.value, council.threshold.value, council.tie.value)
        quorum = council.quorum_required
    basis, threshold, tie = values
    return Form(
        {
            "vote_basis": basis,
            "vote_threshold": threshold,
            "tie_rule": tie,
            "quorum_required": "on" if quorum else "off",
            **extra,
        }
    )


def councils(request: Request) -> Response:
    user = require_clerk(request)
    form: Form | None = None
    if request.method == "POST":
        form = form_of(request)
        draft = forms.parse_council(form)
        if form.ok:
            with auth.database(request).write() as session:
                created = council_actions.do_create_council(session, user, draft)
            assert created.id is not None
            flash(request, "success", gettext("The council is made. Now add its members."))
            return see_other(council_url(created.id))
    with auth.database(request).read() as session:
        actions.check_clerk(session, user)
        found = council_actions.councils_with_members(session, _today(request))
    if form is None:
        form = _rules_form(DEFAULT_RULES, kind="committee" if found else "council")
    values = {"form": form, "councils": found, "kind_label": council_actions.kind_label}
    return render(request, "voting/councils.html", values, 200 if form.ok else 400)


def _council_page(
    request: Request, council_id: int, status_code: int = 200, **forms_with_errors: Any
) -> Response:
    user = auth.require_user(request)
    today = _today(request)
    with auth.database(request).read() as session:
        actions.check_clerk(session, user)
        council = council_actions.get_council(session, council_id)
        mandates = council_actions.mandates_of(session, council_id)
    values: dict[str, Any] = {
        "council": council,
        "current": [m for m in mandates if m.ends_on is None or m.ends_on >= today],
        "past": [m for m in mandates if m.ends_on is not None and m.ends_on < today],
        "today": today,
        "format_day": format_day,
        "kind_label": council_actions.kind_label,
        "rules_form": _rules_form(council),
        "mandate_form": Form({"starts_on": today.isoformat()}),
        "end_forms": {},
    }
    values.update(forms_with_errors)
    return render(request, "voting/council.html", values, status_code)


def council(request: Request) -> Response:
    council_id = path_id(request, "council_id")
    if request.method != "POST":
        return _council_page(request, council_id)
    user = require_clerk(request)
    form = form_of(request)
    draft = forms.parse_rules(form)
    if not form.ok:
        return _council_page(request, council_id, 400, rules_form=form)
    with auth.database(request).write() as session:
        council_actions.do_set_rules(session, user, council_id, draft)
    flash(request, "success", gettext("The voting rules are saved."))
    return see_other(council_url(council_id))


def add_mandate(request: Request) -> Response:
    user = require_clerk(request)
    council_id = path_id(request, "council_id")
    form = form_of(request)
    draft = forms.parse_mandate(form)
    mandate = write_form(
        request, form, lambda s: council_actions.do_add_mandate(s, user, council_id, draft)
    )
    if mandate is None:
        return _council_page(request, council_id, 400, mandate_form=form)
    flash(
        request,
        "success",
        gettext("%(name)s now sits on this council.") % {"name": mandate.member_name},
    )
    return see_other(f"{council_url(council_id)}#mandate-{mandate.id}")


def end_mandate(request: Request) -> Response:
    user = require_clerk(request)
    mandate_id = path_id(request, "mandate_id")
    form = form_of(request)
    ends_on = forms.parse_end_of_mandate(form, _today(request))
    mandate = write_form(
        request, form, lambda s: council_actions.do_end_mandate(s, user, mandate_id, ends_on)
    )
    if mandate is None:
        with auth.database(request).read() as session:
            found = session.get(Mandate, mandate_id)
        if found is None:
            raise Refused(404, gettext("This mandate does not exist."))
        return _council_page(request, found.council_id, 400, end_forms={mandate_id: form})
    flash(request, "success", gettext("The mandate is ended."))
    return see_other(f"{council_url(mandate.council_id)}#mandate-{mandate_id}")
