"""Parsing the problem report form: per-field errors, and what makes a valid place."""

from __future__ import annotations

import pytest

from participation.forms import Form
from participation.i18n import use_language
from problems.forms import parse_nearby, parse_report
from problems.models import DESCRIPTION_MAX

BOUNDARY = ((51.0, 3.0), (51.0, 4.0), (52.0, 4.0), (52.0, 3.0))
VALID = {
    "category_id": "7",
    "latitude": "51,5",
    "longitude": "3.5",
    "description": "  Broken light\r\non the corner  ",
    "contact": "email",
}


@pytest.fixture(autouse=True)
def english() -> object:
    with use_language("en"):
        yield


def test_a_valid_report() -> None:
    form = Form(VALID)
    draft = parse_report(form, {7}, BOUNDARY)
    assert form.ok
    assert draft is not None
    assert (draft.category_id, draft.latitude, draft.longitude) == (7, 51.5, 3.5)
    assert draft.description == "Broken light\non the corner"
    assert draft.contact == "email"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"category_id": ""}, "category_id", "Choose the kind of problem."),
        ({"category_id": "8"}, "category_id", "Choose the kind of problem."),
        ({"latitude": "", "longitude": ""}, "location", "put a pin on the map"),
        ({"latitude": "", "longitude": "", "address": "Markt 1"}, "location", "address alone"),
        ({"latitude": "51.5", "longitude": ""}, "longitude", "Give both"),
        ({"latitude": "north"}, "latitude", "Enter a number"),
        ({"latitude": "50.5"}, "location", "outside the municipality"),
        ({"description": " "}, "description", "This field is required."),
        ({"description": "x" * (DESCRIPTION_MAX + 1)}, "description", "at most"),
        ({"contact": "phone"}, "contact", "Choose one of the options."),
    ],
)
def test_errors_per_field(changes: dict[str, str], field: str, message: str) -> None:
    form = Form({**VALID, **changes})
    assert parse_report(form, {7}, BOUNDARY) is None
    assert message in form.errors[field]


def test_no_boundary_accepts_any_place() -> None:
    form = Form({**VALID, "latitude": "-33.9", "longitude": "151.2"})
    assert parse_report(form, {7}) is not None


def test_an_anonymous_reporter_cannot_be_contacted() -> None:
    form = Form(VALID)
    draft = parse_report(form, {7}, BOUNDARY, anonymous=True)
    assert draft is not None
    assert draft.contact == "none"


def test_parse_nearby() -> None:
    query = parse_nearby(Form({"category_id": "3", "latitude": "51.1", "longitude": "3.7"}))
    assert query is not None
    assert (query.category_id, query.latitude) == (3, 51.1)
    assert parse_nearby(Form({"category_id": "", "latitude": "51.1", "longitude": "3.7"})) is None
    assert parse_nearby(Form({"category_id": "3", "latitude": "x", "longitude": "3.7"})) is None
