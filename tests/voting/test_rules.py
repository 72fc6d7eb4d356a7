"""The rules engine on tables of cases: each row is a council's rules, the counts, and what
the law makes of them. Pure functions, so no database."""

from __future__ import annotations

import pytest

from voting.models import Basis, Outcome, Threshold, TieRule
from voting.rules import Rules, Tally, has_quorum, outcome, quorum

CAST = Rules()  # the Flemish default: votes cast without abstentions, more than half, tie rejects
CHAIR = Rules(tie=TieRule.chair_decides)
PRESENT = Rules(basis=Basis.present)
IN_OFFICE = Rules(basis=Basis.in_office)
TWO_THIRDS = Rules(threshold=Threshold.two_thirds)
NO_QUORUM_RULE = Rules(quorum_required=False)
# Each basis, and the stricter threshold: a vote that is not close decides alike under all.
BASES = [
    pytest.param(CAST, id="cast"),
    pytest.param(PRESENT, id="present"),
    pytest.param(IN_OFFICE, id="in-office"),
    pytest.param(TWO_THIRDS, id="two-thirds"),
]

APPROVED, REJECTED = Outcome.approved, Outcome.rejected


@pytest.mark.parametrize(
    ("rules", "tally", "present", "in_office", "chair", "expected", "by_chair"),
    [
        pytest.param(CAST, Tally(5, 5, 0), 10, 11, None, REJECTED, False, id="tie-rejected"),
        pytest.param(CAST, Tally(5, 5, 0), 10, 11, "yes", REJECTED, False, id="tie-chair-ignored"),
        pytest.param(CHAIR, Tally(5, 5, 0), 10, 11, "yes", APPROVED, True, id="tie-chair-yes"),
        pytest.param(CHAIR, Tally(5, 5, 0), 10, 11, "no", REJECTED, True, id="tie-chair-no"),
        pytest.param(
            CHAIR, Tally(5, 5, 1), 11, 11, "abstain", REJECTED, False, id="tie-chair-abstained"
        ),
        pytest.param(CHAIR, Tally(5, 5, 0), 10, 11, None, REJECTED, False, id="tie-chair-silent"),
        pytest.param(CHAIR, Tally(6, 5, 0), 11, 11, "no", APPROVED, False, id="no-tie-no-chair"),
        pytest.param(CAST, Tally(6, 5, 0), 11, 11, None, APPROVED, False, id="one-more-yes"),
    ],
)
def test_ties(
    rules: Rules,
    tally: Tally,
    present: int,
    in_office: int,
    chair: str | None,
    expected: Outcome,
    by_chair: bool,
) -> None:
    result = outcome(rules, tally, present=present, in_office=in_office, chair_choice=chair)
    assert result.outcome == expected
    assert result.decided_by_chair is by_chair


def test_a_tie_is_reported_as_a_tie() -> None:
    result = outcome(CAST, Tally(4, 4, 3), present=11, in_office=11)
    assert result.tie
    assert (result.base, result.needed) == (8, 5)


@pytest.mark.parametrize(
    ("rules", "tally", "present", "in_office", "expected", "base"),
    [
        pytest.param(CAST, Tally(3, 2, 10), 15, 15, APPROVED, 5, id="cast-abstentions-left-out"),
        pytest.param(CAST, Tally(1, 0, 14), 15, 15, APPROVED, 1, id="cast-one-yes-rest-abstain"),
        pytest.param(CAST, Tally(0, 0, 15), 15, 15, REJECTED, 0, id="cast-all-abstain"),
        pytest.param(PRESENT, Tally(3, 2, 10), 15, 20, REJECTED, 15, id="present-abstain-against"),
        pytest.param(PRESENT, Tally(8, 0, 7), 15, 20, APPROVED, 15, id="present-just-over-half"),
        pytest.param(PRESENT, Tally(7, 0, 8), 15, 20, REJECTED, 15, id="present-just-under-half"),
        pytest.param(IN_OFFICE, Tally(8, 0, 7), 15, 20, REJECTED, 20, id="in-office-absent-no"),
        pytest.param(IN_OFFICE, Tally(11, 0, 4), 15, 20, APPROVED, 20, id="in-office-majority"),
        pytest.param(IN_OFFICE, Tally(10, 0, 5), 15, 20, REJECTED, 20, id="in-office-exact-half"),
    ],
)
def test_abstentions_by_basis(
    rules: Rules, tally: Tally, present: int, in_office: int, expected: Outcome, base: int
) -> None:
    result = outcome(rules, tally, present=present, in_office=in_office)
    assert (result.outcome, result.base) == (expected, base)


@pytest.mark.parametrize(
    ("rules", "tally", "expected"),
    [
        pytest.param(TWO_THIRDS, Tally(6, 3, 0), APPROVED, id="exactly-two-thirds-of-9"),
        pytest.param(TWO_THIRDS, Tally(5, 3, 0), REJECTED, id="just-below-5-of-8"),
        pytest.param(TWO_THIRDS, Tally(2, 1, 0), APPROVED, id="exactly-two-thirds-of-3"),
        pytest.param(TWO_THIRDS, Tally(20, 10, 4), APPROVED, id="two-thirds-abstain-left-out"),
        pytest.param(TWO_THIRDS, Tally(19, 10, 0), REJECTED, id="just-below-19-of-29"),
        pytest.param(TWO_THIRDS, Tally(7, 3, 0), APPROVED, id="over-two-thirds-7-of-10"),
        pytest.param(TWO_THIRDS, Tally(6, 4, 0), REJECTED, id="majority-not-enough-6-of-10"),
        pytest.param(TWO_THIRDS, Tally(5, 5, 0), REJECTED, id="half-is-no-tie-rule"),
    ],
)
def test_two_thirds(rules: Rules, tally: Tally, expected: Outcome) -> None:
    result = outcome(rules, tally, present=tally.cast, in_office=35)
    assert result.outcome == expected
    assert not result.tie


def test_two_thirds_of_the_present() -> None:
    rules = Rules(basis=Basis.present, threshold=Threshold.two_thirds)
    assert outcome(rules, Tally(10, 0, 5), present=15, in_office=20).outcome == APPROVED
    assert outcome(rules, Tally(9, 0, 6), present=15, in_office=20).outcome == REJECTED


@pytest.mark.parametrize(
    ("rules", "present", "in_office", "expected"),
    [
        pytest.param(CAST, 5, 10, False, id="exactly-half-is-not-a-quorum"),
        pytest.param(CAST, 6, 10, True, id="half-plus-one-is"),
        pytest.param(CAST, 5, 9, True, id="odd-more-than-half"),
        pytest.param(CAST, 4, 9, False, id="odd-less-than-half"),
        pytest.param(CAST, 0, 0, False, id="nobody-in-office"),
        pytest.param(CAST, 1, 1, True, id="the-only-member"),
        pytest.param(NO_QUORUM_RULE, 0, 10, True, id="not-required-nobody"),
        pytest.param(NO_QUORUM_RULE, 5, 10, True, id="not-required-half"),
    ],
)
def test_quorum(rules: Rules, present: int, in_office: int, expected: bool) -> None:
    assert has_quorum(rules, present, in_office) is expected


@pytest.mark.parametrize(
    ("in_office", "needed"), [(1, 1), (2, 2), (9, 5), (10, 6), (35, 18), (41, 21)]
)
def test_quorum_is_more_than_half(in_office: int, needed: int) -> None:
    assert quorum(in_office) == needed


@pytest.mark.parametrize("rules", [*BASES, pytest.param(CHAIR, id="chair-decides")])
def test_nobody_voting_rejects(rules: Rules) -> None:
    result = outcome(rules, Tally(), present=0, in_office=0, chair_choice="yes")
    assert result.outcome == REJECTED
    assert not result.decided_by_chair
    assert outcome(rules, Tally(), present=7, in_office=9).outcome == REJECTED


@pytest.mark.parametrize("rules", BASES)
def test_unanimous(rules: Rules) -> None:
    assert outcome(rules, Tally(9, 0, 0), present=9, in_office=9).outcome == APPROVED
    assert outcome(rules, Tally(0, 9, 0), present=9, in_office=9).outcome == REJECTED
