"""The discussion under an idea: post, page through, edit and delete comments.

The shell's comments module refuses what moderation closed (a locked discussion, a reply to
a hidden comment); these views add the idea's own rules and screening at posting time.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ideas import actions, forms
from ideas.views import (
    discussion_values,
    idea_id_of,
    idea_page,
    may_see_hidden,
    moderation_state,
    render,
)
from participation import auth, comments
from participation.actions import check_can_write
from participation.context import flash
from participation.forms import Form
from participation.i18n import N_, gettext
from participation.visibility import Visibility
from participation.web import form_of, see_other, settings_of

HELD_MESSAGE = N_("Your comment is saved. A moderator looks at it before it is public.")


def _comment_id(request: Request) -> int:
    value: int = request.path_params["comment_id"]
    return value


def _comment_url(request: Request, comment_id: int | None) -> str:
    return f"{actions.idea_url(idea_id_of(request))}#comment-{comment_id}"


def comment(request: Request) -> Response:
    user = auth.require_user(request)
    check_can_write(user, settings_of(request))
    form = form_of(request)
    draft = forms.parse_comment(form)
    if not form.ok:
        return idea_page(request, 400, comment_form=form)
    with auth.database(request).write() as session:
        posted = actions.do_comment(
            session, idea_id_of(request), user, draft, settings=settings_of(request)
        )
        held = posted.visibility == Visibility.held
    if held:
        flash(request, "info", gettext(HELD_MESSAGE))
    return see_other(_comment_url(request, posted.id))


def more_comments(request: Request) -> Response:
    after_raw = request.query_params.get("after", "0")
    if not after_raw.isdigit():
        raise HTTPException(400)
    auth.resolve_visitor(request)
    with auth.database(request).read() as session:
        idea = actions.get_idea(session, idea_id_of(request))
        state = moderation_state(request, session, idea)
        if state is not None and not may_see_hidden(request, idea.author_id):
            raise HTTPException(404)
        values = discussion_values(request, session, idea, int(after_raw))
    values["moderation"] = state
    return render(request, "ideas/_comments.html", values)


def edit_comment(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).read() as session:
        found = actions.get_comment(session, idea_id_of(request), _comment_id(request))
    comments.check_can_change(found, user, editing=True)
    check_can_write(user, settings_of(request))
    if request.method == "GET":
        form = Form({"body": found.body, "stance": found.stance or ""})
        return render(request, "ideas/comment_edit.html", {"form": form, "comment": found})
    form = form_of(request)
    draft = forms.parse_comment(form)
    if not form.ok:
        return render(request, "ideas/comment_edit.html", {"form": form, "comment": found}, 400)
    with auth.database(request).write() as session:
        edited = actions.do_edit_comment(
            session,
            idea_id_of(request),
            _comment_id(request),
            user,
            draft,
            settings=settings_of(request),
        )
        held = edited.visibility == Visibility.held
    if held:
        flash(request, "info", gettext(HELD_MESSAGE))
    return see_other(_comment_url(request, _comment_id(request)))


def delete_comment(request: Request) -> Response:
    user = auth.require_user(request)
    with auth.database(request).write() as session:
        actions.do_delete_comment(session, idea_id_of(request), _comment_id(request), user)
    flash(request, "info", gettext("Your comment is deleted."))
    return see_other(_comment_url(request, _comment_id(request)))
