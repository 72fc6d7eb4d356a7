"""Form parsing: typed values, one message per field, the user's text kept."""

from __future__ import annotations

import pytest

from participation.forms import (
    Form,
    parse_location,
    parse_parent_id,
    parse_registration,
    parse_role_change,
)


def test_registration_values_are_cleaned() -> None:
    form = Form({"display_name": "  Bea\u0000 ", "email": " Bea@Example.BE ", "password": "x" * 12})
    registration = parse_registration(form)
    assert form.ok
    assert registration.display_name == "Bea"
    assert registration.email == "bea@example.be"


def test_each_field_gets_its_own_message() -> None:
    form = Form({"display_name": "", "email": "bea@", "password": "kort"})
    parse_registration(form)
    assert set(form.errors) == {"display_name", "email", "password"}
    assert form.value("email") == "bea@"
    assert form.value("password") == ""


def test_over_long_text_says_how_long() -> None:
    form = Form({"display_name": "x" * 90, "email": "a@b.be", "password": "y" * 12})
    parse_registration(form)
    assert "80" in form.errors["display_name"]
    assert "90" in form.errors["display_name"]


def test_password_equal_to_the_email_is_refused() -> None:
    form = Form({"display_name": "Bea", "email": "bea@example.be", "password": "bea@example.be"})
    parse_registration(form)
    assert "password" in form.errors


def test_unknown_choices_are_refused() -> None:
    form = Form({"role": "emperor", "action": "grant"})
    parse_role_change(form)
    assert set(form.errors) == {"role"}


def test_uploads_are_not_mistaken_for_text() -> None:
    form = Form({"title": object()})
    assert form.text("title", max_length=10) == ""
    assert "title" in form.errors


@pytest.mark.parametrize(
    ("data", "expected", "errors"),
    [
        ({}, (None, None), set()),
        ({"latitude": "51,0543", "longitude": " 3.7174 "}, (51.0543, 3.7174), set()),
        ({"latitude": "51.12345678", "longitude": "3"}, (51.123457, 3.0), set()),
        ({"latitude": "51.05"}, (51.05, None), {"longitude"}),
        ({"longitude": "3.72"}, (None, 3.72), {"latitude"}),
        ({"latitude": "91", "longitude": "3"}, (None, 3.0), {"latitude"}),
        ({"latitude": "51", "longitude": "nan"}, (51.0, None), {"longitude"}),
        ({"latitude": "noord", "longitude": "3"}, (None, 3.0), {"latitude"}),
    ],
)
def test_a_location_is_both_coordinates_or_neither(
    data: dict[str, str], expected: tuple[float | None, float | None], errors: set[str]
) -> None:
    form = Form(data)
    assert parse_location(form) == expected
    assert set(form.errors) == errors


@pytest.mark.parametrize(
    ("raw", "expected", "ok"), [("", None, True), (" 12 ", 12, True), ("x", None, False)]
)
def test_the_parent_of_a_reply(raw: str, expected: int | None, ok: bool) -> None:
    form = Form({"parent_id": raw})
    assert parse_parent_id(form) == expected
    assert form.ok is ok
