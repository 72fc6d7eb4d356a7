"""The administrator's page: find accounts, grant and revoke roles."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from sqlalchemy import or_
from sqlmodel import col, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from participation import actions, auth, forms
from participation.context import flash
from participation.i18n import gettext
from participation.models import ROLE_VALUES, User, UserRole, role_label
from participation.templating import render
from participation.web import form_of, see_other

PAGE_SIZE = 50


def users(request: Request) -> Response:
    actor = auth.require_user(request)
    query = request.query_params.get("q", "").strip()[:100]
    try:
        after = int(request.query_params.get("after", "0"))
    except ValueError:
        raise HTTPException(400) from None
    with auth.database(request).read() as session:
        actions.check_manage_roles(session, actor)
        statement = select(User).where(col(User.id) > after).order_by(col(User.id))
        if query:
            pattern = f"%{query.lower()}%"
            statement = statement.where(
                or_(col(User.email).like(pattern), col(User.display_name).ilike(pattern))
            )
        found = list(session.exec(statement.limit(PAGE_SIZE + 1)).all())
        page = found[:PAGE_SIZE]
        roles: dict[int, set[str]] = defaultdict(set)
        ids = [user.id for user in page]
        for user_role in session.exec(select(UserRole).where(col(UserRole.user_id).in_(ids))):
            roles[user_role.user_id].add(user_role.role)
    next_after = page[-1].id if len(found) > PAGE_SIZE and page else None
    return render(
        request,
        "participation/admin_users.html",
        {
            "users": page,
            "roles": roles,
            "all_roles": ROLE_VALUES,
            "query": query,
            "next_after": next_after,
        },
    )


def change_role(request: Request) -> Response:
    actor = auth.require_user(request)
    form = form_of(request)
    change = forms.parse_role_change(form)
    if not form.ok:
        raise HTTPException(400)
    with auth.database(request).write() as session:
        target = actions.do_change_role(session, actor, request.path_params["user_id"], change)
        name = target.display_name
    message = (
        gettext("%(name)s now has the role %(role)s.")
        if change.grant
        else gettext("%(name)s no longer has the role %(role)s.")
    )
    flash(request, "success", message % {"name": name, "role": role_label(change.role)})
    return see_other("/admin/users?" + urlencode({"q": form.data.get("q", "")}))
