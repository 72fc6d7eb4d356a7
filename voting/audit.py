"""The audit chain of each ballot: every cast, change and close is appended as a hash link.

Each link's hash covers the previous hash and the link's own content, and the ballot row keeps
the hash of the last link. Editing, removing or reordering any stored link, or dropping the
last ones, makes `verify` name the first broken link; the published result carries the head.
An intact chain is then replayed against the stored votes and result (`audit_replay`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from participation.database import utcnow
from participation.prepared import Prepared
from voting import audit_replay
from voting.models import AdvisoryBallot, AuditEntry, CouncilBallot

Ballot = CouncilBallot | AdvisoryBallot
GENESIS = "0" * 64
HEAD_MOVED = "the ballot's recorded head is not the last link"


def chain_name(kind: str, ballot_id: int) -> str:
    """The chain of a ballot: `kind` is "council" or "advisory"."""
    return f"{kind}:{ballot_id}"


def chain_of(ballot: Ballot) -> str:
    assert ballot.id is not None
    return chain_name("council" if isinstance(ballot, CouncilBallot) else "advisory", ballot.id)


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(
    prev_hash: str, chain: str, seq: int, kind: str, payload: str, created_at: dt.datetime
) -> str:
    material = "\n".join(
        [prev_hash, chain, str(seq), kind, payload, created_at.astimezone(dt.UTC).isoformat()]
    )
    return hashlib.sha256(material.encode()).hexdigest()


# Every vote appends a link: compiled once, run on the driver's cursor (see
# participation/prepared.py).
_ENTRIES = AuditEntry.__table__  # type: ignore[attr-defined]
_LINK_FIELDS = ("chain", "seq", "kind", "payload", "created_at", "prev_hash", "hash")
_ADD_LINK = Prepared(insert(_ENTRIES).values({name: bindparam(name) for name in _LINK_FIELDS}))


def add_link(
    session: Session, chain: str, seq: int, prev_hash: str, kind: str, payload: dict[str, Any]
) -> str:
    """Insert link `seq` of `chain` after the link hashed `prev_hash`; the new head's hash.
    The caller holds the ballot row's lock and moves its head in the same transaction."""
    text = canonical(payload)
    # Stored times keep microseconds on both databases; the hash must see what is stored.
    created_at = utcnow()
    head = link_hash(prev_hash, chain, seq, kind, text, created_at)
    _ADD_LINK.run(
        session.connection(),
        {
            "chain": chain,
            "seq": seq,
            "kind": kind,
            "payload": text,
            "created_at": created_at,
            "prev_hash": prev_hash,
            "hash": head,
        },
    )
    return head


def append(session: Session, ballot: Ballot, kind: str, payload: dict[str, Any]) -> None:
    """Add a link and move the ballot's head to it. The caller holds the ballot row's lock
    (see `item_ballots.locked`)."""
    seq = ballot.chain_seq + 1
    head = add_link(session, chain_of(ballot), seq, ballot.chain_head or GENESIS, kind, payload)
    table = type(ballot)
    session.execute(
        update(table).where(col(table.id) == ballot.id).values(chain_seq=seq, chain_head=head)
    )
    set_committed_value(ballot, "chain_seq", seq)
    set_committed_value(ballot, "chain_head", head)


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
    last = expected_seq - 1
    if head_seq != last:
        return Break(chain, min(head_seq, last) + 1, HEAD_MOVED)
    if (head_hash or GENESIS) != prev_hash:
        return Break(chain, last, HEAD_MOVED)
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
    by_chain = {chain_of(ballot): ballot for ballot in ballots}
    for chain, ballot in by_chain.items():
        heads[chain] = (ballot.chain_seq, ballot.chain_head)
    entries: dict[str, list[AuditEntry]] = {}
    links = 0
    statement = select(AuditEntry).order_by(col(AuditEntry.chain), col(AuditEntry.seq))
    for entry in session.exec(statement):
        entries.setdefault(entry.chain, []).append(entry)
        links += 1
    breaks = []
    for chain in sorted(heads.keys() | entries.keys()):
        chain_entries = entries.get(chain, [])
        found = _verify_links(chain, chain_entries, heads.get(chain, (0, "")))
        if found is None and chain in by_chain:
            found = _replay(session, chain, by_chain[chain], chain_entries)
        if found is not None:
            breaks.append(found)
    return Verification(len(heads), links, breaks)


def _replay(
    session: Session, chain: str, ballot: Ballot, entries: list[AuditEntry]
) -> Break | None:
    """An intact chain must also agree with the stored votes and result."""
    if isinstance(ballot, CouncilBallot):
        found = audit_replay.check_council(session, ballot, entries)
    else:
        found = audit_replay.check_advisory(session, ballot, entries)
    return Break(chain, *found) if found else None
