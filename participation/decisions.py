"""Decisions about content: which council decisions concern an idea, a pact, or any subject.

A feature that decides on things (voting) registers a provider here at import; a page that
shows a subject (the idea page) asks for its decisions by the subject's content-type name and
id. The shell never imports the feature that decides, nor the one that shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from participation.i18n import N_, gettext

APPROVED = "approved"
REJECTED = "rejected"
_OUTCOME_LABELS = {APPROVED: N_("Approved"), REJECTED: N_("Rejected")}


@dataclass(frozen=True)
class Counts:
    """A tally: how many voted yes, no and abstain."""

    yes: int
    no: int
    abstain: int

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def yes_percent(self) -> int:
        """The share of yes among all votes, rounded to a whole percent (0 without votes)."""
        return round(100 * self.yes / self.total) if self.total else 0


@dataclass(frozen=True)
class Decision:
    """One agenda item that decides (or will decide) on the subject.

    `council_outcome` is None until the council has voted; `advisory_tally` is the residents'
    advice once their vote has closed, and `advisory_open_until` says until when they can
    still give it."""

    item_title: str
    item_url: str
    meeting_title: str
    meeting_starts_at: dt.datetime
    council_outcome: str | None = None
    council_tally: Counts | None = None
    advisory_tally: Counts | None = None
    advisory_open_until: dt.datetime | None = None

    @property
    def outcome_label(self) -> str:
        return gettext(_OUTCOME_LABELS[self.council_outcome]) if self.council_outcome else ""


Provider = Callable[[Session, str, int], list[Decision]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or, under the same name, replace) a provider of decisions."""
    _providers[name] = provider


def decisions_for(session: Session, subject: str, subject_id: int) -> list[Decision]:
    """Every registered provider's decisions on the subject, the earliest meeting first."""
    found = [
        decision
        for provider in _providers.values()
        for decision in provider(session, subject, subject_id)
    ]
    return sorted(found, key=lambda decision: decision.meeting_starts_at)
