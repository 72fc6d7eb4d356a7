"""The OpenAPI description (participation/openapi.py and each feature's openapi.py) and the
/api page that explains the API to people."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import schemathesis
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.helpers import Browser, in_english, select_one, soup


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(document: dict[str, Any], pointer: str) -> Any:
    assert pointer.startswith("#/"), pointer
    node: Any = document
    for part in pointer[2:].split("/"):
        node = node[part]
    return node


def _api_routes(app: Starlette) -> set[str]:
    """The GET routes under /api/v1/ as OpenAPI writes paths: `{id:int}` becomes `{id}`."""
    return {
        re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for route in app.routes
        if isinstance(route, Route)
        and route.path.startswith("/api/v1/")
        and "GET" in (route.methods or ())
    }


def test_the_description_is_valid_openapi_and_describes_every_api_route(
    client: TestClient, app: Starlette
) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://testserver"}]
    schema = schemathesis.openapi.from_dict(document)
    schema.validate()  # against the OpenAPI 3.1 meta-schema; raises if the document is not
    assert not list(schema.iter_schema_warnings())
    for pointer in set(_refs(document)):
        assert _resolve(document, pointer), pointer
    assert _api_routes(app) == set(document["paths"])
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        assert {"200", "304", "429"} <= set(responses), path
        assert "{" not in path or "404" in responses, path
        names = {p["name"] for p in item["get"]["parameters"] if "name" in p}
        assert set(re.findall(r"\{(\w+)\}", path)) <= names, path
    # Every list takes limit, and the error answer is the one DESIGN.md gives.
    listed = ["/api/v1/ideas", "/api/v1/ideas.geojson", "/api/v1/pacts", "/api/v1/meetings"]
    for path in listed:
        parameters = document["paths"][path]["get"]["parameters"]
        assert {"$ref": "#/components/parameters/limit"} in parameters
        assert any(p.get("name") == "cursor" for p in parameters)
    limit = document["components"]["parameters"]["limit"]["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, 100)
    error = document["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]


def test_the_description_holds_what_the_views_answer(client: TestClient) -> None:
    """An empty platform's lists and errors conform; tests/contracts/test_api_schema.py checks
    many answers over demo data."""
    document = client.get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    for path, query in [
        ("/api/v1/ideas", {"limit": "5", "sort": "supported"}),
        ("/api/v1/ideas.geojson", {"bbox": "3.6,51.0,3.8,51.1"}),
        ("/api/v1/pacts", {}),
        ("/api/v1/reports", {}),
        ("/api/v1/meetings", {}),
        ("/api/v1/ideas", {"limit": "101"}),
        ("/api/v1/ideas/12345", {}),
    ]:
        response = client.get(path, params=query)
        operation = schema.find_operation_by_path("GET", path) or schema[path]["GET"]
        operation.validate_response(response)


def test_the_api_page_explains_the_api(browser: Browser) -> None:
    response = in_english(browser).get("/api")
    assert response.status_code == 200
    page = soup(response)
    assert select_one(response, "h1").get_text(strip=True) == "Open data"
    links = {a["href"] for a in page.select("main a")}
    assert "/api/v1/openapi.json" in links
    examples = {dt.get_text(strip=True) for dt in page.select(".api-endpoints dt")}
    assert {"/api/v1/ideas", "/api/v1/meetings/1", "/api/v1/meetings/1.jsonld"} <= examples
    for feed in ("/ideas.atom", "/meetings.ics", "/decisions.csv", "/api/v1/oparl"):
        assert feed in links
    text = select_one(response, "main").get_text(" ", strip=True)
    assert "If-None-Match" in text
    assert "300 requests a minute" in text  # the default INSPRAAK_API_RATE_LIMIT
    headings = [h.name for h in page.select("main h1, main h2")]
    assert headings[0] == "h1"
    assert headings.count("h1") == 1
