"""Parse reports and moderators' actions into typed values; errors go back per field."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from moderation.models import DETAILS_MAX, NOTE_MAX
from participation.checks import Refused
from participation.forms import Form
from participation.i18n import gettext
from participation.visibility import REASON_VALUES

# A bulk action handles at most one page of the queue.
BULK_MAX = 50


class ContentAction(enum.StrEnum):
    """What a moderator does to one piece of content (the log's kinds, minus the others')."""

    hide = "hide"
    restore = "restore"
    dismiss = "dismiss"
    lock = "lock"
    unlock = "unlock"
    release = "release"


CONTENT_ACTIONS = tuple(a.value for a in ContentAction)
# Locking is about one discussion at a time, not a batch from the queue.
BULK_ACTIONS = ("hide", "restore", "dismiss", "release")


def _content_ref(type_name: str, raw_id: str) -> tuple[str, int]:
    """The content a hidden field names; nonsense there is not a typing error to show back but
    content that does not exist."""
    raw_id = raw_id.strip()
    if not type_name or len(type_name) > 32 or not raw_id.isdigit() or len(raw_id) > 12:
        raise Refused(404, gettext("This content does not exist."))
    return type_name, int(raw_id)


def content_ref(form: Form) -> tuple[str, int]:
    return _content_ref(form.data.get("content_type", ""), form.data.get("content_id", ""))


@dataclass(frozen=True)
class ReportDraft:
    content_type: str
    content_id: int
    reason: str
    details: str


def parse_report(form: Form) -> ReportDraft:
    content_type, content_id = content_ref(form)
    reason = form.choice("reason", REASON_VALUES)
    details = form.text("details", max_length=DETAILS_MAX, required=False, multiline=True)
    return ReportDraft(content_type, content_id, reason, details)


@dataclass(frozen=True)
class ActionDraft:
    action: ContentAction
    reason: str | None
    note: str


def _parse_decision(form: Form, actions: tuple[str, ...]) -> ActionDraft:
    action = form.choice("action", actions)
    # Only a hide carries a reason (the one its author and the public are shown); the queue's
    # forms send their reason along with every button, and it means nothing to the others.
    reason = form.choice("reason", REASON_VALUES) if action == ContentAction.hide else None
    note = form.text("note", max_length=NOTE_MAX, required=False, multiline=True)
    chosen = ContentAction(action) if action in actions else ContentAction.hide
    return ActionDraft(chosen, reason, note)


def parse_action(form: Form) -> tuple[tuple[str, int], ActionDraft]:
    return content_ref(form), _parse_decision(form, CONTENT_ACTIONS)


@dataclass(frozen=True)
class BulkDraft:
    items: list[tuple[str, int]]
    decision: ActionDraft


def parse_bulk(form: Form, chosen: list[str]) -> BulkDraft:
    """`chosen` holds the ticked rows as `type:id`; ones that make no sense are skipped."""
    items: list[tuple[str, int]] = []
    for value in dict.fromkeys(chosen):
        type_name, _, raw_id = value.partition(":")
        try:
            items.append(_content_ref(type_name, raw_id))
        except Refused:
            continue
    if not items:
        form.error("items", gettext("Tick at least one item."))
    elif len(items) > BULK_MAX:
        form.error("items", gettext("Tick at most %(num)d items.") % {"num": BULK_MAX})
    return BulkDraft(items, _parse_decision(form, BULK_ACTIONS))
