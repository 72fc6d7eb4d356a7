"""The audit chain: every cast, change and close is a link; tampering with any stored link
is found by `audit.verify`, which names the first broken one. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable

import pytest
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from participation.database import Database, utcnow
from participation.models import User
from participation.settings import Settings
from tests.voting.agenda_world import (
    HOUR,
    ZONE,
    add_item,
    advisory_ballot_of,
    ballot_of,
    cast,
    chain_links,
    close_ballot,
    id_of,
    open_ballot,
    pre_vote_item,
    start_session,
)
from voting import advisory, audit
from voting.audit import link_hash
from voting.forms import AdvisoryDraft
from voting.models import (
    RECUSED,
    AuditEntry,
    CouncilBallot,
    CouncilVote,
    Meeting,
)

KINDS = ["cast", "cast", "change", "recuse", "open", "change", "close"]


@pytest.fixture
def chain(db: Database, clerk: User, council_members: list[User], meeting: Meeting) -> str:
    """A closed council ballot whose chain holds every kind of link, 1..7."""
    first, second, third = council_members
    item = pre_vote_item(db, clerk, meeting, -HOUR, HOUR)
    cast(db, first, item, "yes")
    cast(db, second, item, "no")
    cast(db, first, item, "no")
    cast(db, third, item, RECUSED)
    start_session(db, clerk, id_of(meeting), council_members)
    open_ballot(db, clerk, item)
    cast(db, second, item, "yes")
    close_ballot(db, clerk, item)
    return audit.chain_of(ballot_of(db, item))


def verified(db: Database) -> audit.Verification:
    with db.read() as session:
        return audit.verify(session)


def test_a_ballots_casts_changes_and_close_are_links_one_to_n(db: Database, chain: str) -> None:
    stored = chain_links(db, chain)
    assert [link.seq for link in stored] == list(range(1, 8))
    assert [link.kind for link in stored] == KINDS
    assert stored[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(stored):
        assert after.prev_hash == before.hash
    assert json.loads(stored[2].payload)["choice"] == "no"
    result = verified(db)
    assert (result.chains, result.links, result.breaks) == (1, 7, [])


def _edit(seq: int, **values: object) -> Callable[[Session, str], None]:
    def edit(session: Session, chain: str) -> None:
        session.execute(
            update(AuditEntry)
            .where(col(AuditEntry.chain) == chain, col(AuditEntry.seq) == seq)
            .values(**values)
        )

    return edit


def _change_choice_at(session: Session, chain: str, seq: int) -> None:
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.seq == seq)
    ).one()
    assert '"no"' in entry.payload
    entry.payload = entry.payload.replace('"no"', '"yes"')
    session.add(entry)


def _change_choice(session: Session, chain: str) -> None:
    _change_choice_at(session, chain, 3)


def _change_hash(session: Session, chain: str) -> None:
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.seq == 4)
    ).one()
    entry.hash = "f" * 64
    session.add(entry)


def _change_time(session: Session, chain: str) -> None:
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.seq == 5)
    ).one()
    entry.created_at = entry.created_at - dt.timedelta(hours=1)
    session.add(entry)


def _delete(seq: int) -> Callable[[Session, str], None]:
    def remove(session: Session, chain: str) -> None:
        session.execute(
            delete(AuditEntry).where(col(AuditEntry.chain) == chain, col(AuditEntry.seq) == seq)
        )

    return remove


def _swap(session: Session, chain: str) -> None:
    """Swap links 2 and 3 through a free number, as the unique (chain, seq) demands."""
    for old, new in ((2, -1), (3, 2), (-1, 3)):
        session.execute(
            update(AuditEntry)
            .where(col(AuditEntry.chain) == chain, col(AuditEntry.seq) == old)
            .values(seq=new)
        )


def _rewrite_close(session: Session, chain: str) -> None:
    """Approve the rejected item in the close link's payload."""
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.kind == "close")
    ).one()
    payload = json.loads(entry.payload)
    payload["outcome"] = "approved" if payload["outcome"] == "rejected" else "rejected"
    entry.payload = audit.canonical(payload)
    session.add(entry)


def _append_forged(session: Session, chain: str) -> None:
    """A well-formed link 8 after the close, added without the ballot's head knowing it."""
    last = session.exec(
        select(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.seq == 7)
    ).one()
    payload, created_at = '{"choice":"yes","mandate":1}', utcnow()
    forged = link_hash(last.hash, chain, 8, "change", payload, created_at)
    session.add(
        AuditEntry(
            chain=chain,
            seq=8,
            kind="change",
            payload=payload,
            created_at=created_at,
            prev_hash=last.hash,
            hash=forged,
        )
    )


MISMATCH = "content does not match its hash"


@pytest.mark.parametrize(
    ("tamper", "seq", "reason"),
    [
        pytest.param(_edit(2, payload='{"choice":"yes","mandate":2}'), 2, MISMATCH, id="payload"),
        pytest.param(_change_choice, 3, MISMATCH, id="choice"),
        pytest.param(_edit(2, kind="change"), 2, MISMATCH, id="kind"),
        pytest.param(_change_hash, 4, MISMATCH, id="hash"),
        pytest.param(_change_time, 5, MISMATCH, id="time"),
        pytest.param(_rewrite_close, 7, MISMATCH, id="close-outcome"),
        pytest.param(_delete(3), 3, "link missing", id="delete-middle"),
        pytest.param(_delete(1), 1, "link missing", id="delete-first"),
        pytest.param(
            _delete(7), 7, "the ballot's recorded head is not the last link", id="delete-last"
        ),
        pytest.param(_swap, 2, "does not follow the link before it", id="swap-seq"),
        pytest.param(
            _append_forged, 8, "the ballot's recorded head is not the last link", id="append"
        ),
    ],
)
def test_tampering_names_the_first_broken_link(
    db: Database, chain: str, tamper: Callable[[Session, str], None], seq: int, reason: str
) -> None:
    with db.write() as session:
        tamper(session, chain)
    result = verified(db)
    assert result.breaks == [audit.Break(chain, seq, reason)]
    assert str(result.breaks[0]) == f"{chain} link {seq}: {reason}"


def test_a_changed_vote_is_found_at_the_link_that_recorded_it(db: Database, chain: str) -> None:
    """The named vote list that is published must agree with the chain: rewriting a member's
    stored choice (the first member's `no`, recorded by link 3) is found and named."""
    with db.write() as session:
        ballot_id = int(chain.split(":")[1])
        vote = session.exec(
            select(CouncilVote).where(
                CouncilVote.ballot_id == ballot_id, CouncilVote.choice == "no"
            )
        ).one()
        vote.choice = "yes"
        session.add(vote)
    assert [(found.chain, found.seq) for found in verified(db).breaks] == [(chain, 3)]


def test_a_changed_result_is_found_at_the_close_link(db: Database, chain: str) -> None:
    """The published result must agree with the close link that the chain head covers."""
    with db.write() as session:
        ballot = session.get(CouncilBallot, int(chain.split(":")[1]))
        assert ballot is not None
        ballot.outcome, ballot.yes = "approved", 5
        session.add(ballot)
    assert [(found.chain, found.seq) for found in verified(db).breaks] == [(chain, 7)]


def test_each_broken_chain_is_named_once_and_intact_ones_are_not(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, chain: str
) -> None:
    intact = pre_vote_item(db, clerk, meeting, -HOUR, HOUR)
    cast(db, council_members[0], intact, "yes")
    with db.write() as session:
        _delete(3)(session, chain)
        _change_hash(session, chain)
    result = verified(db)
    assert result.breaks == [audit.Break(chain, 3, "link missing")]
    assert (result.chains, result.links) == (2, 7)


def test_an_advisory_chain_is_verified_too(
    db: Database, clerk: User, resident: User, meeting: Meeting, settings: Settings
) -> None:
    now = utcnow()
    question = AdvisoryDraft("Moet de raad de begroting goedkeuren?", now - HOUR, now + HOUR, False)
    item = id_of(add_item(db, clerk, meeting, council_vote=False, advisory=question))
    for choice in ("yes", "no"):
        with db.write() as session:
            advisory.do_cast_advisory_vote(
                session, resident, item, choice, secret_key=settings.secret_key, zone=ZONE
            )
    with db.write() as session:
        advisory.apply_window_transitions(session, now + 2 * HOUR)
    name = audit.chain_of(advisory_ballot_of(db, item))
    assert [link.kind for link in chain_links(db, name)] == ["cast", "change", "close"]
    assert verified(db).breaks == []
    with db.write() as session:
        _change_choice_at(session, name, 2)
    assert verified(db).breaks == [audit.Break(name, 2, MISMATCH)]
