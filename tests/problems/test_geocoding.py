"""Reporting by address: a geocoder (outside our control, so a small local stand-in that
answers like Nominatim) finds the place; not found and unavailable give clear messages."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from participation.app import create_app
from participation.database import Database
from participation.forms import Form
from participation.models import User
from participation.settings import Settings
from problems.geocoding import Lookup, fill_location
from problems.models import ProblemCategory, ProblemReport
from tests.helpers import Browser, field_error, in_english, select_one
from tests.problems.reporting_world import CENTER

KNOWN = {"Kerkstraat 12, Demostad": [{"lat": str(CENTER[0]), "lon": str(CENTER[1])}]}


class _Nominatim(BaseHTTPRequestHandler):
    asked: ClassVar[list[dict[str, list[str]]]] = []

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        self.asked.append({**query, "language": [self.headers["Accept-Language"]]})
        body = json.dumps(KNOWN.get(query["q"][0], [])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def geocoder() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Nominatim.asked = []
    yield f"http://127.0.0.1:{server.server_address[1]}/search"
    server.shutdown()
    server.server_close()


def test_an_address_is_looked_up_only_when_there_is_no_place(
    settings: Settings, geocoder: str
) -> None:
    on = replace(settings, geocoder_url=geocoder)
    found = Form({"address": "Kerkstraat 12"})
    assert fill_location(found, on, "fr") == Lookup.found
    assert (found.data["latitude"], found.data["longitude"]) == ("51.054300", "3.717400")
    assert _Nominatim.asked == [
        {"q": ["Kerkstraat 12, Demostad"], "format": ["jsonv2"], "limit": ["1"], "language": ["fr"]}
    ]
    assert fill_location(Form({"address": "Nergensstraat 1"}), on, "nl") == Lookup.not_found
    pinned = Form({"address": "Kerkstraat 12", "latitude": "51.06", "longitude": "3.72"})
    assert fill_location(pinned, on, "nl") == Lookup.not_asked
    assert fill_location(Form({"address": "Kerkstraat 12"}), settings, "nl") == Lookup.not_asked
    assert len(_Nominatim.asked) == 2  # neither the pinned form nor a site without a geocoder
    gone = replace(settings, geocoder_url="http://127.0.0.1:9/search")
    assert fill_location(Form({"address": "Kerkstraat 12"}), gone, "nl") == Lookup.unavailable


def test_a_resident_reports_by_address_alone(
    db: Database, settings: Settings, resident: User, category: ProblemCategory, geocoder: str
) -> None:
    app = create_app(replace(settings, geocoder_url=geocoder))
    with TestClient(app, follow_redirects=False) as client:
        browser = in_english(Browser(client))
        browser.login(resident.email)
        page = browser.get("/problems/new")
        assert "we look it up" in select_one(page, "#field-location-help").get_text()
        fields = {
            "category_id": str(category.id),
            "address": "Nergensstraat 1",
            "description": "A broken bench.",
            "contact": "none",
        }
        missing = browser.post("/problems", fields)
        assert missing.status_code == 400
        assert "could not find this address" in field_error(missing, "location")
        assert select_one(missing, "#field-description").get_text() == "A broken bench."
        sent = browser.post("/problems", {**fields, "address": "Kerkstraat 12"})
        assert sent.status_code == 303
    with db.read() as session:
        stored = session.exec(select(ProblemReport)).one()
    assert (stored.latitude, stored.longitude, stored.address) == (*CENTER, "Kerkstraat 12")
