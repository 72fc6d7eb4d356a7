"""Pact pages: read a pact, follow it (`pacts.proposal_views` writes, edits and submits one).

The pact page shows everything about one pact (the proposal, what the municipality grants,
the public timeline, the consultation, the pact text, progress) and the forms of the steps
this visitor may take now; `pacts.lifecycle_views` handles those forms and re-renders this
page with the errors of the one that failed. What moderation decided shows here as for ideas:
a hidden pact is a placeholder for the public; its proposers, the clerks and the moderators
still read it.
"""

from __future__ import annotations

from typing import Any

from babel.dates import format_date
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response

from pacts import actions, forms, organisations, queries
from pacts.models import (
    ORGANISATION_KIND_LABELS,
    RESOURCE_KIND_LABELS,
    OrganisationKind,
    OrganisationMember,
    Pact,
    PactPhoto,
    PactStatus,
    ResourceKind,
    category_label,
    status_label,
)
from pacts.steps import possible_now, step_label
from pacts.text import text_versions
from participation import auth, comments, notifications
from participation.actions import check_can_write
from participation.checks import Refused
from participation.context import flash, request_context
from participation.forms import Form
from participation.i18n import current_language, gettext
from participation.models import Role, UserRole
from participation.photos import MAX_PHOTOS, StoredPhoto, store_uploaded_photos
from participation.profiles import public_names
from participation.templating import render as render_page
from participation.visibility import HiddenContent, Visibility, moderation_state_of, reason_label
from participation.web import is_htmx, see_other, settings_of

SUBJECT = actions.SUBJECT
# What a visitor may do on any public pact; the rest are the steps of its lifecycle.
_NOT_STEPS = frozenset({"follow", "advise", "reply"})


def kind_label(kind: str) -> str:
    return gettext(ORGANISATION_KIND_LABELS[OrganisationKind(kind)])


def resource_kind_label(kind: str) -> str:
    return gettext(RESOURCE_KIND_LABELS[ResourceKind(kind)])


def render(request: Request, name: str, values: dict[str, Any], status_code: int = 200) -> Response:
    """Render a pacts template with the labels every pacts template uses."""
    shared = {
        "status_label": status_label,
        "category_label": category_label,
        "resource_kind_label": resource_kind_label,
        "kind_label": kind_label,
        "step_label": step_label,
        "reason_label": reason_label,
        "blank_form": Form({}),
    }
    return render_page(request, name, {**shared, **values}, status_code)


def pact_id_of(request: Request) -> int:
    value: int = request.path_params["pact_id"]
    return value


def store_photos(request: Request, form: Form) -> list[StoredPhoto]:
    """The uploaded photos, re-encoded without their metadata; an error goes on `photos`."""
    uploads = request_context(request).form.getlist("photos")
    return store_uploaded_photos(uploads, form, settings_of(request).uploads_path, "pacts")


def follow_pact(request: Request) -> Response:
    user = auth.require_user(request)
    start = request.url.path.endswith("/follow")
    with auth.database(request).write() as session:
        if start:
            actions.do_follow_pact(session, pact_id_of(request), user)
        else:
            actions.do_unfollow_pact(session, pact_id_of(request), user)
        pact = actions.get_pact(session, pact_id_of(request))
    if is_htmx(request):
        return render(request, "pacts/_follow.html", {"pact": pact, "following": start})
    message = (
        gettext("You follow this pact now.")
        if start
        else gettext("You no longer follow this pact.")
    )
    flash(request, "info", message)
    return see_other(actions.pact_url(pact_id_of(request)))


# The pact page.


def _moderation_state(session: Session, pact: Pact) -> HiddenContent | None:
    assert pact.id is not None
    return moderation_state_of(session, SUBJECT, pact.id, pact.visibility)


def _period(pact: Pact) -> str:
    language = current_language()
    start = format_date(pact.starts_on, "long", locale=language) if pact.starts_on else ""
    end = format_date(pact.ends_on, "long", locale=language) if pact.ends_on else ""
    if start and end:
        return gettext("from %(start)s to %(end)s") % {"start": start, "end": end}
    if start:
        return gettext("from %(start)s") % {"start": start}
    return gettext("until %(end)s") % {"end": end}


def _photos(session: Session, pact_id: int) -> list[PactPhoto]:
    return list(
        session.exec(
            select(PactPhoto)
            .where(PactPhoto.pact_id == pact_id)
            .order_by(col(PactPhoto.report_id), col(PactPhoto.position), col(PactPhoto.id))
        )
    )


def _people(session: Session, pact: Pact, comment_authors: set[int]) -> dict[str, set[int]]:
    """Who the advice thread marks: the proposers, and the clerks among those who wrote."""
    proposers = {pact.author_id} if pact.author_id else set()
    if pact.organisation_id:
        members = session.exec(
            select(OrganisationMember.user_id).where(
                OrganisationMember.organisation_id == pact.organisation_id
            )
        )
        proposers.update(members)
    clerks: set[int] = set()
    if comment_authors:
        clerks = set(
            session.exec(
                select(UserRole.user_id).where(
                    col(UserRole.user_id).in_(comment_authors), UserRole.role == Role.clerk.value
                )
            )
        )
    return {"proposer_ids": proposers, "clerk_ids": clerks}


def _post_refusal(request: Request) -> str | None:
    user = auth.current_user(request)
    if user is None:
        return None
    try:
        check_can_write(user, settings_of(request))
    except Refused as refused:
        return refused.message
    return None


def _page_values(request: Request, session: Session, pact: Pact) -> dict[str, Any]:
    """Everything the pact page shows, read in the caller's session."""
    assert pact.id is not None
    user = auth.current_user(request)
    after_raw = request.query_params.get("advice_after", "0")
    page = comments.comment_page(
        session, SUBJECT, pact.id, int(after_raw) if after_raw.isdigit() else 0
    )
    timeline = queries.steps_of(session, pact.id)
    reports = queries.reports_of(session, pact.id)
    people = {pact.author_id, *(s.actor_id for s in timeline), *(r.author_id for r in reports)}
    photos = _photos(session, pact.id)
    report_photos: dict[int, list[PactPhoto]] = {}
    for photo in photos:
        if photo.report_id is not None:
            report_photos.setdefault(photo.report_id, []).append(photo)
    can = actions.available_actions(session, pact, user)
    following = False
    if user is not None and user.id is not None:
        following = notifications.is_following(session, user.id, SUBJECT, pact.id)
    authors = {c.author_id for c in page.threads if c.author_id}
    authors.update(c.author_id for r in page.replies.values() for c in r if c.author_id)
    organisation = None
    if pact.organisation_id:
        organisation = organisations.get_organisation(session, pact.organisation_id)
    return {
        "pact": pact,
        "organisation": organisation,
        "names": public_names(session, {i for i in people if i}),
        "period": _period(pact) if pact.starts_on or pact.ends_on else "",
        "resources": queries.resources_of(session, pact.id),
        "photos": [p for p in photos if p.report_id is None],
        "report_photos": report_photos,
        "timeline": timeline,
        "texts": text_versions(session, pact.id),
        "reports": reports,
        "comments": page,
        "locked": comments.is_locked(session, SUBJECT, pact.id),
        **_people(session, pact, authors),
        "following": following,
        "can": can,
        "has_steps": bool(can - _NOT_STEPS),
        "next_step": possible_now(pact.status),
        "is_moderator": auth.has_role(request, Role.moderator),
        "post_refusal": _post_refusal(request),
        "map_tile_url": settings_of(request).map_tile_url,
        "max_photos": MAX_PHOTOS,
        "default_consultation_days": str(forms.DEFAULT_CONSULTATION_DAYS),
    }


STEP_FORMS = (
    "submit",
    "assess",
    "request_changes",
    "reject",
    "open_consultation",
    "respond_to_advice",
    "sign",
    "report_progress",
    "complete",
    "end",
)


def pact_page(
    request: Request, status_code: int = 200, opened: str = "", form: Form | None = None
) -> Response:
    """The pact page; after a refused form, that form (`opened`) comes back open with its
    errors and the text typed ("advise" is the advice form under the consultation)."""
    auth.resolve_visitor(request)
    user = auth.current_user(request)
    with auth.database(request).read() as session:
        pact = actions.get_pact(session, pact_id_of(request))
        if not actions.can_view(session, pact, user):
            hidden = pact.visibility in (Visibility.hidden, Visibility.auto_hidden)
            if pact.status == PactStatus.draft or not hidden:
                raise Refused(404, gettext("This pact does not exist."))
            state = _moderation_state(session, pact)
            return render(request, "pacts/hidden.html", {"pact": pact, "state": state})
        values = _page_values(request, session, pact)
        values["moderation"] = _moderation_state(session, pact)
    action_forms = {name: Form({}) for name in STEP_FORMS}
    if form is not None and opened in action_forms:
        action_forms[opened] = form
    values["action_forms"] = action_forms
    values["opened"] = opened
    values["advice_form"] = form if form is not None and opened == "advise" else Form({})
    return render(request, "pacts/detail.html", values, status_code)


def pact_detail(request: Request) -> Response:
    return pact_page(request)
