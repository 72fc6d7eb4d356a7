"""Form parsing: typed values, one message per field, the user's text kept."""

from __future__ import annotations

from participation.forms import Form, parse_registration, parse_role_change


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
