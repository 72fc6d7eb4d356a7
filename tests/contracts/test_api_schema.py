"""The OpenAPI description against the running app: schemathesis generates requests from
/api/v1/openapi.json and checks each answer (no server error, a documented status, a body
that matches its schema) on a real uvicorn server over the demo municipality's data.

The description is what clients build on: a failure here is fixed in the description (or in
the view), never by loosening these checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from participation.database import Database
from participation.demo import load_demo
from participation.migrate import upgrade
from participation.openapi import description
from tests.server import app_env, free_port, served

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with the demo data, on SQLite, without the API rate limit."""
    folder: Path = tmp_path_factory.mktemp("api-schema")
    url = f"sqlite:///{folder / 'inspraak.db'}"
    upgrade(url)
    db = Database(url)
    try:
        load_demo(db)
    finally:
        db.dispose()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = app_env(url, folder, port, INSPRAAK_API_RATE_LIMIT="0")
    with served("participation.app:create_app", env, port, log_path=folder / "app.log"):
        yield base_url


@pytest.fixture(scope="module")
def api_schema(server: str) -> Any:
    return schemathesis.openapi.from_url(f"{server}/api/v1/openapi.json")


# The paths, from the description itself (its server address does not matter here).
PATHS = sorted(description("http://127.0.0.1")["paths"])


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_matches_the_description(api_schema: Any, path: str) -> None:
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    answers()


def test_the_demo_objects_match_the_description(server: str, api_schema: Any) -> None:
    """Generated ids mostly miss; this follows each list to the real objects behind it."""
    with requests.Session() as client:

        def check(template: str, path: str) -> Any:
            response = client.get(server + path, timeout=30)
            assert response.status_code == 200, path
            api_schema[template]["GET"].validate_response(response)
            return response.json()

        meetings = check("/api/v1/meetings", "/api/v1/meetings?limit=100")["items"]
        assert meetings, "the demo has published meetings"
        with_items = 0
        for meeting in meetings:
            detail = check("/api/v1/meetings/{meeting_id}", f"/api/v1/meetings/{meeting['id']}")
            with_items += bool(detail["items"])
        assert with_items
        ideas = check("/api/v1/ideas", "/api/v1/ideas?limit=100")["items"]
        assert ideas, "the demo has ideas"
        for idea in ideas[:10]:
            check("/api/v1/ideas/{idea_id}", f"/api/v1/ideas/{idea['id']}")
        pacts = check("/api/v1/pacts", "/api/v1/pacts?limit=100")["features"]
        for pact in pacts[:10]:
            check("/api/v1/pacts/{pact_id}", f"/api/v1/pacts/{pact['id']}")
        check("/api/v1/ideas.geojson", "/api/v1/ideas.geojson?limit=100")
        check("/api/v1/reports", "/api/v1/reports?limit=100")
