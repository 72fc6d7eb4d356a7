"""Named routes of the problems package, mounted by the app factory."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from problems import admin_views, api, handling_views, report_views, views

GET_POST = ["GET", "POST"]
POST = ["POST"]

routes: list[BaseRoute] = [
    # Reporting and the public side (report_views.py, views.py, api.py).
    Route("/problems", views.problems_list, name="problems"),
    Route("/problems", report_views.create_problem, methods=POST, name="create_problem"),
    Route("/problems/new", report_views.new_problem, name="new_problem"),
    Route("/problems/nearby", report_views.nearby, name="nearby_problems"),
    Route("/problems/statistics", views.statistics, name="problem_statistics"),
    Route("/problems/{report_id:int}", views.problem_detail, name="problem"),
    Route(
        "/problems/{report_id:int}/me-too", report_views.me_too, methods=POST, name="problem_me_too"
    ),
    Route("/api/v1/reports", api.reports, name="api_reports"),
    # Handling by departments and clerks (handling_views.py), and the lists they manage
    # (admin_views.py).
    Route("/problems/queue", handling_views.queue, name="problem_queue"),
    Route(
        "/problems/{report_id:int}/status",
        handling_views.set_status,
        methods=POST,
        name="problem_status",
    ),
    Route(
        "/problems/{report_id:int}/assign",
        handling_views.assign,
        methods=POST,
        name="problem_assign",
    ),
    Route(
        "/problems/{report_id:int}/merge", handling_views.merge, methods=POST, name="problem_merge"
    ),
    Route(
        "/problems/{report_id:int}/photos",
        handling_views.add_fix_photo,
        methods=POST,
        name="problem_fix_photo",
    ),
    Route(
        "/problems/photos/{photo_id:int}/check",
        handling_views.check_photo,
        methods=POST,
        name="problem_check_photo",
    ),
    Route(
        "/problems/{report_id:int}/confirm",
        handling_views.confirm,
        methods=POST,
        name="problem_confirm",
    ),
    Route(
        "/problems/categories",
        admin_views.categories,
        methods=GET_POST,
        name="problem_categories",
    ),
    Route(
        "/problems/departments",
        admin_views.departments,
        methods=GET_POST,
        name="problem_departments",
    ),
]
