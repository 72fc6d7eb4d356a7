"""Reporting a problem over HTTP: the form, its errors per field with the text kept, photos,
the boundary, anonymous reports and the rate limits, the nearby step, and "me too"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from participation.app import create_app
from participation.database import Database
from participation.models import User
from participation.notifications import is_following
from participation.photos import MAX_PHOTO_BYTES
from participation.ratelimit import RateLimit
from participation.settings import Settings
from problems import reporting
from problems.models import ProblemCategory, ProblemPhoto, ProblemReport
from tests.helpers import HOSTILE, Browser, field_error, in_english, jpeg, select_one, soup
from tests.problems.reporting_world import BOUNDARY, CENTER, report


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    """A boundary around the centre and two neighbourhoods."""
    from tests.conftest import make_settings

    return make_settings(
        database_url,
        tmp_path / "var",
        INSPRAAK_MUNICIPALITY_BOUNDARY=BOUNDARY,
        INSPRAAK_NEIGHBOURHOODS="Centrum=51.0543,3.7174;Noord=51.064,3.72",
    )


@contextmanager
def anonymous_browser(settings: Settings, anonymous: bool = True) -> Iterator[Browser]:
    """A visitor of an app where anonymous reports are allowed (or not)."""
    from dataclasses import replace

    app = create_app(replace(settings, problems_anonymous=anonymous))
    with TestClient(app, follow_redirects=False) as client:
        yield in_english(Browser(client))


def form_data(category: ProblemCategory, **fields: str) -> dict[str, str]:
    return {
        "category_id": str(category.id),
        "latitude": str(CENTER[0]),
        "longitude": str(CENTER[1]),
        "description": "The streetlight on the corner is out.",
        "contact": "none",
        **fields,
    }


def reports_in(db: Database) -> list[ProblemReport]:
    with db.read() as session:
        return list(session.exec(select(ProblemReport).order_by(ProblemReport.id)))  # type: ignore[arg-type]


def test_the_form_lists_active_categories_and_asks_for_a_place(
    browser: Browser, resident: User, category: ProblemCategory
) -> None:
    browser.login(resident.email)
    page = browser.get("/problems/new")
    assert page.status_code == 200
    options = [o["value"] for o in soup(page).select("#field-category_id option")]
    assert str(category.id) in options
    assert select_one(page, "[data-map-picker]")
    assert select_one(page, "#field-address")
    assert "cannot look addresses up" in select_one(page, "#field-location-help").get_text()
    assert select_one(page, "input[name=contact][value=email]")


def test_a_visitor_is_sent_to_login_when_anonymous_reports_are_off(
    browser: Browser, category: ProblemCategory
) -> None:
    response = browser.get("/problems/new")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    browser.get("/")
    response = browser.post("/problems", form_data(category))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_a_resident_reports_a_problem_and_follows_it(
    browser: Browser, db: Database, resident: User, category: ProblemCategory
) -> None:
    browser.login(resident.email)
    browser.get("/problems/new")
    response = browser.post(
        "/problems",
        form_data(category, contact="email", address="Kerkstraat 12"),
        files={"photos": ("light.jpg", jpeg(), "image/jpeg")},
    )
    assert response.status_code == 303, response.text
    [stored] = reports_in(db)
    assert response.headers["location"] == f"/problems/{stored.id}"
    assert stored.author_id == resident.id
    assert stored.department_id == category.department_id
    assert stored.contact == "email"
    assert stored.address == "Kerkstraat 12"
    assert stored.neighbourhood == "Centrum"
    assert (stored.due_at - stored.created_at).days == category.handling_days
    with db.read() as session:
        photos = list(session.exec(select(ProblemPhoto)))
        assert stored.id is not None
        assert resident.id is not None
        assert is_following(session, resident.id, "problem", stored.id)
    assert len(photos) == 1
    assert photos[0].kind == "report"
    assert not photos[0].public


def test_missing_fields_are_named_and_the_text_is_kept(
    browser: Browser, db: Database, resident: User, category: ProblemCategory
) -> None:
    browser.login(resident.email)
    browser.get("/problems/new")
    response = browser.post(
        "/problems",
        {"category_id": "", "latitude": "", "longitude": "", "description": "", "address": ""},
    )
    assert response.status_code == 400
    assert field_error(response, "category_id") == "Choose the kind of problem."
    assert "put a pin on the map" in field_error(response, "location")
    assert field_error(response, "description") == "This field is required."
    response = browser.post(
        "/problems", form_data(category, category_id="", description="Broken bench, sharp edge")
    )
    assert response.status_code == 400
    assert select_one(response, "#field-description").get_text() == "Broken bench, sharp edge"
    assert select_one(response, "#field-latitude")["value"] == str(CENTER[0])
    assert reports_in(db) == []


def test_an_address_alone_is_refused_with_a_request_for_a_pin(
    browser: Browser, resident: User, category: ProblemCategory
) -> None:
    browser.login(resident.email)
    browser.get("/problems/new")
    response = browser.post(
        "/problems", form_data(category, latitude="", longitude="", address="Kerkstraat 12")
    )
    assert response.status_code == 400
    assert "cannot find a place from an address alone" in field_error(response, "location")
    assert select_one(response, "#field-address")["value"] == "Kerkstraat 12"


def test_a_place_outside_the_municipality_is_refused(
    browser: Browser, db: Database, resident: User, category: ProblemCategory
) -> None:
    browser.login(resident.email)
    browser.get("/problems/new")
    response = browser.post("/problems", form_data(category, latitude="50.85", longitude="4.35"))
    assert response.status_code == 400
    assert "outside the municipality" in field_error(response, "location")
    assert reports_in(db) == []


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("notes.jpg", b"GIF89a not a photo at all", "image/jpeg"), "not a JPEG, PNG or WebP"),
        (("huge.jpg", b"\xff" * (MAX_PHOTO_BYTES + 1), "image/jpeg"), "larger than 5 MB"),
    ],
)
def test_a_non_image_or_too_large_photo_is_refused(
    browser: Browser,
    db: Database,
    resident: User,
    category: ProblemCategory,
    upload: tuple[str, bytes, str],
    message: str,
) -> None:
    browser.login(resident.email)
    browser.get("/problems/new")
    response = browser.post("/problems", form_data(category), files={"photos": upload})
    assert response.status_code == 400
    assert message in field_error(response, "photos")
    assert select_one(response, "#field-description").get_text().startswith("The streetlight")
    assert reports_in(db) == []


def test_an_anonymous_report_when_the_municipality_allows_it(
    settings: Settings, db: Database, category: ProblemCategory
) -> None:
    with anonymous_browser(settings) as visitor:
        page = visitor.get("/problems/new")
        assert page.status_code == 200
        assert soup(page).select_one("input[name=contact]") is None
        response = visitor.post("/problems", form_data(category, contact="email"))
    assert response.status_code == 303, response.text
    [stored] = reports_in(db)
    assert stored.author_id is None
    assert stored.contact == "none"


def test_anonymous_reports_are_rate_limited_per_address(
    settings: Settings, db: Database, category: ProblemCategory
) -> None:
    with anonymous_browser(settings) as visitor:
        visitor.get("/problems/new")
        for number in range(reporting.REPORT_PER_ADDRESS.limit):
            response = visitor.post(
                "/problems", form_data(category, description=f"Problem {number}", confirm_new="on")
            )
            assert response.status_code == 303
        response = visitor.post("/problems", form_data(category, confirm_new="on"))
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert len(reports_in(db)) == reporting.REPORT_PER_ADDRESS.limit


def test_residents_are_rate_limited_too(
    browser: Browser,
    db: Database,
    resident: User,
    category: ProblemCategory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reporting, "REPORT_PER_ACCOUNT", RateLimit("problem-account", 2, 3600))
    browser.login(resident.email)
    browser.get("/problems/new")
    statuses = [
        browser.post("/problems", form_data(category, confirm_new="on")).status_code
        for _ in range(3)
    ]
    assert statuses == [303, 303, 429]


def test_an_unverified_resident_cannot_report(
    browser: Browser, db: Database, category: ProblemCategory
) -> None:
    from tests.helpers import create_user

    create_user(db, email="new@example.be", name="New", verified=False, language="en")
    browser.login("new@example.be")
    response = browser.get("/problems/new")
    assert response.status_code == 403
    assert "Confirm your email address" in response.text


def test_nearby_open_reports_are_shown_before_sending(
    browser: Browser,
    db: Database,
    settings: Settings,
    resident: User,
    neighbour: User,
    category: ProblemCategory,
) -> None:
    first = report(db, settings, resident, category, description=HOSTILE)
    browser.login(neighbour.email)
    browser.get("/problems/new")
    nearby_point = {"latitude": str(CENTER[0] + 0.0005), "longitude": str(CENTER[1])}
    response = browser.post("/problems", form_data(category, **nearby_point))
    assert response.status_code == 200
    assert len(reports_in(db)) == 1
    item = select_one(response, ".problem-nearby__item")
    assert item.select_one(f"a[href='/problems/{first.id}']")
    assert item.select_one(f"button[formaction='/problems/{first.id}/me-too']")
    assert "<script>" not in str(item)
    assert "alert(1)" in item.get_text()
    assert select_one(response, "input[name=confirm_new]")["value"] == "on"
    response = browser.post("/problems", form_data(category, confirm_new="on", **nearby_point))
    assert response.status_code == 303
    assert len(reports_in(db)) == 2


def test_the_nearby_fragment_lists_open_reports_of_the_same_kind_close_by(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    category: ProblemCategory,
) -> None:
    from tests.problems.reporting_world import add_category

    other_kind = add_category(db, clerk, slug="litter")
    close = report(db, settings, resident, category)
    report(db, settings, resident, other_kind)
    report(db, settings, resident, category, latitude=CENTER[0] + 0.003)  # ~330 m away
    fragment = browser.get(
        f"/problems/nearby?category_id={category.id}&latitude={CENTER[0]}&longitude={CENTER[1]}"
    )
    assert fragment.status_code == 200
    links = [a["href"] for a in soup(fragment).select(".problem-nearby__item > a:first-child")]
    assert links == [f"/problems/{close.id}"]
    assert "<html" not in fragment.text
    empty = browser.get(f"/problems/nearby?category_id={category.id}&latitude=&longitude=")
    assert soup(empty).select(".problem-nearby__item") == []


def test_me_too_counts_once_and_follows(
    browser: Browser,
    db: Database,
    settings: Settings,
    resident: User,
    neighbour: User,
    category: ProblemCategory,
) -> None:
    stored = report(db, settings, resident, category)
    browser.login(neighbour.email)
    browser.get(f"/problems/{stored.id}")
    for _ in range(2):
        response = browser.post(f"/problems/{stored.id}/me-too")
        assert response.status_code == 303
        assert response.headers["location"] == f"/problems/{stored.id}#me-too"
    htmx = browser.post(f"/problems/{stored.id}/me-too", headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    assert select_one(htmx, "#me-too")
    with db.read() as session:
        fresh = session.get(ProblemReport, stored.id)
        assert fresh is not None
        assert fresh.me_too_count == 1
        assert neighbour.id is not None
        assert stored.id is not None
        assert is_following(session, neighbour.id, "problem", stored.id)


def test_me_too_is_refused_on_a_closed_report_and_on_ones_own(
    browser: Browser,
    db: Database,
    settings: Settings,
    resident: User,
    neighbour: User,
    category: ProblemCategory,
) -> None:
    stored = report(db, settings, resident, category)
    browser.login(resident.email)
    browser.get(f"/problems/{stored.id}")
    assert browser.post(f"/problems/{stored.id}/me-too").status_code == 409
    with db.write() as session:
        closed = session.get(ProblemReport, stored.id)
        assert closed is not None
        closed.status = "fixed"
    browser.login(neighbour.email)
    browser.get(f"/problems/{stored.id}")
    response = browser.post(f"/problems/{stored.id}/me-too")
    assert response.status_code == 409
    assert "This report is closed" in response.text


def test_me_too_needs_a_login(
    browser: Browser, db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> None:
    stored = report(db, settings, resident, category)
    browser.get(f"/problems/{stored.id}")
    response = browser.post(f"/problems/{stored.id}/me-too")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
