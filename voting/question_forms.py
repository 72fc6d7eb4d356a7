"""Parse and validate the forms of residents' questions to the council: the resident's
question, the clerk's admissibility check, scheduling, attendance, the answer and the
resident's reaction."""

from __future__ import annotations

import re
from dataclasses import dataclass

from participation.forms import Form
from participation.i18n import N_, gettext
from voting.models import TEXT_MAX, TITLE_MAX

QUESTION_MAX = 2_000
EXPLANATION_MAX = 5_000
REASON_MAX = 2_000
REACTION_MAX = 2_000
ADMISSIBLE, REFUSED = "admissible", "refused"
# A time in the recording: 1:02:03, 02:03 or a number of seconds; at most a day.
_TIME = re.compile(r"^(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)$")
_DAY_SECONDS = 24 * 3600

# The municipality's rules of admissibility (the local council's rules of order): the clerk
# ticks each one that holds. Key → label; the keys are stored with the check.
RULES = (
    ("competence", N_("It is about a matter of municipal competence.")),
    ("not_personal", N_("It is not about a named person or an individual case.")),
    ("not_repeated", N_("The same question was not answered in the last six months.")),
    ("not_insulting", N_("It is not insulting and does not break the law.")),
)
RULE_KEYS = tuple(key for key, _label in RULES)


def rule_label(key: str) -> str:
    return gettext(dict(RULES)[key])


def _checked(form: Form, name: str) -> bool:
    return form.data.get(name, "") in ("on", "1", "true", "yes")


@dataclass(frozen=True)
class QuestionDraft:
    title: str
    question: str
    explanation: str
    name_shown: bool


def parse_question(form: Form) -> QuestionDraft:
    return QuestionDraft(
        title=form.text("title", max_length=TITLE_MAX),
        question=form.text("question", max_length=QUESTION_MAX, multiline=True),
        explanation=form.text(
            "explanation", max_length=EXPLANATION_MAX, required=False, multiline=True
        ),
        name_shown=_checked(form, "name_shown"),
    )


@dataclass(frozen=True)
class CheckDraft:
    rules: dict[str, bool]  # each rule of RULES: whether it holds
    admissible: bool
    reason: str  # why it is refused; empty when admissible


def parse_check(form: Form) -> CheckDraft:
    """Admissible only when every rule holds; a refusal says why, to the resident."""
    rules = {key: _checked(form, f"rule_{key}") for key in RULE_KEYS}
    decision = form.choice("decision", (ADMISSIBLE, REFUSED))
    reason = form.text("reason", max_length=REASON_MAX, required=False, multiline=True)
    if decision == ADMISSIBLE and not all(rules.values()):
        form.error(
            "decision",
            gettext("An admissible question meets every rule: tick each one, or refuse it."),
        )
    if decision == REFUSED and not reason and "reason" not in form.errors:
        form.error("reason", gettext("Say why the question is refused; the resident reads it."))
    return CheckDraft(rules, decision == ADMISSIBLE, reason if decision == REFUSED else "")


def parse_meeting_id(form: Form, meeting_ids: set[int]) -> int:
    raw = form.data.get("meeting_id", "").strip()
    if not raw.isdigit() or int(raw) not in meeting_ids:
        form.error("meeting_id", gettext("Choose one of the upcoming meetings."))
        return 0
    return int(raw)


def parse_attendance(form: Form) -> bool:
    return form.choice("attending", ("yes", "no")) == "yes"


@dataclass(frozen=True)
class AnswerDraft:
    answer: str
    seconds: int | None  # where the answer starts in the recording


def parse_recording_time(form: Form) -> int | None:
    """`answer_seconds` (a number of seconds) or `answer_time` (HH:MM:SS or MM:SS); both
    optional, one is enough."""
    seconds = form.data.get("answer_seconds", "").strip()
    if seconds:
        if not seconds.isdigit() or int(seconds) > _DAY_SECONDS:
            form.error("answer_seconds", gettext("Enter a number of seconds, such as 3723."))
            return None
        return int(seconds)
    raw = form.data.get("answer_time", "").strip()
    if not raw:
        return None
    found = _TIME.match(raw)
    if found is None:
        form.error("answer_time", gettext("Enter a time in the recording such as 01:02:03."))
        return None
    hours, minutes, secs = (int(part or 0) for part in found.groups())
    return hours * 3600 + minutes * 60 + secs


def parse_answer(form: Form) -> AnswerDraft:
    return AnswerDraft(
        answer=form.text("answer", max_length=TEXT_MAX, multiline=True),
        seconds=parse_recording_time(form),
    )


def parse_reaction(form: Form) -> str:
    return form.text("reaction", max_length=REACTION_MAX, multiline=True)


def recording_time(seconds: int) -> str:
    """01:02:03, as a player shows where it is."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
