"""The question forms: limits per field, the clerk's checklist and decision, the meeting
choice, attendance, and the time in the recording in either of its forms."""

from __future__ import annotations

import pytest

from participation.forms import Form
from voting import question_forms as forms

pytestmark = pytest.mark.usefixtures("english_messages")

TICKED = {f"rule_{key}": "on" for key in forms.RULE_KEYS}


def test_a_question_keeps_its_fields_and_the_consent_to_be_named() -> None:
    form = Form({"title": " Jaagpad ", "question": "Wanneer?\r\nGraag.", "name_shown": "on"})
    draft = forms.parse_question(form)
    assert form.ok
    assert draft == forms.QuestionDraft("Jaagpad", "Wanneer?\nGraag.", "", True)
    assert not forms.parse_question(Form({"title": "a", "question": "b"})).name_shown


@pytest.mark.parametrize(
    ("field", "limit"),
    [("title", 200), ("question", 2000), ("explanation", 5000)],
)
def test_each_field_has_its_limit(field: str, limit: int) -> None:
    data = {"title": "Titel", "question": "Vraag", field: "x" * limit}
    form = Form(data)
    forms.parse_question(form)
    assert form.ok
    form = Form({**data, field: "x" * (limit + 1)})
    forms.parse_question(form)
    assert f"at most {limit} characters" in form.errors[field]


def test_the_title_and_the_question_are_required() -> None:
    form = Form({"explanation": "Uitleg"})
    forms.parse_question(form)
    assert set(form.errors) == {"title", "question"}


def test_admissible_means_every_rule_holds() -> None:
    form = Form({**TICKED, "decision": "admissible", "reason": "ignored"})
    draft = forms.parse_check(form)
    assert form.ok
    assert draft == forms.CheckDraft(dict.fromkeys(forms.RULE_KEYS, True), True, "")
    form = Form({"rule_competence": "on", "decision": "admissible"})
    forms.parse_check(form)
    assert "every rule" in form.errors["decision"]


def test_a_refusal_needs_a_reason_and_a_decision_is_required() -> None:
    form = Form({**TICKED, "decision": "refused"})
    forms.parse_check(form)
    assert "Say why" in form.errors["reason"]
    form = Form({"decision": "refused", "reason": "Geen gemeentelijke bevoegdheid."})
    draft = forms.parse_check(form)
    assert form.ok
    assert not draft.admissible
    assert draft.rules["competence"] is False
    form = Form({"decision": "maybe"})
    forms.parse_check(form)
    assert "decision" in form.errors


def test_the_meeting_is_one_of_those_offered() -> None:
    form = Form({"meeting_id": "7"})
    assert forms.parse_meeting_id(form, {7, 8}) == 7
    for raw in ("9", "abc", ""):
        form = Form({"meeting_id": raw})
        forms.parse_meeting_id(form, {7, 8})
        assert form.errors["meeting_id"] == "Choose one of the upcoming meetings."


def test_attendance_is_yes_or_no() -> None:
    assert forms.parse_attendance(Form({"attending": "yes"})) is True
    assert forms.parse_attendance(Form({"attending": "no"})) is False
    form = Form({"attending": "perhaps"})
    forms.parse_attendance(form)
    assert "attending" in form.errors


@pytest.mark.parametrize(
    ("data", "seconds"),
    [
        ({"answer_time": "01:02:03"}, 3723),
        ({"answer_time": "1:02:03"}, 3723),
        ({"answer_time": "02:03"}, 123),
        ({"answer_seconds": "90"}, 90),
        ({"answer_seconds": "90", "answer_time": "00:00:01"}, 90),
        ({}, None),
    ],
)
def test_the_time_in_the_recording_reads_either_form(
    data: dict[str, str], seconds: int | None
) -> None:
    form = Form({"answer": "In april.", **data})
    draft = forms.parse_answer(form)
    assert form.ok
    assert draft == forms.AnswerDraft("In april.", seconds)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("answer_time", "1h02"),
        ("answer_time", "00:61:00"),
        ("answer_seconds", "-5"),
        ("answer_seconds", "999999"),
    ],
)
def test_a_wrong_time_is_refused_beside_its_field(name: str, raw: str) -> None:
    form = Form({"answer": "In april.", name: raw})
    forms.parse_answer(form)
    assert set(form.errors) == {name}


def test_the_answer_is_required_and_the_reaction_limited() -> None:
    form = Form({})
    forms.parse_answer(form)
    assert "answer" in form.errors
    form = Form({"reaction": "x" * 2001})
    forms.parse_reaction(form)
    assert "at most 2000" in form.errors["reaction"]


def test_a_recording_time_reads_as_a_player_shows_it() -> None:
    assert forms.recording_time(3723) == "01:02:03"
    assert forms.recording_time(59) == "00:00:59"
