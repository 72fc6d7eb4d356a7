"""Appeals through HTTP: the user's own decisions page with an appeal form on each, and the
moderators' list of open appeals where another moderator grants or rejects them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from moderation import appeals as appeal_actions
from moderation import queries
from moderation.models import APPEAL_MAX
from moderation.views import render, require_moderator
from participation import auth
from participation.context import flash
from participation.forms import Form
from participation.i18n import gettext
from participation.web import form_of, see_other


def _cursor(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _mine_page(request: Request, appeal_form: Form, status_code: int = 200) -> Response:
    user = auth.require_user(request)
    assert user.id is not None
    with auth.database(request).read() as session:
        decisions, next_before = appeal_actions.decisions_about(
            session, user.id, _cursor(request, "before")
        )
    values: dict[str, Any] = {
        "decisions": decisions,
        "next_before": next_before,
        "appeal_form": appeal_form,
        "blank_form": Form({}),
        "appeal_max": APPEAL_MAX,
    }
    return render(request, "moderation/mine.html", values, status_code)


def mine(request: Request) -> Response:
    return _mine_page(request, Form({}))


def create_appeal(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    action_id, text = appeal_actions.parse_appeal(form)
    if not form.ok:
        return _mine_page(request, form, 400)
    with auth.database(request).write() as session:
        appeal_actions.do_appeal(session, user, action_id, text)
    flash(request, "success", gettext("Your appeal is sent. Another moderator will decide."))
    return see_other(f"/me/moderation#decision-{action_id}")


def _appeals_page(request: Request, decide_form: Form, status_code: int = 200) -> Response:
    moderator = require_moderator(request)
    with auth.database(request).read() as session:
        rows, next_after = appeal_actions.open_appeals(session, _cursor(request, "after"))
        people = [
            person
            for row in rows
            for person in (row.appeal.appellant_id, row.decision.action.moderator_id)
        ]
        names = queries.names_of(session, people)
    values: dict[str, Any] = {
        "rows": rows,
        "next_after": next_after,
        "names": names,
        "moderator": moderator,
        "decide_form": decide_form,
        "blank_form": Form({}),
    }
    return render(request, "moderation/appeals.html", values, status_code)


def appeals(request: Request) -> Response:
    return _appeals_page(request, Form({}))


def decide(request: Request) -> Response:
    moderator = require_moderator(request)
    appeal_id: int = request.path_params["appeal_id"]
    form = form_of(request)
    grant, note = appeal_actions.parse_decision(form)
    if not form.ok:
        form.data["appeal_id"] = str(appeal_id)
        return _appeals_page(request, form, 400)
    with auth.database(request).write() as session:
        appeal_actions.do_decide(session, moderator, appeal_id, grant, note)
    flash(
        request,
        "success",
        gettext("The appeal is granted; the decision is undone.")
        if grant
        else gettext("The appeal is rejected."),
    )
    return see_other("/moderation/appeals")
