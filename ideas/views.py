"""Idea pages: browse, post, read, support, follow, and the clerk's answer."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import Session, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ideas import actions, forms, queries
from ideas.models import STATUS_VALUES, Idea, IdeaCategory, status_label
from participation import auth, comments, decisions, notifications
from participation.actions import check_verified
from participation.context import flash, request_context
from participation.forms import Form
from participation.i18n import current_language, gettext
from participation.models import Role
from participation.photos import MAX_PHOTOS, PhotoError, StoredPhoto, read_upload, store_photo
from participation.settings import Settings
from participation.templating import render as render_page
from participation.web import form_of, is_htmx, see_other

SUBJECT = actions.SUBJECT


def render(request: Request, name: str, values: dict[str, Any], status_code: int = 200) -> Response:
    """Render an ideas template with what every ideas template uses."""
    shared = {"status_label": status_label, "blank_form": Form({})}
    return render_page(request, name, {**shared, **values}, status_code)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _idea_id(request: Request) -> int:
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
    categories = sorted(
        (c for c in page.categories.values() if c.active), key=lambda c: c.name(language)
    )
    values = {"page": page, "filter": flt, "categories": categories, "statuses": STATUS_VALUES}
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
        "map_center": _settings(request).map_center,
        "map_tile_url": _settings(request).map_tile_url,
    }
    return render(request, "ideas/form.html", values, status_code)


def new_idea(request: Request) -> Response:
    user = auth.require_user(request)
    check_verified(user)
    return _idea_form_page(request, Form({}))


def _store_photos(request: Request, form: Form) -> list[StoredPhoto]:
    uploads = [read_upload(u) for u in request_context(request).form.getlist("photos")]
    chosen = [data for data in uploads if data]
    if len(chosen) > MAX_PHOTOS:
        form.error("photos", gettext("Add at most %(num)d photos.") % {"num": MAX_PHOTOS})
        return []
    stored = []
    for data in chosen:
        try:
            stored.append(store_photo(data, _settings(request).uploads_path, "ideas"))
        except PhotoError as problem:
            form.error("photos", problem.message)
            return []
    return stored


def create_idea(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    with auth.database(request).read() as session:
        category_ids = {c.id for c in _categories(session) if c.id is not None}
    draft = forms.parse_idea(form, category_ids)
    photos = _store_photos(request, form) if form.ok else []
    if not form.ok:
        return _idea_form_page(request, form, status_code=400)
    with auth.database(request).write() as session:
        idea = actions.do_post_idea(session, user, draft, photos)
    flash(request, "success", gettext("Your idea is published. Thank you!"))
    return see_other(actions.idea_url(idea.id or 0))


def similar(request: Request) -> Response:
    title = request.query_params.get("title", "")[:150]
    with auth.database(request).read() as session:
        found = queries.similar_ideas(session, title) if len(title) >= 4 else []
    return render(request, "ideas/_similar.html", {"similar": found})


def _detail_values(request: Request, session: Session, idea: Idea) -> dict[str, Any]:
    """Everything the idea page shows. The caller has resolved the user and roles before
    opening `session`, so that no request holds two database connections at once."""
    assert idea.id is not None
    user = auth.current_user(request)
    after_raw = request.query_params.get("comments_after", "0")
    after = int(after_raw) if after_raw.isdigit() else 0
    page = comments.comment_page(session, SUBJECT, idea.id, after)
    timeline = queries.timeline_of(session, idea.id)
    names = queries.author_names(
        session, {i for i in [idea.author_id, *(a.author_id for a in timeline)] if i}
    )
    category = session.get(IdeaCategory, idea.category_id) if idea.category_id else None
    supported = following = False
    if user is not None and user.id is not None:
        supported = actions.has_supported(session, idea.id, user.id)
        following = notifications.is_following(session, user.id, SUBJECT, idea.id)
    return {
        "idea": idea,
        "category": category,
        "photos": queries.photos_of(session, idea.id),
        "timeline": timeline,
        "names": names,
        "comments": page,
        "supported": supported,
        "following": following,
        "is_clerk": auth.has_role(request, Role.clerk),
        "statuses": STATUS_VALUES,
        "comment_form": Form({}),
        "answer_form": Form({}),
        "map_tile_url": _settings(request).map_tile_url,
        "decisions": decisions.decisions_for(session, SUBJECT, idea.id),
    }


def _resolve_visitor(request: Request) -> None:
    auth.current_user(request)
    auth.has_role(request, Role.clerk)


def idea_detail(request: Request) -> Response:
    _resolve_visitor(request)
    with auth.database(request).read() as session:
        idea = actions.get_idea(session, _idea_id(request))
        values = _detail_values(request, session, idea)
    return render(request, "ideas/detail.html", values)


def edit_idea(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).read() as session:
        idea = actions.get_idea(session, _idea_id(request))
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
        stored = actions.get_idea(session, _idea_id(request))
        actions.do_edit_idea(session, stored, user, draft)
    flash(request, "success", gettext("Your changes are saved."))
    return see_other(actions.idea_url(_idea_id(request)))


def withdraw_idea(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).write() as session:
        actions.do_withdraw_idea(session, actions.get_idea(session, _idea_id(request)), user)
    flash(request, "info", gettext("Your idea is withdrawn. It stays visible as withdrawn."))
    return see_other(actions.idea_url(_idea_id(request)))


def _support_answer(request: Request, idea: Idea, supported: bool) -> Response:
    if is_htmx(request):
        return render(request, "ideas/_support.html", {"idea": idea, "supported": supported})
    return see_other(f"{actions.idea_url(idea.id or 0)}#support")


def support(request: Request) -> Response:
    user = auth.require_user(request)
    threshold = _settings(request).support_threshold
    with auth.database(request).write() as session:
        idea = actions.do_support(session, _idea_id(request), user, threshold)
    return _support_answer(request, idea, True)


def unsupport(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).write() as session:
        idea = actions.do_unsupport(session, _idea_id(request), user)
    return _support_answer(request, idea, False)


def follow(request: Request) -> Response:
    user = auth.require_user(request)
    start = request.url.path.endswith("/follow")
    with auth.database(request).write() as session:
        idea = actions.get_idea(session, _idea_id(request))
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
    return see_other(actions.idea_url(_idea_id(request)))


def _detail_with_errors(request: Request, **forms_with_errors: Form) -> Response:
    _resolve_visitor(request)
    with auth.database(request).read() as session:
        idea = actions.get_idea(session, _idea_id(request))
        values = _detail_values(request, session, idea)
    values.update(forms_with_errors)
    return render(request, "ideas/detail.html", values, status_code=400)


def comment(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    draft = forms.parse_comment(form)
    if not form.ok:
        return _detail_with_errors(request, comment_form=form)
    with auth.database(request).write() as session:
        posted = actions.do_comment(session, _idea_id(request), user, draft)
    return see_other(f"{actions.idea_url(_idea_id(request))}#comment-{posted.id}")


def more_comments(request: Request) -> Response:
    after_raw = request.query_params.get("after", "0")
    if not after_raw.isdigit():
        raise HTTPException(400)
    with auth.database(request).read() as session:
        idea = actions.get_idea(session, _idea_id(request))
        assert idea.id is not None
        page = comments.comment_page(session, SUBJECT, idea.id, int(after_raw))
    values = {"idea": idea, "comments": page, "comment_form": Form({})}
    return render(request, "ideas/_comments.html", values)


def _comment_id(request: Request) -> int:
    value: int = request.path_params["comment_id"]
    return value


def edit_comment(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).read() as session:
        found = actions.get_comment(session, _idea_id(request), _comment_id(request))
    comments.check_can_change(found, user, editing=True)
    if request.method == "GET":
        form = Form({"body": found.body, "stance": found.stance or ""})
        return render(request, "ideas/comment_edit.html", {"form": form, "comment": found})
    form = form_of(request)
    draft = forms.parse_comment(form)
    if not form.ok:
        return render(request, "ideas/comment_edit.html", {"form": form, "comment": found}, 400)
    with auth.database(request).write() as session:
        actions.do_edit_comment(session, _idea_id(request), _comment_id(request), user, draft)
    return see_other(f"{actions.idea_url(_idea_id(request))}#comment-{_comment_id(request)}")


def delete_comment(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).write() as session:
        actions.do_delete_comment(session, _idea_id(request), _comment_id(request), user)
    flash(request, "info", gettext("Your comment is deleted."))
    return see_other(f"{actions.idea_url(_idea_id(request))}#comment-{_comment_id(request)}")


def answer(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    draft = forms.parse_answer(form)
    if not form.ok:
        return _detail_with_errors(request, answer_form=form)
    with auth.database(request).write() as session:
        actions.do_answer(session, _idea_id(request), user, draft)
    flash(request, "success", gettext("Your answer is published."))
    return see_other(f"{actions.idea_url(_idea_id(request))}#timeline")


def ideas_map(request: Request) -> Response:
    settings = _settings(request)
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
