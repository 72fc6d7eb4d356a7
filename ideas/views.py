"""Idea pages: browse, post, read, support, follow, and the clerk's answer.

What moderation decided shows here too: a hidden idea is a placeholder for the public, its
author and the moderators read it with a note; a held idea is theirs alone until reviewed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import Response

from ideas import actions, forms, queries
from ideas.models import STATUS_VALUES, Idea, IdeaCategory, status_label
from participation import auth, comments, decisions, notifications
from participation.actions import check_can_post, check_can_write
from participation.checks import Refused
from participation.context import flash, request_context
from participation.forms import Form
from participation.i18n import current_language, gettext
from participation.models import Role
from participation.photos import MAX_PHOTOS, store_uploaded_photos
from participation.profiles import public_names
from participation.templating import render as render_page
from participation.visibility import HiddenContent, Visibility, moderation_state_of, reason_label
from participation.web import form_of, is_htmx, see_other, settings_of

SUBJECT = actions.SUBJECT


def render(request: Request, name: str, values: dict[str, Any], status_code: int = 200) -> Response:
    """Render an ideas template with what every ideas template uses."""
    shared = {"status_label": status_label, "reason_label": reason_label, "blank_form": Form({})}
    return render_page(request, name, {**shared, **values}, status_code)


def idea_id_of(request: Request) -> int:
    value: int = request.path_params["idea_id"]
    return value


def _categories(session: Session, active_only: bool = True) -> list[IdeaCategory]:
    statement = select(IdeaCategory)
    if active_only:
        statement = statement.where(IdeaCategory.active)
    language = current_language()
    return sorted(session.exec(statement), key=lambda c: c.name(language))


def _visitor_seed(request: Request) -> int:
    subject = request_context(request).csrf_subject.encode()
    return int(hashlib.sha256(subject).hexdigest()[:8], 16) % 2**31


def ideas_list(request: Request) -> Response:
    params = request.query_params
    raw_category = params.get("category", "")
    status = params.get("status", "")
    sort = params.get("sort", "new")
    flt = queries.IdeaFilter(
        query=params.get("q", "").strip()[:200],
        category_id=int(raw_category) if raw_category.isdigit() else None,
        status=status if status in STATUS_VALUES else None,
        sort=sort if sort in queries.SORTS else "new",
        cursor=params.get("cursor", "")[:60],
        seed=_visitor_seed(request),
    )
    with auth.database(request).read() as session:
        page = queries.list_ideas(session, flt)
    language = current_language()
    category_options = sorted(
        ((c.id, c.name(language)) for c in page.categories.values() if c.active),
        key=lambda option: option[1],
    )
    values = {
        "page": page,
        "filter": flt,
        "category_options": category_options,
        "status_options": [(status, status_label(status)) for status in STATUS_VALUES],
        "search_window": queries.SEARCH_SORT_WINDOW,
    }
    return render(request, "ideas/list.html", values)


def _idea_form_page(
    request: Request, form: Form, idea: Idea | None = None, status_code: int = 200
) -> Response:
    with auth.database(request).read() as session:
        categories = _categories(session)
    values = {
        "form": form,
        "idea": idea,
        "categories": categories,
        "max_photos": MAX_PHOTOS,
        "map_center": settings_of(request).map_center,
        "map_tile_url": settings_of(request).map_tile_url,
    }
    return render(request, "ideas/form.html", values, status_code)


def new_idea(request: Request) -> Response:
    user = auth.require_user(request)
    check_can_write(user, settings_of(request))
    return _idea_form_page(request, Form({}))


def create_idea(request: Request) -> Response:
    user = auth.require_user(request)
    check_can_write(user, settings_of(request))  # before any photo is stored
    form = form_of(request)
    with auth.database(request).read() as session:
        category_ids = {c.id for c in _categories(session) if c.id is not None}
    draft = forms.parse_idea(form, category_ids)
    uploads = request_context(request).form.getlist("photos")
    photos = (
        store_uploaded_photos(uploads, form, settings_of(request).uploads_path, "ideas")
        if form.ok
        else []
    )
    if not form.ok:
        return _idea_form_page(request, form, status_code=400)
    with auth.database(request).write() as session:
        idea = actions.do_post_idea(session, user, draft, photos, settings=settings_of(request))
        held = idea.visibility == Visibility.held
    if held:
        flash(request, "info", gettext("Your idea is saved. A moderator looks at it first."))
    else:
        flash(request, "success", gettext("Your idea is published. Thank you!"))
    return see_other(actions.idea_url(idea.id or 0))


def similar(request: Request) -> Response:
    title = request.query_params.get("title", "")[:150]
    with auth.database(request).read() as session:
        found = queries.similar_ideas(session, title) if len(title) >= 4 else []
    return render(request, "ideas/_similar.html", {"similar": found})


def discussion_values(
    request: Request, session: Session, idea: Idea, after: int = 0
) -> dict[str, Any]:
    """The discussion's page of comments, and whether the visitor may join in: not in a
    discussion a moderator closed, nor while muted (the notice says until when)."""
    assert idea.id is not None
    user = auth.current_user(request)
    refusal = None
    if user is not None:
        try:
            check_can_post(user, settings_of(request).zone)
        except Refused as refused:
            refusal = refused.message
    return {
        "idea": idea,
        "comments": comments.comment_page(session, SUBJECT, idea.id, after),
        "locked": comments.is_locked(session, SUBJECT, idea.id),
        "is_moderator": auth.has_role(request, Role.moderator),
        "post_refusal": refusal,
        "comment_form": Form({}),
    }


def _detail_values(request: Request, session: Session, idea: Idea) -> dict[str, Any]:
    """Everything the idea page shows. The caller has resolved the user and roles before
    opening `session`, so that no request holds two database connections at once."""
    assert idea.id is not None
    user = auth.current_user(request)
    after_raw = request.query_params.get("comments_after", "0")
    after = int(after_raw) if after_raw.isdigit() else 0
    timeline = queries.timeline_of(session, idea.id)
    names = public_names(
        session, {i for i in [idea.author_id, *(a.author_id for a in timeline)] if i}
    )
    category = session.get(IdeaCategory, idea.category_id) if idea.category_id else None
    supported = following = False
    if user is not None and user.id is not None:
        supported = actions.has_supported(session, idea.id, user.id)
        following = notifications.is_following(session, user.id, SUBJECT, idea.id)
    return {
        **discussion_values(request, session, idea, after),
        "category": category,
        "photos": queries.photos_of(session, idea.id),
        "timeline": timeline,
        "names": names,
        "supported": supported,
        "following": following,
        "is_clerk": auth.has_role(request, Role.clerk),
        "statuses": STATUS_VALUES,
        "answer_form": Form({}),
        "map_tile_url": settings_of(request).map_tile_url,
        "decisions": decisions.decisions_for(session, SUBJECT, idea.id),
    }


def moderation_state(request: Request, session: Session, idea: Idea) -> HiddenContent | None:
    """Why the idea is not public (None when it is). Refuses a held idea to anyone but its
    author and the moderators, as if it did not exist."""
    assert idea.id is not None
    state = moderation_state_of(session, SUBJECT, idea.id, idea.visibility)
    if (
        state is not None
        and state.visibility == Visibility.held
        and not may_see_hidden(request, idea.author_id)
    ):
        raise Refused(404, gettext("This idea does not exist."))
    return state


def may_see_hidden(request: Request, author_id: int | None) -> bool:
    """The author and the moderators read content that moderation keeps from the public."""
    user = auth.current_user(request)
    own = user is not None and author_id is not None and user.id == author_id
    return own or auth.has_role(request, Role.moderator)


def idea_page(request: Request, status_code: int = 200, **forms_with_errors: Form) -> Response:
    """The idea page, or the placeholder the public sees of a hidden idea."""
    auth.resolve_visitor(request)
    with auth.database(request).read() as session:
        idea = actions.get_idea(session, idea_id_of(request))
        state = moderation_state(request, session, idea)
        if state is not None and not may_see_hidden(request, idea.author_id):
            return render(request, "ideas/hidden.html", {"idea": idea, "state": state})
        values = _detail_values(request, session, idea)
    values["moderation"] = state
    values.update(forms_with_errors)
    return render(request, "ideas/detail.html", values, status_code)


def idea_detail(request: Request) -> Response:
    return idea_page(request)


def edit_idea(request: Request) -> Response:
    user = auth.require_user(request)
    check_can_write(user, settings_of(request))
    with auth.database(request).read() as session:
        idea = actions.get_idea(session, idea_id_of(request))
    actions.check_can_edit(idea, user)
    if request.method == "GET":
        form = Form(
            {
                "title": idea.title,
                "body": idea.body,
                "category": str(idea.category_id or ""),
                "latitude": "" if idea.latitude is None else str(idea.latitude),
                "longitude": "" if idea.longitude is None else str(idea.longitude),
            }
        )
        return _idea_form_page(request, form, idea)
    form = form_of(request)
    with auth.database(request).read() as session:
        category_ids = {c.id for c in _categories(session) if c.id is not None}
    draft = forms.parse_idea(form, category_ids)
    if not form.ok:
        return _idea_form_page(request, form, idea, 400)
    with auth.database(request).write() as session:
        stored = actions.get_idea(session, idea_id_of(request))
        actions.do_edit_idea(session, stored, user, draft, settings=settings_of(request))
    flash(request, "success", gettext("Your changes are saved."))
    return see_other(actions.idea_url(idea_id_of(request)))


def withdraw_idea(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).write() as session:
        actions.do_withdraw_idea(session, actions.get_idea(session, idea_id_of(request)), user)
    flash(request, "info", gettext("Your idea is withdrawn. It stays visible as withdrawn."))
    return see_other(actions.idea_url(idea_id_of(request)))


def _support_answer(request: Request, idea: Idea, supported: bool) -> Response:
    if is_htmx(request):
        return render(request, "ideas/_support.html", {"idea": idea, "supported": supported})
    return see_other(f"{actions.idea_url(idea.id or 0)}#support")


def support(request: Request) -> Response:
    threshold = settings_of(request).support_threshold
    with auth.database(request).write() as session:
        user = auth.require_user(request, session)  # in this transaction: one, not two
        idea = actions.do_support(session, idea_id_of(request), user, threshold)
    return _support_answer(request, idea, True)


def unsupport(request: Request) -> Response:
    with auth.database(request).write() as session:
        user = auth.require_user(request, session)
        idea = actions.do_unsupport(session, idea_id_of(request), user)
    return _support_answer(request, idea, False)


def follow(request: Request) -> Response:
    user = auth.require_user(request)
    start = request.url.path.endswith("/follow")
    with auth.database(request).write() as session:
        idea = actions.get_idea(session, idea_id_of(request))
        assert user.id is not None
        assert idea.id is not None
        if start:
            notifications.do_follow(session, user.id, SUBJECT, idea.id)
        else:
            notifications.do_unfollow(session, user.id, SUBJECT, idea.id)
    if is_htmx(request):
        return render(request, "ideas/_follow.html", {"idea": idea, "following": start})
    message = (
        gettext("You follow this idea now.")
        if start
        else gettext("You no longer follow this idea.")
    )
    flash(request, "info", message)
    return see_other(actions.idea_url(idea_id_of(request)))


def answer(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    draft = forms.parse_answer(form)
    if not form.ok:
        return idea_page(request, 400, answer_form=form)
    with auth.database(request).write() as session:
        actions.do_answer(session, idea_id_of(request), user, draft)
    flash(request, "success", gettext("Your answer is published."))
    return see_other(f"{actions.idea_url(idea_id_of(request))}#timeline")


def ideas_map(request: Request) -> Response:
    settings = settings_of(request)
    values = {"map_center": settings.map_center, "map_tile_url": settings.map_tile_url}
    return render(request, "ideas/map.html", values)


def categories(request: Request) -> Response:
    user = auth.require_user(request)
    form = Form({})
    if request.method == "POST":
        form = form_of(request)
        draft = forms.parse_category(form)
        if form.ok:
            with auth.database(request).write() as session:
                actions.do_add_category(session, user, draft)
            flash(request, "success", gettext("The category is added."))
            return see_other("/ideas/categories")
    with auth.database(request).read() as session:
        actions.check_clerk(session, user)
        found = _categories(session, active_only=False)
    status_code = 200 if form.ok else 400
    return render(
        request, "ideas/categories.html", {"form": form, "categories": found}, status_code
    )


def toggle_category(request: Request) -> Response:
    user = auth.require_user(request)
    active = form_of(request).data.get("active") == "1"
    with auth.database(request).write() as session:
        actions.do_set_category_active(session, user, request.path_params["category_id"], active)
    return see_other("/ideas/categories")
