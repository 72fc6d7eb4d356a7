"""Parse and validate the pact forms into typed drafts; errors go back per field on the Form,
which keeps what the user typed. Each `parse_*` returns None when the form has errors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from pacts.models import (
    NAME_MAX,
    TEXT_MAX,
    TITLE_MAX,
    OrganisationKind,
    PactCategory,
    ResourceDecision,
    ResourceKind,
)
from participation.comments import BODY_MAX as COMMENT_MAX
from participation.comments import STANCES
from participation.forms import Form, parse_location, parse_parent_id
from participation.i18n import gettext

RESOURCE_DESCRIPTION_MAX = 500  # PactResource.description
RESOURCES_MAX = 20
CITY_NOTE_MAX = 1000  # PactResource.city_note
DEFAULT_CONSULTATION_DAYS = 14
CONSULTATION_DAYS_MAX = 90
HOURS_MAX = 100_000
BUDGET_MAX = 10_000_000


@dataclass(frozen=True)
class ResourceDraft:
    kind: str  # a ResourceKind value
    description: str
    budget_eur: int | None = None


@dataclass(frozen=True)
class PactDraft:
    title: str
    description: str
    category: str  # a PactCategory value
    latitude: float | None
    longitude: float | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    commitments: str
    organisation_id: int | None
    resources: list[ResourceDraft] = field(default_factory=list)


@dataclass(frozen=True)
class ResourceDecisionDraft:
    resource_id: int
    decision: str  # a ResourceDecision value: granted or refused
    city_note: str = ""


@dataclass(frozen=True)
class ConsultationDraft:
    decisions: list[ResourceDecisionDraft]
    days: int  # 1 to 90; the form offers the default of 14


@dataclass(frozen=True)
class ProgressDraft:
    body: str
    hours: int | None = None


@dataclass(frozen=True)
class OrganisationDraft:
    name: str
    kind: str  # an OrganisationKind value
    description: str = ""


@dataclass(frozen=True)
class AdviceDraft:
    body: str
    stance: str | None  # required for advice, None for a reply
    parent_id: int | None = None


# A resource line starts with its kind, as the value or as the label in any of our languages
# (residents type them; the form's help text shows the labels of the page's language).
_KIND_WORDS = {
    ResourceKind.materials: (
        "materials",
        "material",
        "materialen",
        "materiaal",
        "matériel",
        "matériaux",
        "materiel",
        "materiaux",
    ),
    ResourceKind.space: (
        "space",
        "a space",
        "ruimte",
        "een ruimte",
        "lokaal",
        "espace",
        "un espace",
        "local",
    ),
    ResourceKind.technical_advice: (
        "technical_advice",
        "technical advice",
        "advice",
        "technisch advies",
        "advies",
        "conseil technique",
        "conseils techniques",
        "conseil",
    ),
    ResourceKind.budget: ("budget", "geld", "subsidie"),
}
_KIND_BY_WORD = {word: kind.value for kind, words in _KIND_WORDS.items() for word in words}
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
# "€ 1.500", "1500 euro", "250 EUR", "€300,50": whole euros, dots or spaces between thousands.
_AMOUNT = re.compile(
    r"(?:€\s*(?P<a>\d{1,3}(?:[.\s]\d{3})+|\d+)(?:,\d{1,2})?)"
    r"|(?:(?P<b>\d{1,3}(?:[.\s]\d{3})+|\d+)(?:,\d{1,2})?\s*(?:€|euros?\b|eur\b))",
    re.IGNORECASE,
)


def _date(form: Form, name: str) -> dt.date | None:
    raw = form.data.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        form.error(name, gettext("Enter a date such as 2025-05-31."))
        return None


def _budget(description: str) -> int | None:
    found = _AMOUNT.search(description)
    if found is None:
        return None
    digits = re.sub(r"[.\s]", "", found.group("a") or found.group("b"))
    return min(int(digits), BUDGET_MAX)


def parse_resource_line(line: str) -> ResourceDraft | None:
    """One `kind: description` item (no or an unknown kind: materials, the whole line kept);
    None for a blank line. The description may come back empty: the caller refuses it."""
    line = _BULLET.sub("", line).strip()
    if not line:
        return None
    kind = ResourceKind.materials.value
    description = line
    prefix, colon, rest = line.partition(":")
    if colon and prefix.strip().lower() in _KIND_BY_WORD:
        kind = _KIND_BY_WORD[prefix.strip().lower()]
        description = rest.strip()
    budget = _budget(description) if kind == ResourceKind.budget else None
    return ResourceDraft(kind, description, budget)


def _resources(form: Form, values: Sequence[str] | None) -> list[ResourceDraft]:
    """`resources_requested`: repeated (one item per value), or one text with an item per
    line, or both. Repeated values are joined into the text shown back on an error."""
    name = "resources_requested"
    if values is not None:
        form.data[name] = "\n".join(v.strip() for v in values if v.strip())
    text = form.text(name, max_length=TEXT_MAX, required=False, multiline=True)
    resources: list[ResourceDraft] = []
    for number, line in enumerate(text.split("\n"), start=1):
        resource = parse_resource_line(line)
        if resource is None:
            continue
        if not resource.description:
            form.error(
                name,
                gettext("Describe each resource you ask for (item %(number)d has no description).")
                % {"number": number},
            )
        elif len(resource.description) > RESOURCE_DESCRIPTION_MAX:
            form.error(
                name,
                gettext("Describe each resource in at most %(num)d characters (item %(number)d).")
                % {"num": RESOURCE_DESCRIPTION_MAX, "number": number},
            )
        resources.append(resource)
    if len(resources) > RESOURCES_MAX:
        form.error(name, gettext("Ask for at most %(num)d resources.") % {"num": RESOURCES_MAX})
    return resources


def parse_pact(
    form: Form,
    organisation_ids: Collection[int] = (),
    resources_requested: Sequence[str] | None = None,
) -> PactDraft | None:
    """The proposal. `organisation_ids`: the user's organisations, the only ones they may
    propose for. `resources_requested`: the field's repeated values
    (`form_data.getlist("resources_requested")`); None reads the single text field."""
    title = form.text("title", max_length=TITLE_MAX)
    description = form.text("description", max_length=TEXT_MAX, multiline=True)
    category = form.data.get("category", "") or PactCategory.other.value
    if category not in PactCategory.__members__:
        form.error("category", gettext("Choose one of the categories."))
    latitude, longitude = parse_location(form)
    starts_on = _date(form, "starts_on")
    ends_on = _date(form, "ends_on")
    if starts_on and ends_on and starts_on > ends_on:
        form.error("ends_on", gettext("The end date comes on or after the start date."))
    commitments = form.text("commitments", max_length=TEXT_MAX, required=False, multiline=True)
    organisation_id: int | None = None
    raw_organisation = form.data.get("organisation_id", "").strip()
    if raw_organisation:
        if raw_organisation.isdigit() and int(raw_organisation) in organisation_ids:
            organisation_id = int(raw_organisation)
        else:
            form.error("organisation_id", gettext("Choose one of your organisations."))
    resources = _resources(form, resources_requested)
    if not form.ok:
        return None
    return PactDraft(
        title=title,
        description=description,
        category=category,
        latitude=latitude,
        longitude=longitude,
        starts_on=starts_on,
        ends_on=ends_on,
        commitments=commitments,
        organisation_id=organisation_id,
        resources=resources,
    )


def parse_consultation(form: Form, resource_ids: Sequence[int]) -> ConsultationDraft | None:
    """`days` (empty: 14), and for each requested resource `decision_<id>` (granted or
    refused) with an optional `note_<id>`."""
    raw_days = form.data.get("days", "").strip()
    days = DEFAULT_CONSULTATION_DAYS
    if raw_days:
        if raw_days.isdigit() and 1 <= int(raw_days) <= CONSULTATION_DAYS_MAX:
            days = int(raw_days)
        else:
            form.error(
                "days",
                gettext("Enter a number of days from 1 to %(max)d.")
                % {"max": CONSULTATION_DAYS_MAX},
            )
    choices = (ResourceDecision.granted.value, ResourceDecision.refused.value)
    decisions = []
    for resource_id in resource_ids:
        decision = form.choice(f"decision_{resource_id}", choices)
        note = form.text(
            f"note_{resource_id}", max_length=CITY_NOTE_MAX, required=False, multiline=True
        )
        decisions.append(ResourceDecisionDraft(resource_id, decision, note))
    return ConsultationDraft(decisions, days) if form.ok else None


def parse_progress(form: Form) -> ProgressDraft | None:
    """A progress or final report: `body`, optional `hours` (volunteer hours)."""
    body = form.text("body", max_length=TEXT_MAX, multiline=True)
    raw_hours = form.data.get("hours", "").strip()
    hours: int | None = None
    if raw_hours:
        if raw_hours.isdigit() and int(raw_hours) <= HOURS_MAX:
            hours = int(raw_hours)
        else:
            form.error(
                "hours",
                gettext("Enter a whole number of hours from 0 to %(max)d.") % {"max": HOURS_MAX},
            )
    return ProgressDraft(body, hours) if form.ok else None


def parse_organisation(form: Form) -> OrganisationDraft | None:
    name = form.text("name", max_length=NAME_MAX)
    kind = form.choice("kind", tuple(OrganisationKind.__members__))
    description = form.text("description", max_length=TEXT_MAX, required=False, multiline=True)
    return OrganisationDraft(name, kind, description) if form.ok else None


def parse_advice(form: Form) -> AdviceDraft | None:
    """Advice: `body` and `stance` (for, against, neutral); a reply: `body` and `parent_id`."""
    body = form.text("body", max_length=COMMENT_MAX, multiline=True)
    parent_id = parse_parent_id(form)
    stance: str | None = None
    if parent_id is None:
        stance = form.choice("stance", STANCES)
    return AdviceDraft(body, stance, parent_id) if form.ok else None


def parse_reason(form: Form, name: str = "reason") -> str | None:
    """A required reason (changes requested, rejection, ending early, advice response)."""
    reason = form.text(name, max_length=TEXT_MAX, multiline=True)
    return reason if form.ok else None


def parse_department(form: Form) -> str | None:
    """The city department that assesses the pact (optional)."""
    department = form.text("department", max_length=NAME_MAX, required=False)
    return department if form.ok else None


def parse_member_email(form: Form) -> str | None:
    email = form.email("email")
    return email if form.ok else None
