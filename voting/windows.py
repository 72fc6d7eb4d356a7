"""Voting windows on the clock: the conditional updates that open and close them, the same for
the council's pre-votes (`voting.ballots`) and the residents' advisory votes (`voting.advisory`).

Each is one `UPDATE ... WHERE status ... RETURNING`: only one run can win a transition, so a job
fired twice, on two workers, or late after a restart changes nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col

from voting.models import AdvisoryBallot, CouncilBallot

Window = TypeVar("Window", CouncilBallot, AdvisoryBallot)


def _move(
    session: Session, table: type[Window], to: StrEnum, *conditions: ColumnElement[bool]
) -> list[int]:
    """Set the status of the matching rows to `to`; returns their items."""
    statement = (
        update(table).where(*conditions).values(status=to.value).returning(col(table.item_id))
    )
    return list(session.execute(statement).scalars().all())


def open_due(
    session: Session, table: type[Window], now: dt.datetime, waiting: StrEnum, opened: StrEnum
) -> list[int]:
    """Open the windows that are `waiting` and whose time has come (and not yet gone)."""
    return _move(
        session,
        table,
        opened,
        col(table.status) == waiting,
        col(table.opens_at) <= now,
        col(table.closes_at) > now,
    )


def close_due(
    session: Session,
    table: type[Window],
    now: dt.datetime,
    running: Sequence[StrEnum],
    closed: StrEnum,
) -> list[int]:
    """Close the windows still in one of the `running` states whose close has passed."""
    return _move(
        session, table, closed, col(table.status).in_(running), col(table.closes_at) <= now
    )
