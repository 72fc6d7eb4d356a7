"""Parse and validate the clerk's meeting and agenda forms, and the voters' choices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from participation.forms import Form
from participation.i18n import gettext
from voting.models import CHOICES, TEXT_MAX, TITLE_MAX

QUESTION_MAX = 300


def parse_moment(form: Form, name: str, zone: dt.tzinfo, *, required: bool) -> dt.datetime | None:
    """ISO 8601 with an offset, or without one and then in the municipality's time zone."""
    raw = form.data.get(name, "").strip()
    if not raw:
        if required:
            form.error(name, gettext("This field is required."))
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        form.error(name, gettext("Enter a date and time such as 2026-12-14T19:30."))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)


def _window(
    form: Form, opens: str, closes: str, zone: dt.tzinfo, *, required: bool
) -> tuple[dt.datetime | None, dt.datetime | None]:
    opens_at = parse_moment(form, opens, zone, required=required)
    closes_at = parse_moment(form, closes, zone, required=required)
    if opens_at and closes_at and closes_at <= opens_at:
        form.error(closes, gettext("The window must close after it opens."))
    return opens_at, closes_at


@dataclass(frozen=True)
class MeetingDraft:
    title: str
    starts_at: dt.datetime
    location: str
    council_id: int | None


def parse_meeting(form: Form, zone: dt.tzinfo, council_ids: set[int]) -> MeetingDraft:
    title = form.text("title", max_length=TITLE_MAX)
    starts_at = parse_moment(form, "starts_at", zone, required=True)
    location = form.text("location", max_length=TITLE_MAX, required=False)
    council_id: int | None = None
    raw = form.data.get("council_id", "")
    if raw:
        if raw.isdigit() and int(raw) in council_ids:
            council_id = int(raw)
        else:
            form.error("council_id", gettext("Choose one of the councils."))
    return MeetingDraft(title, starts_at or dt.datetime.now(dt.UTC), location, council_id)


@dataclass(frozen=True)
class AdvisoryDraft:
    question: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    results_visible: bool


@dataclass(frozen=True)
class ItemDraft:
    title: str
    description: str
    closed_session: bool
    council_vote: bool
    secret: bool
    vote_opens_at: dt.datetime | None
    vote_closes_at: dt.datetime | None
    advisory: AdvisoryDraft | None


def _checked(form: Form, name: str) -> bool:
    return form.data.get(name, "") in ("on", "1", "true", "yes")


def parse_item(form: Form, zone: dt.tzinfo) -> ItemDraft:
    title = form.text("title", max_length=TITLE_MAX)
    description = form.text("description", max_length=TEXT_MAX, required=False, multiline=True)
    closed_session = _checked(form, "closed_session")
    # A council vote unless the clerk says the item is only for information.
    council_vote = form.data.get("council_vote", "on") != "off"
    secret = _checked(form, "secret")
    vote_opens_at, vote_closes_at = _window(
        form, "vote_opens_at", "vote_closes_at", zone, required=False
    )
    if secret and (vote_opens_at or vote_closes_at):
        form.error("vote_opens_at", gettext("A secret vote is cast at the meeting, not before."))
    advisory = None
    if _checked(form, "advisory"):
        question = form.text("advisory_question", max_length=QUESTION_MAX)
        opens_at, closes_at = _window(
            form, "advisory_opens_at", "advisory_closes_at", zone, required=True
        )
        if closed_session:
            form.error(
                "advisory", gettext("An item in closed session cannot have an advisory vote.")
            )
        if opens_at and closes_at:
            visible = _checked(form, "advisory_results_visible")
            advisory = AdvisoryDraft(question, opens_at, closes_at, visible)
    return ItemDraft(
        title,
        description,
        closed_session,
        council_vote,
        secret,
        vote_opens_at,
        vote_closes_at,
        advisory,
    )


def parse_choice(form: Form) -> str:
    return form.choice("choice", CHOICES)
