"""The pacts API: GeoJSON of public pacts with filters, a bounding box and paging in `links`,
ETag validation, and one pact as JSON with its timeline, resources and progress reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from starlette.testclient import TestClient

from pacts import actions
from pacts.content import PROGRESS
from pacts.forms import ProgressDraft
from pacts.models import Pact
from participation.database import Database
from participation.models import User
from participation.visibility import Visibility, set_visibility
from tests.pacts.conftest import advance, propose

HOSTILE = '<script>alert(1)</script> & "quotes"'


def submitted(db: Database, proposer: User, clerk: User, **fields: Any) -> Pact:
    return advance(db, propose(db, proposer, **fields), "submitted", clerk, proposer)


def titles(body: dict[str, Any]) -> list[str]:
    return [feature["properties"]["title"] for feature in body["features"]]


def test_geojson_of_public_located_pacts(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    pact = submitted(db, proposer, clerk, title=HOSTILE, description="Wij **planten** bomen.")
    submitted(db, proposer, clerk, title="Zonder plek", latitude=None, longitude=None)
    propose(db, proposer, title="Ontwerp")
    response = client.get("/api/v1/pacts")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["links"] == {"next": None}
    [feature] = body["features"]
    assert feature["id"] == pact.id
    assert feature["geometry"] == {"type": "Point", "coordinates": [3.72, 51.05]}
    assert feature["properties"] == {
        "title": HOSTILE,  # data, not HTML: the map script inserts it as text
        "status": "submitted",
        "category": "green_space",
        "excerpt": "Wij planten bomen.",
        "url": f"http://testserver/pacts/{pact.id}",
    }


def test_filters_and_bounding_box(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    submitted(db, proposer, clerk, title="Gent", category="culture")
    submitted(db, proposer, clerk, title="Brussel", latitude=50.85, longitude=4.35)
    assert titles(client.get("/api/v1/pacts?category=culture").json()) == ["Gent"]
    assert titles(client.get("/api/v1/pacts?status=submitted").json()) == ["Brussel", "Gent"]
    assert titles(client.get("/api/v1/pacts?status=active").json()) == []
    assert titles(client.get("/api/v1/pacts?bbox=3.6,51.0,3.8,51.1").json()) == ["Gent"]
    belgium = client.get("/api/v1/pacts?bbox=2.5,49.5,6.4,51.5&category=culture").json()
    assert titles(belgium) == ["Gent"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("bbox=1,2,3", "invalid_bbox"),
        ("bbox=a,b,c,d", "invalid_bbox"),
        ("bbox=4,51,3,52", "invalid_bbox"),  # west east of east
        ("bbox=3,52,4,51", "invalid_bbox"),  # south north of north
        ("bbox=3,51,4,91", "invalid_bbox"),
        ("bbox=-181,51,4,52", "invalid_bbox"),
        ("bbox=nan,51,4,52", "invalid_bbox"),
        ("category=parking", "invalid_category"),
        ("status=draft", "invalid_status"),
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("cursor=abc", "invalid_cursor"),
    ],
)
def test_bad_parameters_get_a_json_error(client: TestClient, query: str, code: str) -> None:
    response = client.get(f"/api/v1/pacts?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["code"] == code


def test_pages_follow_the_next_link(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    for number in range(5):
        submitted(db, proposer, clerk, title=f"Pact {number}")
    seen: list[str] = []
    url: str | None = "/api/v1/pacts?limit=2&category=green_space"
    while url:
        body = client.get(url.removeprefix("http://testserver")).json()
        seen += titles(body)
        url = body["links"]["next"]
        if url:
            assert "category=green_space" in url
    assert seen == ["Pact 4", "Pact 3", "Pact 2", "Pact 1", "Pact 0"]


def test_an_unchanged_answer_is_not_sent_again(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    submitted(db, proposer, clerk)
    first = client.get("/api/v1/pacts")
    etag = first.headers["etag"]
    again = client.get("/api/v1/pacts", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    submitted(db, proposer, clerk, title="Nieuw")
    changed = client.get("/api/v1/pacts", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_detail_has_timeline_resources_and_progress(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    pact = advance(db, propose(db, proposer), "active", clerk, proposer)
    assert pact.id is not None
    with db.write() as session:
        report = actions.do_report_progress(
            session, pact.id, proposer, ProgressDraft("De *eerste* bakken staan er.", 6), []
        )
    response = client.get(f"/api/v1/pacts/{pact.id}")
    assert response.status_code == 200
    assert "etag" in response.headers
    body = response.json()
    assert body["id"] == pact.id
    assert body["status"] == "active"
    assert body["proposer"] == "Ann"
    assert body["location"] == {"latitude": 51.05, "longitude": 3.72}
    assert body["starts_on"] == "2030-04-01"
    assert body["url"] == f"http://testserver/pacts/{pact.id}"
    steps = body["timeline"]
    assert [step["status"] for step in steps][:3] == ["draft", "submitted", "in_assessment"]
    assert steps[-1]["status"] == "active"
    for step in steps:
        assert set(step) >= {"kind", "status", "time", "automatic"}
        assert dt.datetime.fromisoformat(step["time"]).utcoffset() is not None
    closing = [step for step in steps if step["status"] == "awaiting_signatures"]
    assert closing[0]["automatic"] is True  # the consultation closed by itself
    assert closing[0]["actor"] is None
    assert steps[0]["automatic"] is False
    assert steps[0]["actor"] == "Ann"
    assert [r["decision"] for r in body["resources"]] == ["granted", "granted"]
    assert body["resources"][1]["budget_eur"] == 300
    [summary] = body["progress_reports"]
    assert summary["excerpt"] == "De eerste bakken staan er."
    assert summary["hours"] == 6
    assert summary["by_city"] is False
    assert summary["url"] == f"http://testserver/pacts/{pact.id}#progress-{report.id}"
    with db.write() as session:
        set_visibility(session, PROGRESS, report.id or 0, Visibility.hidden, "spam")
    assert client.get(f"/api/v1/pacts/{pact.id}").json()["progress_reports"] == []


def test_drafts_and_hidden_pacts_are_not_found(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    draft = propose(db, proposer)
    public = submitted(db, proposer, clerk)
    expected = {"error": {"code": "not_found", "message": "no pact with this id"}}
    for pact_id in (draft.id, 9999):
        response = client.get(f"/api/v1/pacts/{pact_id}")
        assert response.status_code == 404
        assert response.json() == expected
    for visibility in (Visibility.hidden, Visibility.held, Visibility.auto_hidden):
        with db.write() as session:
            set_visibility(session, "pact", public.id or 0, visibility, None)
        assert client.get(f"/api/v1/pacts/{public.id}").json() == expected
    with db.write() as session:
        set_visibility(session, "pact", public.id or 0, Visibility.public, None)
    assert client.get(f"/api/v1/pacts/{public.id}").status_code == 200
