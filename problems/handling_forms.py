"""Parse the handlers' and the clerk's forms: status, reassigning, merging, checks, and the
lists of categories and departments. Errors go back to the form, per field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from participation.forms import Form
from participation.i18n import gettext
from problems.models import NAME_MAX, NOTE_MAX, ProblemStatus

S = ProblemStatus
# The statuses a handler sets; "new" is where every report starts.
HANDLER_STATUSES = (S.acknowledged, S.in_progress, S.fixed, S.not_ours, S.rejected)
REFERRAL_MAX = 300
SLUG_MAX = 60
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class StatusDraft:
    status: str
    note: str
    referral: str


def parse_status(form: Form) -> StatusDraft:
    status = form.choice("status", tuple(s.value for s in HANDLER_STATUSES))
    note = form.text("note", max_length=NOTE_MAX, required=False, multiline=True)
    referral = form.text("referral", max_length=REFERRAL_MAX, required=False)
    if status == S.not_ours and not referral and "referral" not in form.errors:
        form.error("referral", gettext("Say who handles it instead."))
    if status == S.rejected and not note and "note" not in form.errors:
        form.error("note", gettext("Give the reason why it is not handled."))
    return StatusDraft(status, note, referral if status == S.not_ours else "")


def _id(form: Form, name: str, message: str) -> int:
    raw = form.data.get(name, "").strip().lstrip("#")
    if not raw.isdigit() or len(raw) > 12:
        form.error(name, message)
        return 0
    return int(raw)


def parse_assign(form: Form) -> int:
    return _id(form, "department_id", gettext("Choose a department."))


def parse_merge(form: Form) -> int:
    return _id(form, "into_id", gettext("Enter the number of the report it repeats, such as 12."))


def parse_answer(form: Form, options: tuple[str, str]) -> bool:
    """A two-way choice such as confirm/reopen or publish/reject: True for the first."""
    return form.choice("action", options) == options[0]


@dataclass(frozen=True)
class CategoryDraft:
    slug: str
    name_nl: str
    name_fr: str
    name_en: str
    department_id: int
    handling_days: int
    active: bool


def parse_category(form: Form, department_ids: set[int]) -> CategoryDraft:
    slug = form.text("slug", max_length=SLUG_MAX).lower()
    if slug and "slug" not in form.errors and not _SLUG.fullmatch(slug):
        form.error(
            "slug", gettext("Use lowercase letters, digits and hyphens, such as street-light.")
        )
    names = [form.text(f"name_{code}", max_length=NAME_MAX) for code in ("nl", "fr", "en")]
    department_id = _id(form, "department_id", gettext("Choose a department."))
    if department_id and department_id not in department_ids:
        form.error("department_id", gettext("Choose a department."))
    raw_days = form.data.get("handling_days", "").strip()
    days = int(raw_days) if raw_days.isdigit() and len(raw_days) <= 3 else 0
    if not 1 <= days <= 365:
        form.error("handling_days", gettext("Enter a number of days from 1 to 365."))
    active = form.data.get("active", "") == "on"
    return CategoryDraft(slug, names[0], names[1], names[2], department_id, days, active)


@dataclass(frozen=True)
class DepartmentDraft:
    name: str
    email: str


def parse_department(form: Form) -> DepartmentDraft:
    name = form.text("name", max_length=NAME_MAX)
    email = form.email("email") if form.data.get("email", "").strip() else ""
    return DepartmentDraft(name, email)


def parse_worker_email(form: Form) -> str:
    return form.email("email")
