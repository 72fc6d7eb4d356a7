"""Named routes of the pacts package, mounted by the app factory."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pacts import (
    api,
    feeds,
    lifecycle_views,
    organisation_views,
    overview_views,
    proposal_views,
    views,
)

GET_POST = ["GET", "POST"]
POST = ["POST"]


def _pact(
    path: str, endpoint: Callable[[Request], Response], name: str, methods: list[str] = POST
) -> Route:
    """A route under one pact's page."""
    return Route(f"/pacts/{{pact_id:int}}{path}", endpoint, methods=methods, name=name)


routes: list[BaseRoute] = [
    # The overview: list, map, statistics (overview_views.py) and the open data (api.py).
    Route("/pacts", overview_views.pacts_list, name="pacts"),
    Route("/pacts/map", overview_views.pacts_map, name="pacts_map"),
    Route("/pacts/statistics", overview_views.statistics, name="pacts_statistics"),
    Route("/pacts/progress/{report_id:int}", overview_views.progress_report, name="pact_progress"),
    Route("/pacts.csv", feeds.pacts_csv, name="pacts_csv"),
    Route("/api/v1/pacts", api.pacts_geojson, name="api_pacts"),
    Route("/api/v1/pacts/{pact_id:int}", api.pact_json, name="api_pact"),
    # A proposal: written, edited while a draft or when changes are asked, submitted
    # (proposal_views.py); the pact page and following it (views.py).
    Route("/pacts", proposal_views.create_pact, methods=POST, name="create_pact"),
    Route("/pacts/new", proposal_views.new_pact, name="new_pact"),
    Route("/pacts/{pact_id:int}", views.pact_detail, name="pact"),
    _pact("/edit", proposal_views.edit_pact, "edit_pact", GET_POST),
    _pact("/submit", proposal_views.submit_pact, "submit_pact"),
    _pact("/follow", views.follow_pact, "follow_pact"),
    _pact("/unfollow", views.follow_pact, "unfollow_pact"),
    # Each later step by the right role (lifecycle_views.py).
    _pact("/assessment", lifecycle_views.take_for_assessment, "assess_pact"),
    _pact("/request-changes", lifecycle_views.request_changes, "request_pact_changes"),
    _pact("/reject", lifecycle_views.reject, "reject_pact"),
    _pact("/consultation", lifecycle_views.open_consultation, "open_pact_consultation"),
    _pact("/advice", lifecycle_views.advise, "advise_pact"),
    _pact("/advice-response", lifecycle_views.respond_to_advice, "respond_to_pact_advice"),
    _pact("/text", lifecycle_views.pact_text, "pact_text", ["GET"]),
    _pact("/sign", lifecycle_views.sign, "sign_pact"),
    _pact("/progress", lifecycle_views.report_progress, "report_pact_progress"),
    _pact("/complete", lifecycle_views.complete, "complete_pact"),
    _pact("/end", lifecycle_views.end_early, "end_pact"),
    # Organisations that propose pacts, and their members (organisation_views.py).
    Route(
        "/organisations", organisation_views.organisations, methods=GET_POST, name="organisations"
    ),
    Route(
        "/organisations/{organisation_id:int}",
        organisation_views.organisation,
        name="organisation",
    ),
    Route(
        "/organisations/{organisation_id:int}/members",
        organisation_views.add_member,
        methods=POST,
        name="add_organisation_member",
    ),
    Route(
        "/organisations/{organisation_id:int}/members/{user_id:int}/remove",
        organisation_views.remove_member,
        methods=POST,
        name="remove_organisation_member",
    ),
]
