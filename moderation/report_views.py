"""Anyone logged in reports content to the moderators: the form, and the report itself."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from moderation import actions, forms
from moderation.models import DETAILS_MAX
from participation import auth
from participation.checks import Refused
from participation.context import flash
from participation.forms import Form
from participation.i18n import gettext
from participation.settings import Settings
from participation.templating import render
from participation.visibility import REASON_VALUES, reason_label
from participation.web import form_of, safe_next, see_other


def _page(request: Request, form: Form, status_code: int = 200) -> Response:
    """The form about the content `form` names, or a note saying why it cannot be reported."""
    user = auth.require_user(request)
    assert user.id is not None
    type_name, content_id = forms.content_ref(form)
    with auth.database(request).read() as session:
        target = actions.get_target(session, type_name, content_id)
        title = target.kind.title(session, content_id)
        refusal = None
        try:
            actions.check_can_report(session, user, target)
        except Refused as refused:
            refusal = refused.message
        already = actions.has_reported(session, user.id, target)
    values: dict[str, Any] = {
        "form": form,
        "target": target,
        "title": title,
        "refusal": refusal,
        "already": already,
        "next": safe_next(form.value("next"), target.kind.url(content_id)),
        "reasons": REASON_VALUES,
        "reason_label": reason_label,
        "details_max": DETAILS_MAX,
    }
    return render(request, "moderation/report_form.html", values, status_code)


def new_report(request: Request) -> Response:
    auth.require_user(request)
    return _page(request, Form(request.query_params))


def create_report(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    draft = forms.parse_report(form)
    if not form.ok:
        return _page(request, form, 400)
    settings: Settings = request.app.state.settings
    with auth.database(request).write() as session:
        target = actions.do_report(session, user, draft, settings.moderation_auto_hide_reports)
    flash(request, "success", gettext("Thank you; a moderator will look at it."))
    return see_other(safe_next(form.value("next"), target.kind.url(target.content_id)))
