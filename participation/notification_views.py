"""The signed-in user's notifications: the list, opening one, marking all as read."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.context import flash
from participation.i18n import gettext
from participation.notifications import (
    check_own_notification,
    do_mark_read,
    notifications_page,
)
from participation.templating import render
from participation.web import safe_next, see_other

LIST_URL = "/notifications"


def _before(request: Request) -> int | None:
    raw = request.query_params.get("before")
    if raw is None or raw == "":
        return None
    try:
        before = int(raw)
    except ValueError:
        raise HTTPException(400) from None
    if before < 1:
        raise HTTPException(400)
    return before


def notifications(request: Request) -> Response:
    user = auth.require_user(request)
    assert user.id is not None
    before = _before(request)
    with auth.database(request).read() as session:
        items, next_before = notifications_page(session, user.id, before)
    return render(
        request,
        "participation/notifications.html",
        {"items": items, "next_before": next_before, "before": before},
    )


def open_notification(request: Request) -> Response:
    """A plain link marks the notification read and goes on to what it is about."""
    user = auth.require_user(request)
    assert user.id is not None
    with auth.database(request).write() as session:
        found = check_own_notification(session, user.id, request.path_params["notification_id"])
        if found.is_unread:
            do_mark_read(session, user.id, found.id)
        link = found.link
    return see_other(safe_next(link, LIST_URL))


def mark_notifications_read(request: Request) -> Response:
    user = auth.require_user(request)
    assert user.id is not None
    with auth.database(request).write() as session:
        do_mark_read(session, user.id)
    flash(request, "success", gettext("All your notifications are marked as read."))
    return see_other(LIST_URL)
