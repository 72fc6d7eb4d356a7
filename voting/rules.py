"""The voting rules engine: quorum and outcome, from a council's rules and the counts alone.

Pure functions, so that every rule is tested on tables of cases (tests/voting/test_rules.py).
The Flemish default (Decreet Lokaal Bestuur): a quorum of more than half of the members in
office, decisions by more than half of the votes cast with abstentions left out, and a tie
rejects the proposal.
"""

from __future__ import annotations

from dataclasses import dataclass

from voting.models import Basis, Choice, Outcome, Threshold, TieRule


@dataclass(frozen=True)
class Rules:
    basis: Basis = Basis.cast
    threshold: Threshold = Threshold.majority
    tie: TieRule = TieRule.rejected
    quorum_required: bool = True


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain

    def as_dict(self) -> dict[str, int]:
        return {"yes": self.yes, "no": self.no, "abstain": self.abstain}


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    base: int  # what the majority was counted against
    needed: int  # the fewest yes votes that would have approved
    tie: bool
    decided_by_chair: bool


def quorum(in_office: int) -> int:
    """The fewest members present for a valid vote: more than half of those in office."""
    return in_office // 2 + 1


def has_quorum(rules: Rules, present: int, in_office: int) -> bool:
    return not rules.quorum_required or present >= quorum(in_office)


def _base(rules: Rules, tally: Tally, present: int, in_office: int) -> int:
    if rules.basis == Basis.cast:
        return tally.yes + tally.no
    if rules.basis == Basis.present:
        return present
    return in_office


def needed(rules: Rules, base: int) -> int:
    """Yes votes needed: more than half, or at least two thirds, of the base."""
    if rules.threshold == Threshold.two_thirds:
        return -(-2 * base // 3)
    return base // 2 + 1


def outcome(
    rules: Rules, tally: Tally, *, present: int, in_office: int, chair_choice: str | None = None
) -> Result:
    """Decide a ballot. Without any vote in the base the proposal is rejected.

    A tie (for a simple majority: as many yes as the rest of the base) rejects, or, when the
    council's rules say so, the chair's own vote decides.
    """
    base = _base(rules, tally, present, in_office)
    required = max(needed(rules, base), 1)
    tie = rules.threshold == Threshold.majority and base > 0 and 2 * tally.yes == base
    if tie and rules.tie == TieRule.chair_decides and chair_choice in (Choice.yes, Choice.no):
        approved = chair_choice == Choice.yes
        return Result(_of(approved), base, required, tie=True, decided_by_chair=True)
    return Result(_of(tally.yes >= required), base, required, tie=tie, decided_by_chair=False)


def _of(approved: bool) -> Outcome:
    return Outcome.approved if approved else Outcome.rejected
