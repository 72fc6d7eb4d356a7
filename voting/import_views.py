"""Importing a meeting's agenda from an OParl JSON document or a CSV file.

Three steps, none of which changes anything until the last: the clerk uploads the file, reads
a preview of the rows that will be added and of those that could not be read, then confirms.
The preview's rows travel in a signed field (bound to the meeting and the clerk, valid for an
hour, usable once), so the confirmation adds exactly what the clerk saw, in one transaction:
every row or none.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.context import flash, request_context
from participation.forms import Form
from participation.i18n import gettext, ngettext
from participation.links import LinkClaim, LinkUsed, use_link
from participation.models import User
from participation.web import form_of, see_other, settings_of
from voting import actions
from voting.agenda_import import (
    MAX_IMPORT_BYTES,
    MAX_ROWS,
    AgendaImport,
    InvalidPreview,
    UnreadableFile,
    parse_agenda,
    read_rows,
    sign_rows,
)
from voting.documents import read_upload
from voting.models import Meeting
from voting.views import path_id, render, require_clerk


def _open_meeting(request: Request, user: User) -> Meeting:
    """The meeting, if its agenda may still change (the same rule as adding one item)."""
    with auth.database(request).read() as session:
        meeting = actions.get_meeting(session, path_id(request, "meeting_id"), user)
    actions.check_agenda_open(meeting)
    return meeting


def _page(
    request: Request,
    meeting: Meeting,
    form: Form,
    status_code: int = 200,
    preview: AgendaImport | None = None,
    token: str = "",
) -> Response:
    values: dict[str, Any] = {
        "meeting": meeting,
        "form": form,
        "preview": preview,
        "token": token,
        "max_rows": MAX_ROWS,
        "max_kb": MAX_IMPORT_BYTES // 1024,
    }
    return render(request, "voting/import.html", values, status_code)


def import_form(request: Request) -> Response:
    user = require_clerk(request)
    return _page(request, _open_meeting(request, user), Form({}))


def import_preview(request: Request) -> Response:
    """Read the file and show what would be added; nothing is stored."""
    user = require_clerk(request)
    meeting = _open_meeting(request, user)
    form = form_of(request)
    upload = request_context(request).form.get("file")
    data = read_upload(upload)
    if data is None:
        form.error("file", gettext("Choose a CSV or OParl JSON file."))
        return _page(request, meeting, form, 400)
    filename = getattr(upload, "filename", None) or ""
    try:
        preview = parse_agenda(filename, data)
    except UnreadableFile as unreadable:
        form.error("file", unreadable.message)
        return _page(request, meeting, form, 400)
    token = ""
    if preview.rows:
        assert meeting.id is not None
        assert user.id is not None
        secret_key = settings_of(request).secret_key
        token = sign_rows(secret_key, meeting.id, user.id, preview.rows)
    return _page(request, meeting, Form({}), preview=preview, token=token)


def import_confirm(request: Request) -> Response:
    """Add the previewed rows to the agenda in one transaction: all of them, or none."""
    user = require_clerk(request)
    meeting = _open_meeting(request, user)
    assert meeting.id is not None
    assert user.id is not None
    form = form_of(request)
    try:
        nonce, drafts = read_rows(
            settings_of(request).secret_key, meeting.id, user.id, form.data.get("rows", "")
        )
    except InvalidPreview:
        form.error(
            "file",
            gettext("This preview has expired or was changed. Upload the file again."),
        )
        return _page(request, meeting, form, 400)
    try:
        with auth.database(request).write() as session:
            use_link(session, LinkClaim(user.id, nonce, ""))
            for draft in drafts:
                actions.do_add_item(session, user, meeting.id, draft)
    except LinkUsed:
        form.error("file", gettext("This preview has already been imported."))
        return _page(request, meeting, form, 409)
    count = len(drafts)
    message = ngettext("%(num)d item imported.", "%(num)d items imported.", count)
    flash(request, "success", message % {"num": count})
    return see_other(actions.meeting_url(meeting.id))
