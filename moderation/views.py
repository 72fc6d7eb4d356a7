"""The moderators' pages: the queue, one item in context, their decisions, and the log."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from moderation import actions, forms, queries
from moderation.forms import BULK_ACTIONS, ContentAction
from moderation.models import ACTION_VALUES, NOTE_MAX, CaseStatus
from participation import auth
from participation.checks import Refused
from participation.content import content_types, moderatable
from participation.context import flash, request_context
from participation.forms import Form
from participation.i18n import N_, gettext, ngettext
from participation.models import Role, User
from participation.templating import render as render_page
from participation.visibility import REASON_VALUES, reason_label
from participation.web import form_of, safe_next, see_other

_DONE = {
    ContentAction.hide: N_("The content is hidden."),
    ContentAction.restore: N_("The content is public again."),
    ContentAction.dismiss: N_("The reports are dismissed."),
    ContentAction.lock: N_("The discussion is locked."),
    ContentAction.unlock: N_("The discussion is open again."),
    ContentAction.release: N_("The content is published."),
}

# What the bulk form offers to do: verbs, where the log's labels say what was done.
_BULK_LABELS = {
    "hide": N_("Hide"),
    "restore": N_("Restore"),
    "dismiss": N_("Dismiss the reports"),
    "release": N_("Publish"),
}

_ACTION_LABELS = {
    "hide": N_("Hidden"),
    "restore": N_("Restored"),
    "dismiss": N_("Reports dismissed"),
    "lock": N_("Discussion locked"),
    "unlock": N_("Discussion unlocked"),
    "auto_hide": N_("Hidden automatically"),
    "hold": N_("Held for review"),
    "release": N_("Published after review"),
    "warn": N_("Warning"),
    "mute": N_("Muted"),
    "unmute": N_("Mute lifted"),
    "ban": N_("Banned"),
    "unban": N_("Ban lifted"),
    "appeal_granted": N_("Appeal granted"),
    "appeal_rejected": N_("Appeal rejected"),
}

_VISIBILITY_LABELS = {
    "public": N_("Public"),
    "held": N_("Held for review"),
    "hidden": N_("Hidden by a moderator"),
    "auto_hidden": N_("Hidden automatically"),
}

# Problems listed one by one after a bulk action, at most.
_PROBLEMS_SHOWN = 5


def action_label(action: str) -> str:
    return gettext(_ACTION_LABELS.get(action, action))


def visibility_label(visibility: str) -> str:
    return gettext(_VISIBILITY_LABELS.get(visibility, visibility))


def content_label(type_name: str) -> str:
    """The content type's name for people; a type no longer registered keeps its own."""
    kind = moderatable(type_name)
    return kind.label() if kind is not None else type_name


def item_url(type_name: str, content_id: int) -> str:
    return f"/moderation/items/{type_name}/{content_id}"


def render(request: Request, name: str, values: dict[str, Any], status_code: int = 200) -> Response:
    """Render a moderation template with what every moderation template uses."""
    shared = {
        "reasons": REASON_VALUES,
        "reason_label": reason_label,
        "action_label": action_label,
        "visibility_label": visibility_label,
        "content_label": content_label,
        "item_url": item_url,
        "note_max": NOTE_MAX,
    }
    return render_page(request, name, {**shared, **values}, status_code)


def require_moderator(request: Request) -> User:
    """Decided before any form is read: the wrong role learns nothing from validation."""
    user = auth.require_user(request)
    if not auth.has_role(request, Role.moderator):
        raise Refused(403, gettext("Only a moderator can do this."))
    return user


# The queue and bulk actions


def _queue_page(
    request: Request, flt: queries.QueueFilter, bulk_form: Form, status_code: int = 200
) -> Response:
    with auth.database(request).read() as session:
        page = queries.queue_page(session, flt)
    values = {
        "page": page,
        "filter": flt,
        "type_options": [
            (kind.name, kind.label()) for kind in content_types() if kind.model is not None
        ],
        "reason_options": [(reason, reason_label(reason)) for reason in REASON_VALUES],
        "statuses": [
            (CaseStatus.open.value, gettext("Open cases")),
            (CaseStatus.closed.value, gettext("Closed cases")),
        ],
        "bulk_form": bulk_form,
        "bulk_actions": [(action, gettext(_BULK_LABELS[action])) for action in BULK_ACTIONS],
    }
    return render(request, "moderation/queue.html", values, status_code)


def queue(request: Request) -> Response:
    require_moderator(request)
    return _queue_page(request, queries.QueueFilter.parse(request.query_params), Form({}))


def _quick(form: Form, value: str) -> list[str]:
    """A row's own button (`action:type:id`) acts on that row alone, with the page's shared
    reason and note: the rows carry no form of their own, which keeps the queue page light."""
    action, _, ref = value.partition(":")
    form.data["action"] = action if action in BULK_ACTIONS else ""
    return [ref]


def bulk_act(request: Request) -> Response:
    """The same decision on each ticked item (or on the one row whose button was pressed),
    each in its own transaction: one item that changed meanwhile does not undo the others."""
    user = require_moderator(request)
    form = form_of(request)
    quick = form.value("quick")
    if quick:
        ticked = _quick(form, quick)
    else:
        posted = request_context(request).form.getlist("items")
        ticked = [v for v in posted if isinstance(v, str)]
    draft = forms.parse_bulk(form, ticked)
    flt = queries.QueueFilter.parse(form.data, prefix="filter_")
    if not form.ok:
        return _queue_page(request, flt, form, 400)
    done, problems = 0, []
    for ref in draft.items:
        try:
            with auth.database(request).write() as session:
                actions.do_act(session, user, actions.get_target(session, *ref), draft.decision)
            done += 1
        except Refused as refused:
            problems.append(f"{ref[0]} #{ref[1]}: {refused.message}")
    total = len(draft.items)
    if quick:
        if done:
            flash(request, "success", gettext(_DONE[draft.decision.action]))
    else:
        message = ngettext(
            "%(done)d of %(num)d item handled.", "%(done)d of %(num)d items handled.", total
        ) % {"done": done, "num": total}
        flash(request, "success" if not problems else "info", message)
    for problem in problems[:_PROBLEMS_SHOWN]:
        flash(request, "error", problem)
    # Back to the same page of the queue: the rows handled have left it, the others moved up.
    query = urlencode(flt.query(cursor=flt.cursor))
    return see_other("/moderation" + (f"?{query}" if query else ""))


# One item


def _item_page(
    request: Request, type_name: str, content_id: int, form: Form, status_code: int = 200
) -> Response:
    kind = moderatable(type_name)
    with auth.database(request).read() as session:
        context = queries.item_context(session, kind, content_id) if kind else None
    if context is None:
        raise Refused(404, gettext("This content does not exist."))
    values = {"item": context, "form": form, "item_url": item_url(type_name, content_id)}
    return render(request, "moderation/item.html", values, status_code)


def item(request: Request) -> Response:
    require_moderator(request)
    type_name: str = request.path_params["content_type"]
    content_id: int = request.path_params["content_id"]
    return _item_page(request, type_name, content_id, Form({}))


def act(request: Request) -> Response:
    user = require_moderator(request)
    form = form_of(request)
    (type_name, content_id), decision = forms.parse_action(form)
    if not form.ok:
        return _item_page(request, type_name, content_id, form, 400)
    with auth.database(request).write() as session:
        target = actions.get_target(session, type_name, content_id)
        actions.do_act(session, user, target, decision)
    flash(request, "success", gettext(_DONE[decision.action]))
    return see_other(safe_next(form.value("next"), item_url(type_name, content_id)))


# The log


def log(request: Request) -> Response:
    require_moderator(request)
    params = request.query_params
    action = params.get("action", "")
    raw_before = params.get("before", "")
    before = int(raw_before) if raw_before.isdigit() and len(raw_before) < 19 else None
    chosen = action if action in ACTION_VALUES else None
    with auth.database(request).read() as session:
        page = queries.log_page(session, chosen, before)
    values = {
        "page": page,
        "chosen": chosen,
        "action_options": [(value, action_label(value)) for value in ACTION_VALUES],
    }
    return render(request, "moderation/log.html", values)
