"""Every state-changing endpoint refuses a missing CSRF token, a visitor and the wrong role.

A new POST route fails `test_every_post_route_is_covered` until it is added here.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from participation.database import Database
from participation.models import Role
from tests.helpers import Browser, create_user

# path -> (needs a logged-in user, role needed or None)
POST_ROUTES: dict[str, tuple[bool, Role | None]] = {
    "/language": (False, None),
    "/register": (False, None),
    "/verify/resend": (False, None),
    "/login": (False, None),
    "/logout": (False, None),
    "/account": (True, None),
    "/account/password": (True, None),
    "/account/logout-everywhere": (True, None),
    "/me/delete": (True, None),
    "/password/forgot": (False, None),
    "/password/reset/{token}": (False, None),
    "/notifications/read": (True, None),
    "/account/notifications": (True, None),
    "/admin/users/{user_id:int}/roles": (True, Role.admin),
    "/ideas": (True, None),
    "/ideas/categories": (True, Role.clerk),
    "/ideas/categories/{category_id:int}": (True, Role.clerk),
    "/ideas/{idea_id:int}/edit": (True, None),
    "/ideas/{idea_id:int}/withdraw": (True, None),
    "/ideas/{idea_id:int}/support": (True, None),
    "/ideas/{idea_id:int}/unsupport": (True, None),
    "/ideas/{idea_id:int}/follow": (True, None),
    "/ideas/{idea_id:int}/unfollow": (True, None),
    "/ideas/{idea_id:int}/comments": (True, None),
    "/ideas/{idea_id:int}/comments/{comment_id:int}/edit": (True, None),
    "/ideas/{idea_id:int}/comments/{comment_id:int}/delete": (True, None),
    "/ideas/{idea_id:int}/answers": (True, Role.clerk),
    "/meetings": (True, Role.clerk),
    "/meetings/{meeting_id:int}/publish": (True, Role.clerk),
    "/meetings/{meeting_id:int}/roles": (True, Role.clerk),
    "/meetings/{meeting_id:int}/items": (True, Role.clerk),
    "/meetings/{meeting_id:int}/import": (True, Role.clerk),
    "/meetings/{meeting_id:int}/import/confirm": (True, Role.clerk),
    "/items/{item_id:int}/move": (True, Role.clerk),
    "/items/{item_id:int}/documents": (True, Role.clerk),
    "/items/{item_id:int}/links": (True, Role.clerk),
    "/councils": (True, Role.clerk),
    "/councils/{council_id:int}": (True, Role.clerk),
    "/councils/{council_id:int}/mandates": (True, Role.clerk),
    "/mandates/{mandate_id:int}/end": (True, Role.clerk),
    # Who may vote, chair or check in depends on a mandate or the meeting's chair, not on a
    # role alone: tests/voting/test_ballot_views.py tests those refusals.
    "/items/{item_id:int}/council-vote": (True, None),
    "/items/{item_id:int}/recusal": (True, None),
    "/items/{item_id:int}/advisory-vote": (True, None),
    "/items/{item_id:int}/ballot": (True, None),
    "/meetings/{meeting_id:int}/session": (True, None),
    "/meetings/{meeting_id:int}/check-in": (True, None),
    # The chair's console and the tablets: the chair of the meeting (not a role), a member
    # of its council; tests/streaming/test_console_views.py and test_tablet_views.py.
    "/meetings/{meeting_id:int}/current-item": (True, None),
    "/meetings/{meeting_id:int}/speakers": (True, None),
    "/meetings/{meeting_id:int}/live-settings": (True, None),
    "/items/{item_id:int}/recorded-vote": (True, Role.clerk),
    "/reports": (True, None),
    "/moderation/actions": (True, Role.moderator),
    "/moderation/bulk": (True, Role.moderator),
    "/moderation/users/{user_id:int}/sanctions": (True, Role.moderator),
    "/moderation/users/{user_id:int}/lift": (True, Role.moderator),
    "/moderation/words": (True, Role.moderator),
    "/moderation/words/{word_id:int}/delete": (True, Role.moderator),
    "/appeals": (True, None),
    "/moderation/appeals/{appeal_id:int}": (True, Role.moderator),
    # Anonymous reports are off by default (tests/problems/test_report_views.py tests them on).
    "/problems": (True, None),
    # Any verified resident but the reporter: tests/problems/test_report_views.py.
    "/problems/{report_id:int}/me-too": (True, None),
    # Clerks and the workers of the report's department (not a role), and the reporter for
    # "confirm": tests/problems/test_handling_views.py tests those refusals.
    "/problems/{report_id:int}/status": (True, None),
    "/problems/{report_id:int}/assign": (True, None),
    "/problems/{report_id:int}/merge": (True, None),
    "/problems/{report_id:int}/photos": (True, None),
    "/problems/photos/{photo_id:int}/check": (True, None),
    "/problems/{report_id:int}/confirm": (True, None),
    "/problems/categories": (True, Role.clerk),
    "/problems/departments": (True, Role.clerk),
    "/pacts": (True, None),
    # Proposers are the author and the members of the pact's organisation, not a role:
    # tests/pacts/test_views.py and test_lifecycle_views.py test those refusals.
    "/pacts/{pact_id:int}/edit": (True, None),
    "/pacts/{pact_id:int}/submit": (True, None),
    "/pacts/{pact_id:int}/follow": (True, None),
    "/pacts/{pact_id:int}/unfollow": (True, None),
    "/pacts/{pact_id:int}/assessment": (True, Role.clerk),
    "/pacts/{pact_id:int}/request-changes": (True, Role.clerk),
    "/pacts/{pact_id:int}/reject": (True, Role.clerk),
    "/pacts/{pact_id:int}/consultation": (True, Role.clerk),
    "/pacts/{pact_id:int}/advice": (True, None),
    "/pacts/{pact_id:int}/advice-response": (True, Role.clerk),
    "/pacts/{pact_id:int}/sign": (True, None),
    "/pacts/{pact_id:int}/progress": (True, None),
    "/pacts/{pact_id:int}/complete": (True, None),
    "/pacts/{pact_id:int}/end": (True, None),
    # Membership of the organisation, not a role: tests/pacts/test_organisation_views.py.
    "/organisations": (True, None),
    "/organisations/{organisation_id:int}/members": (True, None),
    "/organisations/{organisation_id:int}/members/{user_id:int}/remove": (True, None),
    "/questions": (True, None),
    "/questions/{question_id:int}/check": (True, Role.clerk),
    "/questions/{question_id:int}/schedule": (True, Role.clerk),
    # The asker (attendance, reaction, withdrawal) and the meeting's chair or a clerk (the
    # answer), not a role: tests/voting/test_question_views.py tests those refusals.
    "/questions/{question_id:int}/attendance": (True, None),
    "/questions/{question_id:int}/answer": (True, None),
    "/questions/{question_id:int}/reaction": (True, None),
    "/questions/{question_id:int}/withdraw": (True, None),
}


# POST routes that take no CSRF token, and why; each has its own tests of what it refuses.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients post without cookies, so without a token;
    # the signed token in the path is the proof (tests/participation/test_email_views.py).
    "/unsubscribe/{token}",
}


def _concrete(path: str) -> str:
    placeholders = (
        "{user_id:int}",
        "{idea_id:int}",
        "{category_id:int}",
        "{comment_id:int}",
        "{meeting_id:int}",
        "{item_id:int}",
        "{council_id:int}",
        "{mandate_id:int}",
        "{word_id:int}",
        "{appeal_id:int}",
        "{pact_id:int}",
        "{organisation_id:int}",
        "{question_id:int}",
        "{report_id:int}",
        "{photo_id:int}",
    )
    for placeholder in placeholders:
        path = path.replace(placeholder, "1")
    return path.replace("{token}", "sometoken")


def test_every_post_route_is_covered(app: Starlette) -> None:
    posted = {
        route.path
        for route in app.routes
        if isinstance(route, Route) and route.methods and "POST" in route.methods
    }
    assert posted == set(POST_ROUTES) | CSRF_EXEMPT


@pytest.mark.parametrize("path", sorted(POST_ROUTES))
def test_a_missing_csrf_token_is_refused(path: str, browser: Browser, db: Database) -> None:
    create_user(db, email="admin@example.be", roles=(Role.admin,))
    browser.login("admin@example.be")
    response = browser.client.post(_concrete(path), data={"role": "clerk", "action": "grant"})
    assert response.status_code == 403


@pytest.mark.parametrize("path", sorted(p for p, (login, _) in POST_ROUTES.items() if login))
def test_a_visitor_is_sent_to_log_in(path: str, browser: Browser) -> None:
    browser.get("/")
    response = browser.post(_concrete(path), {"role": "clerk", "action": "grant"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", sorted(p for p, (_, role) in POST_ROUTES.items() if role))
def test_the_wrong_role_is_refused(path: str, browser: Browser, db: Database) -> None:
    needed = POST_ROUTES[path][1]
    create_user(db, email="ann@example.be", roles=tuple(r for r in Role if r != needed))
    browser.login("ann@example.be")
    response = browser.post(
        _concrete(path), {"role": "clerk", "action": "grant", "status": "accepted", "body": "x"}
    )
    assert response.status_code == 403
