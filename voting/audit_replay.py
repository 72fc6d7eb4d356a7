"""Replay a verified chain against what is stored: the votes and the result that are published.

A chain whose links are intact proves what was recorded; this proves that the vote rows and
the stored result still say the same. A stored choice or result changed behind the chain's
back is named at the link that recorded the true value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from voting.models import (
    RECUSED,
    AdvisoryBallot,
    AdvisoryVote,
    AuditEntry,
    CouncilBallot,
    CouncilVote,
    Secrecy,
    SecretTally,
)

VOTE_CHANGED = "the stored vote does not match this link"
VOTE_UNRECORDED = "a stored vote has no link"
RESULT_CHANGED = "the stored result does not match this link"


@dataclass
class _Replayed:
    """Per voter (a mandate or an advisory vote row): the last recorded choice and its link."""

    last: dict[int, tuple[str | None, int]] = field(default_factory=dict)
    close: AuditEntry | None = None


def _replay(entries: Sequence[AuditEntry], voter_key: str) -> _Replayed:
    replayed = _Replayed()
    for entry in entries:
        payload: dict[str, Any] = json.loads(entry.payload)
        if entry.kind in ("cast", "change", "recuse"):
            replayed.last[int(payload[voter_key])] = (payload.get("choice"), entry.seq)
        elif entry.kind == "close":
            replayed.close = entry
    return replayed


def _compare_votes(
    replayed: _Replayed, stored: dict[int, str | None], next_seq: int
) -> tuple[int, str] | None:
    """The first link whose voter's stored choice differs, or a stored vote without a link."""
    mismatches = [
        seq for voter, (choice, seq) in replayed.last.items() if stored.get(voter, "") != choice
    ]
    if mismatches:
        return min(mismatches), VOTE_CHANGED
    if stored.keys() - replayed.last.keys():
        return next_seq, VOTE_UNRECORDED
    return None


def _council_result(ballot: CouncilBallot) -> dict[str, Any]:
    return {
        "outcome": ballot.outcome,
        "tally": {"yes": ballot.yes, "no": ballot.no, "abstain": ballot.abstain},
        "present": ballot.present,
        "in_office": ballot.in_office,
    }


def _secret_totals_agree(session: Session, ballot: CouncilBallot, replayed: _Replayed) -> bool:
    casts = sum(1 for choice, _seq in replayed.last.values() if choice != RECUSED)
    totals = session.get(SecretTally, ballot.id)
    counted = totals.yes + totals.no + totals.abstain if totals else 0
    return counted == casts


def check_council(
    session: Session, ballot: CouncilBallot, entries: Sequence[AuditEntry]
) -> tuple[int, str] | None:
    replayed = _replay(entries, "mandate")
    votes = session.exec(select(CouncilVote).where(CouncilVote.ballot_id == ballot.id))
    stored = {vote.mandate_id: vote.choice for vote in votes}
    found = _compare_votes(replayed, stored, len(entries) + 1)
    if found is not None:
        return found
    if ballot.secrecy == Secrecy.secret and not _secret_totals_agree(session, ballot, replayed):
        return len(entries), VOTE_CHANGED
    if replayed.close is not None and json.loads(replayed.close.payload) != _council_result(ballot):
        return replayed.close.seq, RESULT_CHANGED
    return None


def check_advisory(
    session: Session, ballot: AdvisoryBallot, entries: Sequence[AuditEntry]
) -> tuple[int, str] | None:
    replayed = _replay(entries, "vote")
    votes = session.exec(select(AdvisoryVote).where(AdvisoryVote.ballot_id == ballot.id))
    stored: dict[int, str | None] = {vote.id: vote.choice for vote in votes if vote.id}
    found = _compare_votes(replayed, stored, len(entries) + 1)
    if found is not None:
        return found
    if replayed.close is not None:
        tally = {"yes": ballot.yes, "no": ballot.no, "abstain": ballot.abstain}
        if json.loads(replayed.close.payload) != {"tally": tally}:
            return replayed.close.seq, RESULT_CHANGED
    return None
