"""The decisions registry: features register providers, pages ask for a subject's decisions."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from sqlmodel import Session

from participation import decisions
from participation.decisions import Counts, Decision
from participation.i18n import use_language

DAY = dt.timedelta(days=1)
MONDAY = dt.datetime(2026, 12, 14, 18, 0, tzinfo=dt.UTC)
NO_SESSION = cast(Session, None)  # the fake providers never read


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test registers its own providers; the app's stay untouched."""
    monkeypatch.setattr(decisions, "_providers", {})


def decision(title: str, starts_at: dt.datetime, outcome: str | None = None) -> Decision:
    return Decision(title, f"/items/{title}", "Gemeenteraad", starts_at, outcome)


def test_every_provider_is_asked_and_the_earliest_meeting_comes_first() -> None:
    asked: list[tuple[str, int]] = []

    def council(_session: Session, subject: str, subject_id: int) -> list[Decision]:
        asked.append((subject, subject_id))
        return [decision("later", MONDAY + DAY), decision("first", MONDAY - DAY)]

    def committee(_session: Session, subject: str, subject_id: int) -> list[Decision]:
        return [decision("middle", MONDAY)] if subject == "idea" else []

    decisions.register("council", council)
    decisions.register("committee", committee)
    found = decisions.decisions_for(NO_SESSION, "idea", 7)
    assert [d.item_title for d in found] == ["first", "middle", "later"]
    assert asked == [("idea", 7)]
    assert [d.item_title for d in decisions.decisions_for(NO_SESSION, "pact", 7)] == [
        "first",
        "later",
    ]


def test_without_providers_there_are_no_decisions() -> None:
    assert decisions.decisions_for(NO_SESSION, "idea", 1) == []


def test_registering_again_under_a_name_replaces_the_provider() -> None:
    decisions.register("voting", lambda _s, _n, _i: [decision("old", MONDAY)])
    decisions.register("voting", lambda _s, _n, _i: [decision("new", MONDAY)])
    assert [d.item_title for d in decisions.decisions_for(NO_SESSION, "idea", 1)] == ["new"]


@pytest.mark.parametrize(
    ("counts", "total", "percent"),
    [(Counts(62, 38, 0), 100, 62), (Counts(2, 1, 0), 3, 67), (Counts(0, 0, 0), 0, 0)],
)
def test_counts_give_a_total_and_a_whole_percentage_yes(
    counts: Counts, total: int, percent: int
) -> None:
    assert counts.total == total
    assert counts.yes_percent == percent


def test_the_outcome_has_a_translated_label() -> None:
    with use_language("en"):
        assert decision("a", MONDAY, decisions.APPROVED).outcome_label == "Approved"
        assert decision("a", MONDAY, decisions.REJECTED).outcome_label == "Rejected"
        assert decision("a", MONDAY).outcome_label == ""
