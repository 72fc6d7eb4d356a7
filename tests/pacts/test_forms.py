"""Parsing the pact forms: typed drafts, errors per field, the user's text kept."""

from __future__ import annotations

import datetime as dt

import pytest

from pacts.forms import (
    ResourceDraft,
    parse_advice,
    parse_consultation,
    parse_organisation,
    parse_pact,
    parse_progress,
    parse_resource_line,
)
from participation.forms import Form

VALID = {
    "title": "Geveltuinen",
    "description": "Groen in de straat.",
    "category": "green_space",
    "latitude": "51,05",
    "longitude": "3.72",
    "starts_on": "2030-04-01",
    "ends_on": "2030-09-30",
    "commitments": "Wij gieten.",
    "resources_requested": "materiaal: aarde\nbudget: € 1.500 gereedschap\n\nRuimte: lokaal",
}


def test_a_valid_proposal() -> None:
    draft = parse_pact(Form(VALID))
    assert draft is not None
    assert (draft.latitude, draft.longitude) == (51.05, 3.72)
    assert (draft.starts_on, draft.ends_on) == (dt.date(2030, 4, 1), dt.date(2030, 9, 30))
    assert draft.resources == [
        ResourceDraft("materials", "aarde"),
        ResourceDraft("budget", "€ 1.500 gereedschap", 1500),
        ResourceDraft("space", "lokaal"),
    ]
    assert draft.organisation_id is None


def test_category_defaults_to_other() -> None:
    draft = parse_pact(Form({**VALID, "category": ""}))
    assert draft is not None
    assert draft.category == "other"


def test_repeated_resources_are_one_item_each_and_kept_as_text() -> None:
    form = Form({**VALID, "resources_requested": "ignored"})
    values = ["Conseil technique: un plan", "verf", "budget: 250 euro"]
    draft = parse_pact(form, resources_requested=values)
    assert draft is not None
    assert [(r.kind, r.budget_eur) for r in draft.resources] == [
        ("technical_advice", None),
        ("materials", None),
        ("budget", 250),
    ]
    assert form.value("resources_requested") == "\n".join(values)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Technical advice: pruning", ResourceDraft("technical_advice", "pruning")),
        ("Tijd: 10 uur", ResourceDraft("materials", "Tijd: 10 uur")),
        ("budget: geen bedrag", ResourceDraft("budget", "geen bedrag", None)),
        ("Budget: 300,50 EUR", ResourceDraft("budget", "300,50 EUR", 300)),
        ("   ", None),
    ],
)
def test_resource_lines(line: str, expected: ResourceDraft | None) -> None:
    assert parse_resource_line(line) == expected


def test_a_resource_without_description_is_an_error() -> None:
    form = Form({**VALID, "resources_requested": "aarde\nbudget:   "})
    assert parse_pact(form) is None
    assert "item 2" in form.errors["resources_requested"]
    assert form.value("resources_requested") == "aarde\nbudget:   "


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"description": ""}, "description"),
        ({"category": "parking"}, "category"),
        ({"latitude": "91"}, "latitude"),
        ({"longitude": "abc"}, "longitude"),
        ({"longitude": "nan"}, "longitude"),
        ({"longitude": ""}, "longitude"),
        ({"starts_on": "1 april"}, "starts_on"),
        ({"ends_on": "2030-03-01"}, "ends_on"),
        ({"organisation_id": "7"}, "organisation_id"),
        ({"resources_requested": "x" * 501}, "resources_requested"),
        ({"resources_requested": "a\n" * 21}, "resources_requested"),
    ],
)
def test_bad_input_is_an_error_on_its_field(changes: dict[str, str], field: str) -> None:
    form = Form({**VALID, **changes})
    assert parse_pact(form, organisation_ids={3}) is None
    assert field in form.errors
    assert form.value("title") == {**VALID, **changes}["title"]


def test_only_the_users_organisations() -> None:
    draft = parse_pact(Form({**VALID, "organisation_id": "3"}), organisation_ids={3})
    assert draft is not None
    assert draft.organisation_id == 3


def test_hostile_text_stays_text() -> None:
    hostile = "<script>alert(1)</script>"
    draft = parse_pact(Form({**VALID, "title": hostile, "description": hostile}))
    assert draft is not None
    assert (draft.title, draft.description) == (hostile, hostile)


def test_consultation() -> None:
    form = Form({"days": "", "decision_4": "granted", "note_4": "OK", "decision_5": "refused"})
    draft = parse_consultation(form, [4, 5])
    assert draft is not None
    assert draft.days == 14
    assert [(d.resource_id, d.decision, d.city_note) for d in draft.decisions] == [
        (4, "granted", "OK"),
        (5, "refused", ""),
    ]
    bad = Form({"days": "91", "decision_4": "maybe"})
    assert parse_consultation(bad, [4, 5]) is None
    assert set(bad.errors) == {"days", "decision_4", "decision_5"}


def test_progress() -> None:
    draft = parse_progress(Form({"body": "Geplant", "hours": "12"}))
    assert draft is not None
    assert draft.hours == 12
    bad = Form({"body": "", "hours": "-3"})
    assert parse_progress(bad) is None
    assert set(bad.errors) == {"body", "hours"}


def test_organisation() -> None:
    draft = parse_organisation(Form({"name": "De Buren", "kind": "association"}))
    assert draft is not None
    assert draft.kind == "association"
    bad = Form({"name": "", "kind": "club"})
    assert parse_organisation(bad) is None
    assert set(bad.errors) == {"name", "kind"}


def test_advice_needs_a_stance_and_a_reply_does_not() -> None:
    assert parse_advice(Form({"body": "Goed", "stance": "for"})) is not None
    missing = Form({"body": "Goed"})
    assert parse_advice(missing) is None
    assert "stance" in missing.errors
    reply = parse_advice(Form({"body": "Dank", "parent_id": "8"}))
    assert reply is not None
    assert (reply.stance, reply.parent_id) == (None, 8)
