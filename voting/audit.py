"""The audit chain of each ballot: every cast, change and close is appended as a hash link.

Each link's hash covers the previous hash and the link's own content, and the ballot row keeps
the hash of the last link. Editing, removing or reordering any stored link, or dropping the
last ones, makes `verify` name the first broken link; the published result carries the head.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from participation.database import utcnow
from voting.models import AdvisoryBallot, AuditEntry, CouncilBallot

Ballot = CouncilBallot | AdvisoryBallot
GENESIS = "0" * 64


def chain_of(ballot: Ballot) -> str:
    kind = "council" if isinstance(ballot, CouncilBallot) else "advisory"
    return f"{kind}:{ballot.id}"


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(
    prev_hash: str, chain: str, seq: int, kind: str, payload: str, created_at: dt.datetime
) -> str:
    material = "\n".join(
        [prev_hash, chain, str(seq), kind, payload, created_at.astimezone(dt.UTC).isoformat()]
    )
    return hashlib.sha256(material.encode()).hexdigest()


def append(session: Session, ballot: Ballot, kind: str, payload: dict[str, Any]) -> AuditEntry:
    """Add a link. The caller holds the ballot row's lock (see `actions.lock_ballot`)."""
    chain = chain_of(ballot)
    prev_hash = ballot.chain_head or GENESIS
    seq = ballot.chain_seq + 1
    text = canonical(payload)
    # Stored times keep microseconds on both databases; the hash must see what is stored.
    created_at = utcnow()
    entry = AuditEntry(
        chain=chain,
        seq=seq,
        kind=kind,
        payload=text,
        created_at=created_at,
        prev_hash=prev_hash,
        hash=link_hash(prev_hash, chain, seq, kind, text, created_at),
    )
    ballot.chain_seq, ballot.chain_head = seq, entry.hash
    session.add_all([entry, ballot])
    return entry


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.chain} link {self.seq}: {self.reason}"


def _verify_links(chain: str, entries: Iterable[AuditEntry], head: tuple[int, str]) -> Break | None:
    prev_hash, expected_seq = GENESIS, 1
    for entry in entries:
        if entry.seq != expected_seq:
            return Break(chain, expected_seq, "link missing")
        if entry.prev_hash != prev_hash:
            return Break(chain, entry.seq, "does not follow the link before it")
        actual = link_hash(
            entry.prev_hash, chain, entry.seq, entry.kind, entry.payload, entry.created_at
        )
        if actual != entry.hash:
            return Break(chain, entry.seq, "content does not match its hash")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    head_seq, head_hash = head
    if head_seq != expected_seq - 1 or (head_hash or GENESIS) != prev_hash:
        return Break(chain, expected_seq, "the ballot's recorded head is not the last link")
    return None


@dataclass(frozen=True)
class Verification:
    chains: int
    links: int
    breaks: list[Break]


def verify(session: Session) -> Verification:
    """Recompute every ballot's chain; one break per broken chain, at its first bad link."""
    heads: dict[str, tuple[int, str]] = {}
    ballots: list[Ballot] = [
        *session.exec(select(CouncilBallot)),
        *session.exec(select(AdvisoryBallot)),
    ]
    for ballot in ballots:
        heads[chain_of(ballot)] = (ballot.chain_seq, ballot.chain_head)
    entries: dict[str, list[AuditEntry]] = {}
    links = 0
    statement = select(AuditEntry).order_by(col(AuditEntry.chain), col(AuditEntry.seq))
    for entry in session.exec(statement):
        entries.setdefault(entry.chain, []).append(entry)
        links += 1
    breaks = []
    for chain in sorted(heads.keys() | entries.keys()):
        found = _verify_links(chain, entries.get(chain, []), heads.get(chain, (0, "")))
        if found is not None:
            breaks.append(found)
    return Verification(len(heads), links, breaks)
