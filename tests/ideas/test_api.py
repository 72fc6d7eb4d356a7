"""The ideas API: JSON lists with cursor paging, details, GeoJSON with a bounding box."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from ideas import actions, queries
from ideas.forms import AnswerDraft
from participation.database import Database
from participation.models import User
from participation.visibility import Visibility
from tests.helpers import set_visible
from tests.ideas.conftest import post_idea


def test_list_pages_with_next_links(client: TestClient, db: Database, resident: User) -> None:
    for number in range(5):
        post_idea(db, resident, title=f"Idee {number}")
    first = client.get("/api/v1/ideas?limit=3").json()
    assert [item["title"] for item in first["items"]] == ["Idee 4", "Idee 3", "Idee 2"]
    item = first["items"][0]
    assert isinstance(item["id"], int)
    assert item["support_count"] == 0
    assert item["comment_count"] == 0
    assert dt.datetime.fromisoformat(item["created_at"]).utcoffset() is not None
    second = client.get(first["next"].removeprefix("http://testserver")).json()
    assert [i["title"] for i in second["items"]] == ["Idee 1", "Idee 0"]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("limit=abc", "invalid_limit"),
        ("status=maybe", "invalid_status"),
        ("sort=random", "invalid_sort"),
        ("category=x", "invalid_category"),
    ],
)
def test_bad_parameters_get_a_json_error(client: TestClient, query: str, code: str) -> None:
    response = client.get(f"/api/v1/ideas?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_detail_has_the_timeline(
    client: TestClient, db: Database, resident: User, clerk: User
) -> None:
    idea = post_idea(db, resident)
    assert idea.id is not None
    with db.write() as session:
        actions.do_answer(session, idea.id, clerk, AnswerDraft("accepted", "Goed plan."))
    body = client.get(f"/api/v1/ideas/{idea.id}").json()
    assert body["status"] == "accepted"
    assert body["timeline"][0]["official"] is True
    assert body["timeline"][0]["body"] == "Goed plan."
    missing = client.get("/api/v1/ideas/9999")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_geojson_with_a_bounding_box(client: TestClient, db: Database, resident: User) -> None:
    post_idea(db, resident, title="In Gent", latitude=51.05, longitude=3.72)
    post_idea(db, resident, title="In Brussel", latitude=50.85, longitude=4.35)
    post_idea(db, resident, title="Nergens")
    everything = client.get("/api/v1/ideas.geojson")
    assert everything.headers["content-type"].startswith("application/geo+json")
    data = everything.json()
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["title"] for f in data["features"]} == {"In Gent", "In Brussel"}
    ghent = client.get("/api/v1/ideas.geojson?bbox=3.6,51.0,3.8,51.1").json()
    [feature] = ghent["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [3.72, 51.05]}
    belgium = client.get("/api/v1/ideas.geojson?bbox=2.5,49.5,6.4,51.5").json()
    assert [f["properties"]["title"] for f in belgium["features"]] == ["In Brussel", "In Gent"]
    bad = client.get("/api/v1/ideas.geojson?bbox=1,2,3")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_bbox"


def test_a_box_pages_the_same_whether_its_ideas_are_new_or_old(
    client: TestClient, db: Database, resident: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The newest ideas are read first, the place index only when they hold too few: a page
    of two reads the newest two, here outside the box, then finds the old ones by place."""
    monkeypatch.setattr(queries, "NEWEST_WINDOW", 1)
    old = [post_idea(db, resident, title=f"Oud {n}", latitude=51.05, longitude=3.72) for n in "12"]
    newer = [
        post_idea(db, resident, title=f"Brussel {n}", latitude=50.85, longitude=4.35) for n in "12"
    ]
    pages = {}
    for name, box in (("ghent", "3.6,51.0,3.8,51.1"), ("brussels", "4.3,50.8,4.4,50.9")):
        first = client.get(f"/api/v1/ideas.geojson?bbox={box}&limit=1").json()
        second = client.get(first["links"]["next"].removeprefix("http://testserver")).json()
        pages[name] = [f["id"] for f in first["features"] + second["features"]]
    assert pages == {
        "ghent": [old[1].id, old[0].id],
        "brussels": [newer[1].id, newer[0].id],
    }


def test_a_hidden_or_held_idea_is_absent_from_the_api_not_a_placeholder(
    client: TestClient, db: Database, resident: User
) -> None:
    """The choice for open data: 404 JSON, as for an idea that never existed, so that a machine
    reader never takes a placeholder for the idea's own text."""
    idea = post_idea(db, resident, title="Verborgen idee")
    for visibility in (Visibility.hidden, Visibility.held, Visibility.auto_hidden):
        set_visible(db, "idea", idea.id, visibility, None)
        response = client.get(f"/api/v1/ideas/{idea.id}")
        assert response.status_code == 404
        assert response.json() == {
            "error": {"code": "not_found", "message": "no idea with this id"}
        }
        assert client.get("/api/v1/ideas").json()["items"] == []
    set_visible(db, "idea", idea.id, Visibility.public, None)
    assert client.get(f"/api/v1/ideas/{idea.id}").json()["title"] == "Verborgen idee"
