"""HTTP around the open data (participation/api_http.py): validators and 304, caching, CORS,
the per-address rate limit, and JSON errors under /api/v1/."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from participation import api_http
from participation.api_http import OpenDataMiddleware
from participation.app import create_app
from participation.database import Database
from participation.models import User
from tests.conftest import make_settings
from tests.ideas.conftest import post_idea

LAST_MODIFIED = "Tue, 01 Apr 2025 10:00:00 GMT"
LATER = "Wed, 02 Apr 2025 08:00:00 GMT"
EARLIER = "Mon, 31 Mar 2025 10:00:00 GMT"


def test_an_unchanged_answer_is_a_304_without_body(
    client: TestClient, db: Database, resident: User
) -> None:
    post_idea(db, resident, "Bankjes in het park")
    first = client.get("/api/v1/ideas")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert first.headers["cache-control"] == "public, max-age=60"
    assert first.headers["access-control-allow-origin"] == "*"
    assert "ETag" in first.headers["access-control-expose-headers"]
    again = client.get("/api/v1/ideas")
    assert again.headers["etag"] == etag  # the same bytes, the same tag

    current = client.get("/api/v1/ideas", headers={"If-None-Match": f'"other", W/{etag}'})
    assert current.status_code == 304
    assert current.content == b""
    assert current.headers["etag"] == etag
    assert current.headers["cache-control"] == "public, max-age=60"
    assert current.headers["access-control-allow-origin"] == "*"
    assert "content-type" not in current.headers

    post_idea(db, resident, "Een tweede idee")
    changed = client.get("/api/v1/ideas", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert len(changed.json()["items"]) == 2

    # A view that sets its own validator and caching keeps them, 304 included.
    pacts = client.get("/api/v1/pacts")
    assert pacts.headers["cache-control"] == "no-cache"
    tag = pacts.headers["etag"]
    assert client.get("/api/v1/pacts", headers={"If-None-Match": tag}).status_code == 304


def _app_with(view: Route, tmp_path: Path, database_url: str) -> Starlette:
    settings = make_settings(database_url, tmp_path, INSPRAAK_API_RATE_LIMIT="0")
    app = Starlette(routes=[view])
    app.add_middleware(OpenDataMiddleware, settings=settings)
    return app


def test_last_modified_answers_if_modified_since(tmp_path: Path, database_url: str) -> None:
    def feed(_request: Request) -> Response:
        return PlainTextResponse("<feed/>", headers={"Last-Modified": LAST_MODIFIED})

    app = _app_with(Route("/news.atom", feed), tmp_path, database_url)
    with TestClient(app) as client:
        etag = client.get("/news.atom").headers["etag"]
        same = client.get("/news.atom", headers={"If-Modified-Since": LAST_MODIFIED})
        assert (same.status_code, same.content) == (304, b"")
        assert same.headers["last-modified"] == LAST_MODIFIED
        later = client.get("/news.atom", headers={"If-Modified-Since": LATER})
        assert later.status_code == 304
        older = client.get("/news.atom", headers={"If-Modified-Since": EARLIER})
        assert older.status_code == 200
        assert older.text == "<feed/>"
        unreadable = client.get("/news.atom", headers={"If-Modified-Since": "yesterday"})
        assert unreadable.status_code == 200
        # If-None-Match decides when both are sent (RFC 9110): a stale tag means a new copy.
        both = {"If-None-Match": '"stale"', "If-Modified-Since": LAST_MODIFIED}
        assert client.get("/news.atom", headers=both).status_code == 200
        both["If-None-Match"] = etag
        assert client.get("/news.atom", headers=both).status_code == 304
        assert client.head("/news.atom").headers["access-control-allow-origin"] == "*"


def test_a_body_too_large_to_hold_streams_on_without_etag(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_http, "BUFFER_LIMIT", 10)

    def export(_request: Request) -> Response:
        return StreamingResponse(iter([b"a,b\r\n", b"1,2\r\n", b"3,4\r\n", b"5,6\r\n"]))

    app = _app_with(Route("/big.csv", export), tmp_path, database_url)
    with TestClient(app) as client:
        response = client.get("/big.csv")
    assert response.content == b"a,b\r\n1,2\r\n3,4\r\n5,6\r\n"
    assert "etag" not in response.headers
    assert response.headers["access-control-allow-origin"] == "*"


def test_cors_is_open_for_reading_only(client: TestClient) -> None:
    preflight = client.options(
        "/api/v1/meetings",
        headers={
            "Origin": "https://krant.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.content == b""
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "If-None-Match" in preflight.headers["access-control-allow-headers"]
    assert client.get("/none.atom").headers.get("access-control-allow-origin") == "*"

    for method in ("POST", "DELETE"):
        refused = client.options(
            "/api/v1/meetings",
            headers={"Origin": "https://krant.example", "Access-Control-Request-Method": method},
        )
        assert "access-control-allow-origin" not in refused.headers
    posted = client.post("/api/v1/ideas", headers={"Origin": "http://testserver"})
    assert posted.status_code in (403, 405)
    assert "access-control-allow-origin" not in posted.headers
    assert "access-control-allow-origin" not in client.get("/ideas").headers  # a page


def test_unknown_api_paths_answer_json(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "cache-control" not in response.headers  # only answers that worked are cached
    bad = client.get("/api/v1/meetings", params={"limit": "0"})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_limit"


def test_the_rate_limit_answers_429_with_retry_after(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(database_url, tmp_path, INSPRAAK_API_RATE_LIMIT="3")
    with TestClient(create_app(settings)) as client:
        statuses = [client.get("/api/v1/meetings").status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        refused = client.get("/meetings.ics")  # feeds count with the API
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.json()["error"]["message"]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.headers["access-control-allow-origin"] == "*"
        assert client.get("/api/v1/meetings").status_code == 429  # refused from memory now
        assert client.get("/login").status_code == 200  # pages have their own limits


def test_a_rate_limit_of_zero_is_off(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(database_url, tmp_path, INSPRAAK_API_RATE_LIMIT="0")
    with TestClient(create_app(settings)) as client:
        assert {client.get("/api/v1/meetings").status_code for _ in range(12)} == {200}
