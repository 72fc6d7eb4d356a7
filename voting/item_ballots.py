"""The ballots of agenda items, found by item: an item has at most one council ballot and one
advisory ballot (`item_id` is unique in both tables).

A page that lists many items reads each table once, by item id, never once per item. This
module sits below `ballots`, `advisory`, `loop` and the pages, so that each of them can use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlmodel import Session, col, select

from voting.models import AdvisoryBallot, CouncilBallot

Ballot = TypeVar("Ballot", CouncilBallot, AdvisoryBallot)


def _by_item(session: Session, table: type[Ballot], item_ids: Iterable[int]) -> dict[int, Ballot]:
    wanted = list(item_ids)
    if not wanted:
        return {}
    return {b.item_id: b for b in session.exec(select(table).where(col(table.item_id).in_(wanted)))}


def locked(session: Session, table: type[Ballot], item_id: int) -> Ballot | None:
    """The item's ballot, its row locked until the transaction ends (PostgreSQL `FOR UPDATE`;
    SQLite has a single writer), so that what is checked on it stays true while it changes."""
    statement = select(table).where(col(table.item_id) == item_id).with_for_update()
    return session.exec(statement).first()


def council_ballots_of(session: Session, item_ids: Iterable[int]) -> dict[int, CouncilBallot]:
    """The council ballot of each item that has one."""
    return _by_item(session, CouncilBallot, item_ids)


def advisory_ballots_of(session: Session, item_ids: Iterable[int]) -> dict[int, AdvisoryBallot]:
    """The residents' advisory ballot of each item that has one."""
    return _by_item(session, AdvisoryBallot, item_ids)


def council_ballot_of(session: Session, item_id: int) -> CouncilBallot | None:
    return council_ballots_of(session, [item_id]).get(item_id)


def advisory_ballot_of(session: Session, item_id: int) -> AdvisoryBallot | None:
    return advisory_ballots_of(session, [item_id]).get(item_id)
