"""The proposal form: write a proposal (a draft), edit it while it is a draft or when changes
are asked (its photos too: add up to MAX_PHOTOS in all, remove some), and submit it.

An error re-renders the form, status 400, with a message on each field at fault and the text
typed; the photos chosen must be chosen again (the browser cannot be given them back), and the
photos ticked for removal stay ticked. Uploads are stored only when the rest of the form is
valid, and a refused edit leaves no new files behind.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from pacts import actions, forms, organisations, queries
from pacts.models import (
    CATEGORY_LABELS,
    RESOURCE_KIND_LABELS,
    Pact,
    PactCategory,
    PactPhoto,
    ResourceKind,
)
from pacts.views import pact_id_of, render, resource_kind_label, store_photos
from participation import auth
from participation.actions import check_can_write
from participation.checks import Refused
from participation.context import flash, request_context
from participation.forms import Form
from participation.i18n import gettext, ngettext
from participation.photos import MAX_PHOTOS, StoredPhoto, delete_photo
from participation.web import form_of, see_other, settings_of


def _form_page(
    request: Request,
    form: Form,
    pact: Pact | None = None,
    photos: list[PactPhoto] | None = None,
    status_code: int = 200,
) -> Response:
    user = auth.require_user(request)
    assert user.id is not None
    with auth.database(request).read() as session:
        mine = organisations.organisations_of(session, user.id)
    settings = settings_of(request)
    values = {
        "form": form,
        "pact": pact,
        "current_photos": photos or [],
        "organisations": mine,
        "categories": [(c.value, gettext(CATEGORY_LABELS[c])) for c in PactCategory],
        "resource_kinds": [(k.value, gettext(RESOURCE_KIND_LABELS[k])) for k in ResourceKind],
        "resource_example": gettext("Materials: 20 bags of potting soil"),
        "max_photos": MAX_PHOTOS,
        "map_center": settings.map_center,
        "map_tile_url": settings.map_tile_url,
    }
    return render(request, "pacts/form.html", values, status_code)


def _parse_proposal(request: Request, form: Form) -> forms.PactDraft | None:
    user = auth.require_user(request)
    assert user.id is not None
    with auth.database(request).read() as session:
        mine = {o.id for o in organisations.organisations_of(session, user.id) if o.id}
    return forms.parse_pact(form, mine)


def new_pact(request: Request) -> Response:
    check_can_write(auth.require_user(request), settings_of(request))
    return _form_page(request, Form({}))


def create_pact(request: Request) -> Response:
    user = auth.require_user(request)
    check_can_write(user, settings_of(request))  # before any photo is stored
    form = form_of(request)
    draft = _parse_proposal(request, form)
    photos = store_photos(request, form) if draft is not None else []
    if draft is None or not form.ok:
        return _form_page(request, form, status_code=400)
    with auth.database(request).write() as session:
        pact = actions.do_create_pact(session, user, draft, photos, settings=settings_of(request))
        pact_id = pact.id or 0
    flash(request, "success", gettext("Your proposal is saved as a draft. Submit it when ready."))
    return see_other(actions.pact_url(pact_id))


def _proposal_form(pact: Pact, resources: list[Any]) -> Form:
    def day(value: Any) -> str:
        return "" if value is None else value.isoformat()

    lines = [f"{resource_kind_label(r.kind)}: {r.description}" for r in resources]
    return Form(
        {
            "title": pact.title,
            "description": pact.description,
            "category": pact.category,
            "latitude": "" if pact.latitude is None else str(pact.latitude),
            "longitude": "" if pact.longitude is None else str(pact.longitude),
            "starts_on": day(pact.starts_on),
            "ends_on": day(pact.ends_on),
            "commitments": pact.commitments,
            "organisation_id": str(pact.organisation_id or ""),
            "resources_requested": "\n".join(lines),
        }
    )


def proposal_photos(session: Session, pact_id: int) -> list[PactPhoto]:
    """The photos of the proposal itself (not of its progress reports), in their order."""
    return list(
        session.exec(
            select(PactPhoto)
            .where(PactPhoto.pact_id == pact_id, col(PactPhoto.report_id).is_(None))
            .order_by(col(PactPhoto.position), col(PactPhoto.id))
        )
    )


def remove_field(photo: PactPhoto) -> str:
    """The checkbox that removes this photo when the proposal is saved."""
    return f"remove_photo_{photo.id}"


def _added_photos(request: Request, form: Form, room: int) -> list[StoredPhoto]:
    """The photos chosen, stored if they fit in the `room` left; else an error on `photos`."""
    uploads = request_context(request).form.getlist("photos")
    chosen = sum(1 for u in uploads if isinstance(u, UploadFile) and u.filename)
    if chosen > room:
        if room == 0:
            message = gettext(
                "A proposal has at most %(num)d photos: remove one to add another."
            ) % {"num": MAX_PHOTOS}
        else:
            message = ngettext(
                "You can add %(num)d more photo.", "You can add %(num)d more photos.", room
            ) % {"num": room}
        form.error("photos", message)
        return []
    return store_photos(request, form)


def _delete_files(request: Request, photos: list[StoredPhoto]) -> None:
    for photo in photos:
        delete_photo(settings_of(request).uploads_path, photo)


def edit_pact(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).read() as session:
        pact = actions.get_pact(session, pact_id_of(request))
        actions.check_can_view(session, pact, user)
        actions.check_can_edit(session, pact, user)
        resources = queries.resources_of(session, pact_id_of(request))
        current = proposal_photos(session, pact_id_of(request))
    if request.method == "GET":
        return _form_page(request, _proposal_form(pact, resources), pact, current)
    form = form_of(request)
    draft = _parse_proposal(request, form)
    removed = [p for p in current if form.value(remove_field(p))]
    room = MAX_PHOTOS - len(current) + len(removed)
    added = _added_photos(request, form, room) if draft is not None else []
    if draft is None or not form.ok:
        return _form_page(request, form, pact, current, 400)
    try:
        with auth.database(request).write() as session:
            actions.do_edit_pact(
                session,
                pact_id_of(request),
                user,
                draft,
                added,
                remove_photos={p.id for p in removed if p.id is not None},
                settings=settings_of(request),
            )
    except Refused:
        _delete_files(request, added)  # refused after all (a race): no files left behind
        raise
    _delete_files(request, [StoredPhoto(p.name, p.thumb_name, p.width, p.height) for p in removed])
    flash(request, "success", gettext("Your changes are saved."))
    return see_other(actions.pact_url(pact_id_of(request)))


def submit_pact(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).write() as session:
        actions.do_submit_pact(session, pact_id_of(request), user)
    flash(
        request,
        "success",
        gettext("Your proposal is submitted. The municipality will assess it."),
    )
    return see_other(f"{actions.pact_url(pact_id_of(request))}#timeline")
