"""GET /api/v1/reports: GeoJSON with filters, a bounding box and paging, and never any
personal data: no reporter, no contact, no typed address, no unchecked photo."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from participation.database import Database
from participation.models import User
from participation.settings import Settings
from problems import handling, handling_photos
from problems.models import ProblemCategory
from tests.helpers import set_visible
from tests.problems.reporting_world import CENTER, add_category, report
from tests.problems.test_views import FIX, PHOTO, make_named_report


def test_no_personal_data_for_a_named_resident_with_an_email_and_an_unchecked_photo(
    client: TestClient,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    category: ProblemCategory,
) -> None:
    stored = make_named_report(db, settings, resident, category)
    assert stored.id is not None
    with db.write() as session:
        handling_photos.do_add_fix_photos(session, clerk, stored.id, [FIX])
    response = client.get("/api/v1/reports")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    text = response.text
    for secret in (resident.display_name, resident.email, "Kerkstraat", PHOTO.name, "contact"):
        assert secret not in text
    [feature] = response.json()["features"]
    properties = feature["properties"]
    assert set(properties) == {
        "id",
        "category",
        "status",
        "created_at",
        "due_at",
        "fixed_at",
        "overdue",
        "me_too_count",
        "description",
        "url",
        "photos",
    }
    assert [photo["kind"] for photo in properties["photos"]] == ["fix"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [CENTER[1], CENTER[0]]}
    assert properties["category"]["slug"] == "pothole"
    assert properties["url"] == f"http://testserver/problems/{stored.id}"


def test_filters_bbox_and_paging(
    client: TestClient,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    category: ProblemCategory,
) -> None:
    litter = add_category(db, clerk, slug="litter")
    near = [report(db, settings, resident, category) for _ in range(3)]
    far = report(db, settings, resident, category, latitude=51.2, longitude=4.4)
    other = report(db, settings, resident, litter)
    with db.write() as session:
        assert near[0].id is not None
        handling.do_set_status(session, clerk, near[0].id, "fixed", "")
    box = "3.70,51.04,3.73,51.07"
    found = client.get(f"/api/v1/reports?bbox={box}&category={category.id}").json()
    assert [f["id"] for f in found["features"]] == [r.id for r in reversed(near)]
    assert far.id not in [
        f["id"] for f in client.get(f"/api/v1/reports?bbox={box}").json()["features"]
    ]
    fixed = client.get("/api/v1/reports?status=fixed").json()
    assert [f["id"] for f in fixed["features"]] == [near[0].id]
    assert fixed["features"][0]["properties"]["fixed_at"] is not None
    tiny = "3.7173,51.0542,3.7175,51.0544"  # the small-box path reads the place index
    assert len(client.get(f"/api/v1/reports?bbox={tiny}").json()["features"]) == 4
    first = client.get("/api/v1/reports?limit=2").json()
    assert [f["id"] for f in first["features"]] == [other.id, far.id]
    second = client.get(first["links"]["next"].removeprefix("http://testserver")).json()
    assert [f["id"] for f in second["features"]] == [near[2].id, near[1].id]
    last = client.get(second["links"]["next"].removeprefix("http://testserver")).json()
    assert last["links"]["next"] is None


@pytest.mark.parametrize(
    "query",
    ["bbox=1,2,3", "bbox=4,51,3,52", "status=open", "category=potholes", "limit=0", "cursor=x"],
)
def test_bad_parameters_answer_json_errors(client: TestClient, query: str) -> None:
    response = client.get(f"/api/v1/reports?{query}")
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message"}


def test_a_hidden_description_is_left_out(
    client: TestClient, db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> None:
    stored = report(db, settings, resident, category, description="Rude words")
    set_visible(db, "problem", stored.id)
    [feature] = client.get("/api/v1/reports").json()["features"]
    assert feature["properties"]["description"] is None
    assert "Rude words" not in json.dumps(feature)
