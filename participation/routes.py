"""The shell's named routes: home, health, language, accounts, notifications, administration."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from participation import (
    admin,
    api,
    comment_views,
    email_views,
    notification_views,
    openapi,
    pages,
    privacy_views,
    views,
)

GET_POST = ["GET", "POST"]

routes: list[BaseRoute] = [
    Route("/", pages.home, name="home"),
    Route("/healthz", api.healthz, name="healthz"),
    Route("/language", pages.switch_language, methods=["POST"], name="switch_language"),
    Route("/register", views.register, methods=GET_POST, name="register"),
    Route("/register/sent", views.register_sent, name="register_sent"),
    Route(
        "/verify/resend", views.resend_verification, methods=["POST"], name="resend_verification"
    ),
    Route("/verify/{token}", views.verify_email, name="verify_email"),
    Route("/login", views.login, methods=GET_POST, name="login"),
    Route("/logout", views.logout, methods=["POST"], name="logout"),
    Route("/account", views.account, methods=GET_POST, name="account"),
    Route("/account/password", views.change_password, methods=GET_POST, name="change_password"),
    Route(
        "/account/logout-everywhere",
        views.logout_everywhere,
        methods=["POST"],
        name="logout_everywhere",
    ),
    Route("/password/forgot", views.forgot_password, methods=GET_POST, name="forgot_password"),
    Route("/password/reset/{token}", views.reset_password, methods=GET_POST, name="reset_password"),
    Route("/notifications", notification_views.notifications, name="notifications"),
    Route(
        "/notifications/read",
        notification_views.mark_notifications_read,
        methods=["POST"],
        name="mark_notifications_read",
    ),
    Route(
        "/notifications/{notification_id:int}",
        notification_views.open_notification,
        name="open_notification",
    ),
    Route(
        "/account/notifications",
        email_views.email_preferences,
        methods=GET_POST,
        name="email_preferences",
    ),
    # The link in every notification email; its POST is the one-click unsubscribe of RFC 8058,
    # sent by mail clients without cookies: the signed token is the proof, not a CSRF token.
    Route("/unsubscribe/{token}", email_views.unsubscribe, methods=GET_POST, name="unsubscribe"),
    Route("/privacy", privacy_views.privacy_page, name="privacy"),
    Route("/me/data", privacy_views.my_data, name="my_data"),
    Route("/me/data.json", privacy_views.my_data_json, name="my_data_json"),
    Route("/me/delete", privacy_views.delete_account, methods=GET_POST, name="delete_account"),
    Route("/api", openapi.api_page, name="api_page"),
    Route("/api/v1/openapi.json", openapi.openapi_json, name="openapi"),
    Route("/comments/{comment_id:int}", comment_views.comment, name="comment"),
    Route("/admin/users", admin.users, name="admin_users"),
    Route(
        "/admin/users/{user_id:int}/roles", admin.change_role, methods=["POST"], name="change_role"
    ),
]
