"""Meeting pages: the list of meetings, the clerk's meeting form, and the meeting with its
agenda, where the clerk also adds items, orders them, adds documents and links, names the
chair and the secretary, and publishes the meeting.

Councils and mandates are in `council_views.py`; the item page and the votes in
`ballot_views.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from participation import auth
from participation.checks import Refused
from participation.content import content_type
from participation.context import flash, request_context
from participation.database import utcnow
from participation.forms import Form
from participation.i18n import gettext
from participation.models import Role, User
from participation.templating import render as render_page
from participation.web import form_of, see_other, settings_of
from voting import actions, agenda, documents, forms, loop
from voting.councils import FieldRefused, chair_candidates, do_set_meeting_roles
from voting.councils import secretary_candidates as secretaries_of
from voting.models import MEETING_TIME, AgendaItem, Council, Meeting, MeetingStatus, label

T = TypeVar("T")
# Far beyond any real list of meetings; keeps a made-up page number from costing a big offset.
MAX_PAGE = 1000


def render(request: Request, name: str, values: dict[str, Any], status_code: int = 200) -> Response:
    """Render a voting template with what the meeting templates share."""
    shared = {
        "label": label,
        "advisory_label": agenda.advisory_label,
        "when_format": MEETING_TIME,
        "MeetingStatus": MeetingStatus,
        "blank_form": Form({}),
    }
    return render_page(request, name, {**shared, **values}, status_code)


def path_id(request: Request, name: str) -> int:
    value: int = request.path_params[name]
    return value


def require_clerk(request: Request) -> User:
    """The signed-in clerk. Anyone else is refused before the form is even read."""
    user = auth.require_user(request)
    with auth.database(request).read() as session:
        actions.check_clerk(session, user)
    return user


def write_form(request: Request, form: Form, act: Callable[[Session], T]) -> T | None:
    """Run the clerk's action for a valid form in one transaction. A `FieldRefused` goes back
    to the form, beside its field; None when the form has errors (the page shows them)."""
    if not form.ok:
        return None
    try:
        with auth.database(request).write() as session:
            return act(session)
    except FieldRefused as refused:
        form.error(refused.field, refused.message)
        return None


def _item_anchor(item_id: int, meeting_id: int) -> str:
    return f"{actions.meeting_url(meeting_id)}#item-{item_id}"


def meetings(request: Request) -> Response:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise HTTPException(400)
    clerk = auth.has_role(request, Role.clerk)
    with auth.database(request).read() as session:
        found = agenda.meetings_page(session, utcnow(), int(raw), include_planned=clerk)
    return render(request, "voting/meetings.html", {"found": found, "is_clerk": clerk})


def _councils(session: Session) -> list[Council]:
    return list(session.exec(select(Council).order_by(col(Council.kind).desc(), col(Council.id))))


def _meeting_form_page(request: Request, form: Form, status_code: int = 200) -> Response:
    with auth.database(request).read() as session:
        councils = _councils(session)
    values = {
        "form": form,
        "councils": councils,
        # Before any council exists, the municipal council is made with the first meeting.
        "council_options": [(str(c.id), c.name) for c in councils]
        or [("", actions.MUNICIPAL_COUNCIL)],
    }
    return render(request, "voting/meeting_form.html", values, status_code)


def new_meeting(request: Request) -> Response:
    """The councils are listed municipal council first: the default when none is chosen."""
    require_clerk(request)
    return _meeting_form_page(request, Form({}))


def create_meeting(request: Request) -> Response:
    user = require_clerk(request)
    form = form_of(request)
    with auth.database(request).read() as session:
        council_ids = {c.id for c in _councils(session) if c.id is not None}
    draft = forms.parse_meeting(form, settings_of(request).zone, council_ids)
    if not form.ok:
        return _meeting_form_page(request, form, 400)
    with auth.database(request).write() as session:
        meeting = actions.do_create_meeting(session, user, draft)
    assert meeting.id is not None
    flash(request, "success", gettext("The meeting is planned. Add its agenda, then publish it."))
    return see_other(actions.meeting_url(meeting.id))


def _clerk_values(session: Session, meeting: Meeting) -> dict[str, Any]:
    kinds = [(name, kind.label()) for name in loop.LINKABLE if (kind := content_type(name))]
    return {
        "chair_options": [(c.user_id, c.name) for c in chair_candidates(session, meeting)],
        "secretary_options": [(c.user_id, c.name) for c in secretaries_of(session, meeting)],
        "link_kinds": kinds,
    }


def _meeting_page(
    request: Request, meeting_id: int, status_code: int = 200, **forms_with_errors: Any
) -> Response:
    """The meeting and its agenda as this viewer may see them; `forms_with_errors` puts the
    clerk's refused form back with what was typed."""
    user = auth.current_user(request)
    clerk = auth.has_role(request, Role.clerk)
    with auth.database(request).read() as session:
        meeting = actions.get_meeting(session, meeting_id, user)
        values: dict[str, Any] = {
            "meeting": meeting,
            "council": session.get(Council, meeting.council_id),
            "rows": agenda.agenda_of(session, meeting, user),
            "names": agenda.people_names(session, meeting),
            "is_clerk": clerk,
            "item_form": Form({"council_vote": "on"}),
            "roles_form": Form(
                {
                    "chair_id": str(meeting.chair_id or ""),
                    "secretary_id": str(meeting.secretary_id or ""),
                }
            ),
            "document_forms": {},
            "link_forms": {},
        }
        if clerk:
            values.update(_clerk_values(session, meeting))
    values.update(forms_with_errors)
    return render(request, "voting/meeting.html", values, status_code)


def meeting_detail(request: Request) -> Response:
    return _meeting_page(request, path_id(request, "meeting_id"))


def publish_meeting(request: Request) -> Response:
    user = require_clerk(request)
    meeting_id = path_id(request, "meeting_id")
    with auth.database(request).write() as session:
        actions.do_publish_meeting(session, user, meeting_id)
    flash(request, "success", gettext("The meeting is published: everyone can see it now."))
    return see_other(actions.meeting_url(meeting_id))


def meeting_roles(request: Request) -> Response:
    user = require_clerk(request)
    meeting_id = path_id(request, "meeting_id")
    form = form_of(request)
    roles = forms.parse_meeting_roles(form)
    saved = write_form(request, form, lambda s: do_set_meeting_roles(s, user, meeting_id, roles))
    if saved is None:
        return _meeting_page(request, meeting_id, 400, roles_form=form)
    flash(request, "success", gettext("The chair and the secretary are saved."))
    return see_other(f"{actions.meeting_url(meeting_id)}#roles")


def add_item(request: Request) -> Response:
    user = require_clerk(request)
    meeting_id = path_id(request, "meeting_id")
    form = form_of(request)
    draft = forms.parse_item(form, settings_of(request).zone)
    if form.ok:
        with auth.database(request).read() as session:
            meeting = actions.get_meeting(session, meeting_id, user)
        forms.check_vote_window(form, draft, meeting.starts_at, utcnow())
    if not form.ok:
        return _meeting_page(request, meeting_id, 400, item_form=form)
    with auth.database(request).write() as session:
        item = actions.do_add_item(session, user, meeting_id, draft)
    assert item.id is not None
    flash(request, "success", gettext("The item is added to the agenda."))
    return see_other(_item_anchor(item.id, meeting_id))


def _visible_item(request: Request, user: User) -> AgendaItem:
    with auth.database(request).read() as session:
        return actions.get_item(session, path_id(request, "item_id"), user)


def move_item(request: Request) -> Response:
    user = require_clerk(request)
    form = form_of(request)
    direction = forms.parse_direction(form)
    if not form.ok:
        raise HTTPException(400)
    with auth.database(request).write() as session:
        item = actions.do_move_item(session, user, path_id(request, "item_id"), direction)
    assert item.id is not None
    return see_other(_item_anchor(item.id, item.meeting_id))


def add_document(request: Request) -> Response:
    user = require_clerk(request)
    item = _visible_item(request, user)
    assert item.id is not None
    form = form_of(request)
    data = documents.read_upload(request_context(request).form.get("file"))
    draft = forms.parse_document(form, data)
    if not form.ok:
        return _meeting_page(request, item.meeting_id, 400, document_forms={item.id: form})
    folder = documents.documents_dir(settings_of(request).var_path)
    file_name = documents.store_pdf(draft.data, folder) if draft.data is not None else None
    try:
        with auth.database(request).write() as session:
            documents.do_add_document(session, user, item.id, draft, file_name)
    except BaseException:
        if file_name is not None:  # nothing names the file: do not leave it behind
            documents.stored_path(folder, file_name).unlink(missing_ok=True)
        raise
    flash(request, "success", gettext("The document is added."))
    return see_other(_item_anchor(item.id, item.meeting_id))


def document(request: Request) -> Response:
    """A PDF for those who may see its item (never cached by others), or the link's target."""
    user = auth.current_user(request)
    with auth.database(request).read() as session:
        found = documents.get_document(session, path_id(request, "document_id"), user)
        public = True
        try:
            actions.get_item(session, found.item_id, None)
        except Refused:
            public = False
    if found.url is not None:
        return see_other(found.url)
    assert found.file_name is not None
    path = documents.stored_path(
        documents.documents_dir(settings_of(request).var_path), found.file_name
    )
    if not path.is_file():
        raise HTTPException(404)
    headers = {
        "Content-Disposition": documents.content_disposition(found.title),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=300" if public else "private, no-store",
    }
    return FileResponse(path, media_type="application/pdf", headers=headers)


def link_item(request: Request) -> Response:
    user = require_clerk(request)
    item = _visible_item(request, user)
    assert item.id is not None
    form = form_of(request)
    draft = forms.parse_link(form)
    if form.ok:
        try:
            with auth.database(request).write() as session:
                loop.do_link_item(session, user, item.id, draft.subject, draft.subject_id)
        except Refused as refused:
            # The clerk and the item are checked above: what is left is the linked subject.
            form.error("subject" if refused.status_code == 400 else "subject_id", refused.message)
    if not form.ok:
        return _meeting_page(request, item.meeting_id, 400, link_forms={item.id: form})
    flash(request, "success", gettext("The link is added."))
    return see_other(_item_anchor(item.id, item.meeting_id))
