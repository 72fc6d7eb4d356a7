"""The forms of a pact's lifecycle, each a plain POST that answers 303 back to the pact page
(or the page again, status 400, with that form open, its errors and the text typed), and the
printable pact text.

The `do_*` actions decide who may take each step in which status (403 or 409 with what is
possible now). The city's steps also refuse a non-clerk here, before the pact is read, so that
the answer does not depend on whether the pact exists.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from pacts import actions, forms, queries
from pacts.models import PactStatus
from pacts.text import text_versions
from pacts.views import (
    pact_id_of,
    pact_page,
    render,
    store_photos,
)
from participation import auth
from participation.checks import Refused
from participation.context import flash
from participation.forms import Form
from participation.i18n import gettext
from participation.models import Role, User
from participation.photos import StoredPhoto
from participation.visibility import Visibility
from participation.web import form_of, see_other, settings_of


def _clerk(request: Request) -> User:
    user = auth.require_user(request)
    if not auth.has_role(request, Role.clerk):
        raise Refused(403, gettext("Only a clerk of the municipality can do this."))
    return user


def _back(request: Request, message: str, anchor: str = "timeline") -> Response:
    flash(request, "success", message)
    return see_other(f"{actions.pact_url(pact_id_of(request))}#{anchor}")


def take_for_assessment(request: Request) -> Response:
    user = _clerk(request)
    form = form_of(request)
    department = forms.parse_department(form)
    if department is None:
        return pact_page(request, 400, "assess", form)
    with auth.database(request).write() as session:
        actions.do_take_for_assessment(session, pact_id_of(request), user, department)
    return _back(request, gettext("You are assessing this proposal now."))


def request_changes(request: Request) -> Response:
    user = _clerk(request)
    form = form_of(request)
    reason = forms.parse_reason(form)
    if reason is None:
        return pact_page(request, 400, "request_changes", form)
    with auth.database(request).write() as session:
        actions.do_request_changes(session, pact_id_of(request), user, reason)
    return _back(request, gettext("The proposers are asked for changes."))


def reject(request: Request) -> Response:
    user = _clerk(request)
    form = form_of(request)
    reasons = forms.parse_reason(form)
    if reasons is None:
        return pact_page(request, 400, "reject", form)
    with auth.database(request).write() as session:
        actions.do_reject(session, pact_id_of(request), user, reasons)
    return _back(request, gettext("The proposal is rejected."))


def open_consultation(request: Request) -> Response:
    user = _clerk(request)
    form = form_of(request)
    with auth.database(request).read() as session:
        resources = queries.resources_of(session, pact_id_of(request))
    draft = forms.parse_consultation(form, [r.id for r in resources if r.id is not None])
    if draft is None:
        return pact_page(request, 400, "open_consultation", form)
    with auth.database(request).write() as session:
        actions.do_open_consultation(
            session, pact_id_of(request), user, draft, settings=settings_of(request)
        )
    return _back(request, gettext("The public consultation is open."))


def advise(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    draft = forms.parse_advice(form)
    if draft is None:
        return pact_page(request, 400, "advise", form)
    with auth.database(request).write() as session:
        posted = actions.do_advise(
            session, pact_id_of(request), user, draft, settings=settings_of(request)
        )
        held = posted.visibility == Visibility.held
    if held:
        message = gettext("Your advice is saved. A moderator looks at it before it is public.")
        flash(request, "info", message)
    return see_other(f"{actions.pact_url(pact_id_of(request))}#comment-{posted.id}")


def respond_to_advice(request: Request) -> Response:
    user = _clerk(request)
    form = form_of(request)
    response = forms.parse_reason(form, "response")
    if response is None:
        return pact_page(request, 400, "respond_to_advice", form)
    with auth.database(request).write() as session:
        actions.do_respond_to_advice(
            session, pact_id_of(request), user, response, settings=settings_of(request)
        )
    return _back(request, gettext("Your answer to the advice is published."), "consultation")


def sign(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).write() as session:
        pact = actions.do_sign(session, pact_id_of(request), user, settings=settings_of(request))
        active = pact.status == PactStatus.active
    if active:
        return _back(request, gettext("Both parties have signed: the pact is active."))
    return _back(request, gettext("Your signature is recorded. The other party signs next."))


def _report_photos(request: Request, form: Form, step: str) -> list[StoredPhoto]:
    """Photos are stored only for someone who may take the step now: a refused report leaves
    no files behind (the action then says why it is refused)."""
    user = auth.require_user(request)
    with auth.database(request).read() as session:
        pact = actions.get_pact(session, pact_id_of(request))
        allowed = step in actions.available_actions(session, pact, user)
    return store_photos(request, form) if allowed else []


def report_progress(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    draft = forms.parse_progress(form)
    photos = _report_photos(request, form, "report_progress") if draft is not None else []
    if draft is None or not form.ok:
        return pact_page(request, 400, "report_progress", form)
    with auth.database(request).write() as session:
        report = actions.do_report_progress(
            session, pact_id_of(request), user, draft, photos, settings=settings_of(request)
        )
        anchor = f"progress-{report.id}"
    return _back(request, gettext("Your progress report is published."), anchor)


def complete(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    draft = forms.parse_progress(form)
    photos = _report_photos(request, form, "complete") if draft is not None else []
    if draft is None or not form.ok:
        return pact_page(request, 400, "complete", form)
    with auth.database(request).write() as session:
        actions.do_complete(
            session, pact_id_of(request), user, draft, photos, settings=settings_of(request)
        )
    return _back(request, gettext("The pact is completed. Thank you!"), "progress")


def end_early(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    reason = forms.parse_reason(form)
    if reason is None:
        return pact_page(request, 400, "end", form)
    with auth.database(request).write() as session:
        actions.do_end_early(
            session, pact_id_of(request), user, reason, settings=settings_of(request)
        )
    return _back(request, gettext("The pact is ended."))


def pact_text(request: Request) -> Response:
    """The pact text to read and print: the latest version, or `?version=N`. Whoever may
    see the pact may read it (a hidden pact: its proposers, the clerks, the moderators)."""
    user = auth.current_user(request)
    wanted = request.query_params.get("version", "")
    with auth.database(request).read() as session:
        pact = actions.get_pact(session, pact_id_of(request))
        actions.check_can_view(session, pact, user)
        versions = text_versions(session, pact_id_of(request))
    chosen = [v for v in versions if str(v.version) == wanted] if wanted else versions[-1:]
    if not chosen:
        raise Refused(
            404, gettext("This pact has no text yet: it is written for the consultation.")
        )
    values = {
        "pact": pact,
        "text": chosen[0],
        "versions": versions,
        "latest_version": versions[-1].version,
    }
    return render(request, "pacts/text.html", values)
