"""Parse and validate the clerk's meeting and agenda forms, and the voters' choices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from participation.forms import Form
from participation.i18n import N_, gettext
from voting.models import CHOICES, TEXT_MAX, TITLE_MAX, Basis, Threshold, TieRule

QUESTION_MAX = 300
When = TypeVar("When", dt.date, dt.datetime)


def _iso(
    form: Form, name: str, parse: Callable[[str], When], example: str, *, required: bool
) -> When | None:
    """The field read by `parse` (ISO 8601); None when it is empty or wrong, and then the form
    says why: that it is required, or `example` (a message that shows the format)."""
    raw = form.data.get(name, "").strip()
    if not raw:
        if required:
            form.error(name, gettext("This field is required."))
        return None
    try:
        return parse(raw)
    except ValueError:
        form.error(name, gettext(example))
        return None


def parse_moment(form: Form, name: str, zone: dt.tzinfo, *, required: bool) -> dt.datetime | None:
    """ISO 8601 with an offset, or without one and then in the municipality's time zone."""
    example = N_("Enter a date and time such as 2026-12-14T19:30.")
    moment = _iso(form, name, dt.datetime.fromisoformat, example, required=required)
    if moment is None:
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
    """An agenda item; the defaults are those of the clerk's form: a public item on which the
    council votes by name at the meeting, without a pre-vote or a residents' vote."""

    title: str
    description: str
    closed_session: bool = False
    council_vote: bool = True
    secret: bool = False
    vote_opens_at: dt.datetime | None = None
    vote_closes_at: dt.datetime | None = None
    advisory: AdvisoryDraft | None = None


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


# The clerk's forms for councils, mandates, meeting roles, documents and links.

NAME_MAX = 80
URL_MAX = 500
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
COUNCIL_KINDS = ("council", "committee")


@dataclass(frozen=True)
class RulesDraft:
    vote_basis: str
    vote_threshold: str
    tie_rule: str
    quorum_required: bool


@dataclass(frozen=True)
class CouncilDraft:
    name: str
    kind: str
    rules: RulesDraft


def _choice_or_default(form: Form, name: str, kind: type[StrEnum], default: StrEnum) -> str:
    if not form.data.get(name):
        return default.value
    return form.choice(name, tuple(option.value for option in kind))


def parse_rules(form: Form) -> RulesDraft:
    """A rule left out is the Flemish default: the basis is the votes cast, more than half
    decides, a tie rejects, and the quorum is checked (`quorum_required` = `off` drops it)."""
    return RulesDraft(
        vote_basis=_choice_or_default(form, "vote_basis", Basis, Basis.cast),
        vote_threshold=_choice_or_default(form, "vote_threshold", Threshold, Threshold.majority),
        tie_rule=_choice_or_default(form, "tie_rule", TieRule, TieRule.rejected),
        quorum_required=form.data.get("quorum_required", "on") != "off",
    )


def parse_council(form: Form) -> CouncilDraft:
    name = form.text("name", max_length=TITLE_MAX)
    kind = form.choice("kind", COUNCIL_KINDS)
    return CouncilDraft(name, kind, parse_rules(form))


def parse_day(form: Form, name: str, *, required: bool) -> dt.date | None:
    example = N_("Enter a date such as 2026-01-02.")
    return _iso(form, name, dt.date.fromisoformat, example, required=required)


@dataclass(frozen=True)
class MandateDraft:
    email: str
    political_group: str
    starts_on: dt.date
    ends_on: dt.date | None


def parse_mandate(form: Form) -> MandateDraft:
    email = form.email()
    political_group = form.text("political_group", max_length=NAME_MAX, required=False)
    starts_on = parse_day(form, "starts_on", required=True)
    ends_on = parse_day(form, "ends_on", required=False)
    if starts_on and ends_on and ends_on < starts_on:
        form.error("ends_on", gettext("A mandate cannot end before it starts."))
    return MandateDraft(email, political_group, starts_on or dt.date.min, ends_on)


def parse_end_of_mandate(form: Form, today: dt.date) -> dt.date:
    """The last day of the mandate; today when the clerk leaves the field empty."""
    return parse_day(form, "ends_on", required=False) or today


def _optional_id(form: Form, name: str) -> int | None:
    raw = form.data.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        form.error(name, gettext("Choose one of the options."))
        return None
    return int(raw)


@dataclass(frozen=True)
class MeetingRoles:
    chair_id: int | None
    secretary_id: int | None


def parse_meeting_roles(form: Form) -> MeetingRoles:
    return MeetingRoles(_optional_id(form, "chair_id"), _optional_id(form, "secretary_id"))


@dataclass(frozen=True)
class DocumentDraft:
    """A dossier document: the bytes of a PDF, or a link; never both."""

    title: str
    data: bytes | None
    url: str | None


def parse_document(form: Form, data: bytes | None) -> DocumentDraft:
    """`data` is the uploaded file as read by `voting.documents.read_upload` (None: no file).

    The content decides what the file is: a PDF starts with `%PDF-`, whatever its name says.
    """
    title = form.text("title", max_length=TITLE_MAX)
    url = form.text("url", max_length=URL_MAX, required=False) or None
    if data is not None and url is not None:
        form.error("url", gettext("Upload a PDF or give a link, not both."))
    elif data is None and url is None:
        form.error("file", gettext("Upload a PDF or give a link."))
    elif data is not None:
        if len(data) > MAX_DOCUMENT_BYTES:
            form.error("file", gettext("This file is larger than 10 MB."))
        elif not data.startswith(PDF_MAGIC):
            form.error("file", gettext("This file is not a PDF."))
    elif url is not None and "url" not in form.errors:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
            form.error("url", gettext("Enter a web address that starts with https://."))
    return DocumentDraft(title, data, url)


@dataclass(frozen=True)
class LinkDraft:
    subject: str
    subject_id: int


def parse_link(form: Form) -> LinkDraft:
    """The kind of content is checked against the content registry by the action."""
    subject = form.text("subject", max_length=40)
    raw = form.data.get("subject_id", "").strip().lstrip("#")
    if not raw.isdigit() or int(raw) < 1:
        form.error("subject_id", gettext("Enter the number of the idea or pact."))
        raw = "0"
    return LinkDraft(subject, int(raw))


def parse_direction(form: Form) -> int:
    """Up is -1 (towards the top of the agenda), down is +1."""
    return -1 if form.choice("direction", ("up", "down")) == "up" else 1


def check_vote_window(
    form: Form, draft: ItemDraft, meeting_starts_at: dt.datetime, now: dt.datetime
) -> None:
    """The pre-vote window as `do_add_item` will set it (from now when no start is given,
    until the meeting starts when no end is given) must close after it opens."""
    if not draft.council_vote or not (draft.vote_opens_at or draft.vote_closes_at):
        return
    opens_at = draft.vote_opens_at or now
    closes_at = draft.vote_closes_at or meeting_starts_at
    if closes_at > opens_at:
        return
    if draft.vote_closes_at is None:
        form.error(
            "vote_opens_at",
            gettext(
                "Without an end, the pre-vote closes when the meeting starts: "
                "let it open before the meeting."
            ),
        )
    else:
        form.error("vote_closes_at", gettext("The window must close after it opens."))
