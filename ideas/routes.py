"""Named routes of the ideas package, mounted by the app factory."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from ideas import api, comment_views, feeds, views
from participation.inline import inline_on_sqlite

GET_POST = ["GET", "POST"]
POST = ["POST"]

routes: list[BaseRoute] = [
    Route("/ideas", views.ideas_list, name="ideas"),
    Route("/ideas", views.create_idea, methods=POST, name="create_idea"),
    Route("/ideas/new", views.new_idea, name="new_idea"),
    Route("/ideas/similar", views.similar, name="similar_ideas"),
    Route("/ideas/map", views.ideas_map, name="ideas_map"),
    Route("/ideas/categories", views.categories, methods=GET_POST, name="idea_categories"),
    Route(
        "/ideas/categories/{category_id:int}",
        views.toggle_category,
        methods=POST,
        name="toggle_idea_category",
    ),
    Route("/ideas/{idea_id:int}", views.idea_detail, name="idea"),
    Route("/ideas/{idea_id:int}/edit", views.edit_idea, methods=GET_POST, name="edit_idea"),
    Route("/ideas/{idea_id:int}/withdraw", views.withdraw_idea, methods=POST, name="withdraw_idea"),
    Route(
        "/ideas/{idea_id:int}/support",
        inline_on_sqlite(views.support),
        methods=POST,
        name="support_idea",
    ),
    Route(
        "/ideas/{idea_id:int}/unsupport",
        inline_on_sqlite(views.unsupport),
        methods=POST,
        name="unsupport_idea",
    ),
    Route("/ideas/{idea_id:int}/follow", views.follow, methods=POST, name="follow_idea"),
    Route("/ideas/{idea_id:int}/unfollow", views.follow, methods=POST, name="unfollow_idea"),
    Route(
        "/ideas/{idea_id:int}/comments", comment_views.comment, methods=POST, name="comment_idea"
    ),
    Route("/ideas/{idea_id:int}/comments", comment_views.more_comments, name="idea_comments"),
    Route(
        "/ideas/{idea_id:int}/comments/{comment_id:int}/edit",
        comment_views.edit_comment,
        methods=GET_POST,
        name="edit_idea_comment",
    ),
    Route(
        "/ideas/{idea_id:int}/comments/{comment_id:int}/delete",
        comment_views.delete_comment,
        methods=POST,
        name="delete_idea_comment",
    ),
    Route("/ideas/{idea_id:int}/answers", views.answer, methods=POST, name="answer_idea"),
    Route("/ideas.atom", feeds.ideas_atom, name="ideas_atom"),
    Route("/ideas/answers.atom", feeds.answers_atom, name="answers_atom"),
    Route("/ideas.csv", feeds.ideas_csv, name="ideas_csv"),
    Route("/api/v1/ideas", api.ideas, name="api_ideas"),
    Route("/api/v1/ideas.geojson", api.ideas_geojson, name="api_ideas_geojson"),
    Route("/api/v1/ideas/{idea_id:int}", api.idea, name="api_idea"),
]
