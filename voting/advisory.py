"""Residents' advisory votes: one per verified resident per item, changeable while the window
is open, counted once at the close and then shown beside the council's result.

A voter is recognised by an HMAC of their verified email address (keyed with the secret key
and the ballot), kept only while the ballot is open: erasing an account and registering again
with the same address cannot vote twice, and after the close no key links votes to a person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any, Protocol, cast

from sqlalchemy import Connection, bindparam, func, insert, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from participation.actions import check_verified
from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.i18n import format_datetime, gettext
from participation.models import User
from participation.prepared import Prepared
from voting import audit, rules, windows
from voting.item_ballots import locked
from voting.models import (
    CHOICES,
    MEETING_TIME,
    AdvisoryBallot,
    AdvisoryStatus,
    AdvisoryVote,
    AgendaItem,
    Meeting,
    MeetingStatus,
)


def voter_key(secret_key: str, ballot_id: int, user: User) -> str:
    message = f"advisory:{ballot_id}:{user.email.lower()}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def lock_advisory(session: Session, item_id: int) -> AdvisoryBallot:
    ballot = locked(session, AdvisoryBallot, item_id)
    if ballot is None:
        raise Refused(404, gettext("Residents do not vote on this item."))
    return ballot


class Window(Protocol):
    status: str
    opens_at: dt.datetime
    closes_at: dt.datetime


def is_open(ballot: Window, now: dt.datetime) -> bool:
    """By the clock as well as the status: the close job may be a moment late."""
    return ballot.status != AdvisoryStatus.closed and ballot.opens_at <= now < ballot.closes_at


def check_window(ballot: Window, zone: dt.tzinfo) -> None:
    if is_open(ballot, utcnow()):
        return
    times = {
        "opens": format_datetime(ballot.opens_at, zone, MEETING_TIME),
        "closes": format_datetime(ballot.closes_at, zone, MEETING_TIME),
    }
    if ballot.status == AdvisoryStatus.closed or utcnow() >= ballot.closes_at:
        message = gettext("The advisory vote closed on %(closes)s; your vote was not counted.")
    else:
        message = gettext("The advisory vote opens on %(opens)s and closes on %(closes)s.")
    raise Refused(409, message % times)


# The statements every vote runs, compiled once and run on the driver's cursor
# (participation/prepared.py): SQLAlchemy's setup of each execution cost more than the
# database's own work.
_BALLOTS = AdvisoryBallot.__table__  # type: ignore[attr-defined]
_VOTES = AdvisoryVote.__table__  # type: ignore[attr-defined]
_ITEMS = AgendaItem.__table__  # type: ignore[attr-defined]
_MEETINGS = Meeting.__table__  # type: ignore[attr-defined]
_LOCK_FOR_VOTE = Prepared(
    core_select(
        _BALLOTS.c.id,
        _BALLOTS.c.status,
        _BALLOTS.c.opens_at,
        _BALLOTS.c.closes_at,
        _BALLOTS.c.chain_seq,
        _BALLOTS.c.chain_head,
        _ITEMS.c.closed_session,
        _MEETINGS.c.status.label("meeting_status"),
    )
    .join_from(_BALLOTS, _ITEMS, _ITEMS.c.id == _BALLOTS.c.item_id)
    .join(_MEETINGS, _MEETINGS.c.id == _ITEMS.c.meeting_id)
    .where(_BALLOTS.c.item_id == bindparam("item_id"))
    .with_for_update(of=_BALLOTS)
)
_FIND_VOTE = Prepared(
    core_select(_VOTES.c.id, _VOTES.c.choice, _VOTES.c.voter_id).where(
        _VOTES.c.ballot_id == bindparam("ballot_id"), _VOTES.c.voter_key == bindparam("key")
    )
)
_ADD_VOTE = Prepared(
    insert(_VOTES)
    .values(
        ballot_id=bindparam("ballot_id"),
        voter_id=bindparam("voter_id"),
        voter_key=bindparam("voter_key"),
        choice=bindparam("choice"),
        cast_at=bindparam("now"),
    )
    .returning(_VOTES.c.id)
)
_CHANGE_VOTE = Prepared(
    update(_VOTES)
    .where(_VOTES.c.id == bindparam("vote_id"))
    .values(
        choice=bindparam("new_choice"),
        voter_id=bindparam("new_voter_id"),
        changed_at=bindparam("now"),
    )
)
# The running totals move with the audit chain's head, in one statement.
_MOVE_TOTALS = Prepared(
    update(_BALLOTS)
    .where(_BALLOTS.c.id == bindparam("ballot_id"))
    .values(
        chain_seq=bindparam("seq"),
        chain_head=bindparam("head"),
        **{choice: _BALLOTS.c[choice] + bindparam(f"add_{choice}") for choice in CHOICES},
    )
)


def _lock_for_vote(connection: Connection, item_id: int) -> Any:
    """The item's advisory ballot (a row of `_LOCK_FOR_VOTE`), locked, if the public can see
    the item: one statement."""
    row = _LOCK_FOR_VOTE.first(connection, {"item_id": item_id})
    if row is None or row.closed_session or row.meeting_status == MeetingStatus.planned:
        raise Refused(404, gettext("Residents do not vote on this item."))
    return row


def do_cast_advisory_vote(
    session: Session, user: User, item_id: int, choice: str, *, secret_key: str, zone: dt.tzinfo
) -> int:
    """Cast or change the resident's vote; the same choice again changes nothing. Returns the
    vote's id. Every vote runs this, so it is a handful of prebuilt statements."""
    if choice not in CHOICES:
        raise Refused(400, gettext("Choose yes, no or abstain."))
    check_verified(user)
    connection = session.connection()
    ballot = _lock_for_vote(connection, item_id)
    check_window(cast(Window, ballot), zone)
    key = voter_key(secret_key, ballot.id, user)
    found = _FIND_VOTE.first(connection, {"ballot_id": ballot.id, "key": key})
    if found is not None and found.choice == choice and found.voter_id == user.id:
        return int(found.id)
    added = dict.fromkeys(CHOICES, 0)
    if found is None or found.choice != choice:
        added[choice] += 1
    now = utcnow()
    if found is None:
        row = {"ballot_id": ballot.id, "voter_id": user.id, "voter_key": key, "choice": choice}
        vote_id = _ADD_VOTE.scalar(connection, {**row, "now": now})
        kind = "cast"
    else:
        vote_id, kind = found.id, "change"
        if found.choice != choice:
            added[found.choice] -= 1
        values = {"vote_id": vote_id, "new_choice": choice, "new_voter_id": user.id, "now": now}
        _CHANGE_VOTE.run(connection, values)
    seq = ballot.chain_seq + 1
    chain = audit.chain_name("advisory", ballot.id)
    payload = {"vote": vote_id, "choice": choice}
    head = audit.add_link(session, chain, seq, ballot.chain_head or audit.GENESIS, kind, payload)
    totals = {f"add_{name}": change for name, change in added.items()}
    _MOVE_TOTALS.run(connection, {"ballot_id": ballot.id, "seq": seq, "head": head, **totals})
    publish(session, "advisory_vote.cast", item_id=item_id)
    return int(vote_id)


def my_vote(session: Session, ballot: AdvisoryBallot, user: User | None) -> str | None:
    if user is None or user.id is None:
        return None
    return session.exec(
        select(AdvisoryVote.choice).where(
            AdvisoryVote.ballot_id == ballot.id, AdvisoryVote.voter_id == user.id
        )
    ).first()


def count(session: Session, ballot_id: int) -> rules.Tally:
    """Count the votes from the (ballot, choice) index: no table scan however many there are."""
    rows = session.exec(
        select(AdvisoryVote.choice, func.count())
        .where(AdvisoryVote.ballot_id == ballot_id)
        .group_by(col(AdvisoryVote.choice))
    )
    counts = dict(rows.all())
    return rules.Tally(counts.get("yes", 0), counts.get("no", 0), counts.get("abstain", 0))


def shown_tally(ballot: AdvisoryBallot) -> rules.Tally | None:
    """The tally the public may see now: after the close, or live when the clerk chose so."""
    if ballot.status == AdvisoryStatus.closed or ballot.results_visible:
        return rules.Tally(ballot.yes, ballot.no, ballot.abstain)
    return None


def _close(session: Session, ballot: AdvisoryBallot) -> None:
    assert ballot.id is not None
    tally = count(session, ballot.id)
    ballot.yes, ballot.no, ballot.abstain = tally.yes, tally.no, tally.abstain
    ballot.closed_at = utcnow()
    session.execute(
        update(AdvisoryVote).where(col(AdvisoryVote.ballot_id) == ballot.id).values(voter_key=None)
    )
    audit.append(session, ballot, "close", {"tally": tally.as_dict()})
    publish(session, "advisory.closed", item_id=ballot.item_id)


def apply_window_transitions(session: Session, now: dt.datetime) -> list[int]:
    """Open and close the advisory windows that are due (`voting.windows`); a ballot that
    closes is counted once, by the run that won its close. Returns the items that changed."""
    opened = windows.open_due(
        session, AdvisoryBallot, now, AdvisoryStatus.scheduled, AdvisoryStatus.open
    )
    running = (AdvisoryStatus.scheduled, AdvisoryStatus.open)
    closed = windows.close_due(session, AdvisoryBallot, now, running, AdvisoryStatus.closed)
    for item_id in closed:
        _close(session, lock_advisory(session, item_id))
    return [*opened, *closed]
