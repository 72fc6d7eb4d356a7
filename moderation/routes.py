"""Named routes of the moderation package, mounted by the app factory."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from moderation import appeal_views, report_views, sanction_views, views

POST = ["POST"]
GET_POST = ["GET", "POST"]

routes: list[BaseRoute] = [
    # Anyone logged in reports content (report_views.py).
    Route("/reports/new", report_views.new_report, name="new_report"),
    Route("/reports", report_views.create_report, methods=POST, name="create_report"),
    # The moderators' queue, an item in context, and their actions on content (views.py).
    Route("/moderation", views.queue, name="moderation_queue"),
    Route(
        "/moderation/items/{content_type:str}/{content_id:int}",
        views.item,
        name="moderation_item",
    ),
    Route("/moderation/actions", views.act, methods=POST, name="moderation_act"),
    Route("/moderation/bulk", views.bulk_act, methods=POST, name="moderation_bulk"),
    Route("/moderation/log", views.log, name="moderation_log"),
    # Sanctions on accounts, the watch words, the public transparency page (sanction_views.py).
    Route("/moderation/users/{user_id:int}", sanction_views.user, name="moderation_user"),
    Route(
        "/moderation/users/{user_id:int}/sanctions",
        sanction_views.sanction,
        methods=POST,
        name="moderation_sanction",
    ),
    Route(
        "/moderation/users/{user_id:int}/lift",
        sanction_views.lift,
        methods=POST,
        name="moderation_lift",
    ),
    Route("/moderation/words", sanction_views.words, methods=GET_POST, name="moderation_words"),
    Route(
        "/moderation/words/{word_id:int}/delete",
        sanction_views.delete_word,
        methods=POST,
        name="moderation_delete_word",
    ),
    Route("/transparency", sanction_views.transparency, name="transparency"),
    # Authors see what was decided about them and appeal once; another moderator decides
    # (appeal_views.py).
    Route("/me/moderation", appeal_views.mine, name="my_moderation"),
    Route("/appeals", appeal_views.create_appeal, methods=POST, name="create_appeal"),
    Route("/moderation/appeals", appeal_views.appeals, name="moderation_appeals"),
    Route(
        "/moderation/appeals/{appeal_id:int}",
        appeal_views.decide,
        methods=POST,
        name="moderation_decide_appeal",
    ),
]
