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

from sqlalchemy import func, insert, update
from sqlmodel import Session, col, select

from participation.actions import check_verified
from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.i18n import format_datetime, gettext
from participation.models import User
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


def is_open(ballot: AdvisoryBallot, now: dt.datetime) -> bool:
    """By the clock as well as the status: the close job may be a moment late."""
    return ballot.status != AdvisoryStatus.closed and ballot.opens_at <= now < ballot.closes_at


def check_window(ballot: AdvisoryBallot, zone: dt.tzinfo) -> None:
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


def _lock_for_vote(session: Session, item_id: int) -> AdvisoryBallot:
    """The item's advisory ballot, locked, if the public can see the item: one statement."""
    row = session.exec(
        select(AdvisoryBallot, AgendaItem.closed_session, Meeting.status)
        .join(AgendaItem, col(AgendaItem.id) == col(AdvisoryBallot.item_id))
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(AdvisoryBallot.item_id == item_id)
        .with_for_update(of=AdvisoryBallot)
    ).first()
    if row is None or row[1] or row[2] == MeetingStatus.planned:
        raise Refused(404, gettext("Residents do not vote on this item."))
    return row[0]


def do_cast_advisory_vote(
    session: Session, user: User, item_id: int, choice: str, *, secret_key: str, zone: dt.tzinfo
) -> int:
    """Cast or change the resident's vote; the same choice again changes nothing. Returns the
    vote's id. Every vote runs this, so it is a handful of plain statements."""
    if choice not in CHOICES:
        raise Refused(400, gettext("Choose yes, no or abstain."))
    check_verified(user)
    ballot = _lock_for_vote(session, item_id)
    check_window(ballot, zone)
    assert ballot.id is not None
    key = voter_key(secret_key, ballot.id, user)
    votes = AdvisoryVote.__table__.c  # type: ignore[attr-defined]
    found = session.execute(
        select(votes.id, votes.choice, votes.voter_id).where(
            votes.ballot_id == ballot.id, votes.voter_key == key
        )
    ).first()
    if found is not None and found.choice == choice and found.voter_id == user.id:
        return int(found.id)
    totals = AdvisoryBallot.__table__.c  # type: ignore[attr-defined]
    changes = {}
    if found is None or found.choice != choice:
        changes[choice] = totals[choice] + 1
    if found is None:
        vote_id = session.execute(
            insert(AdvisoryVote)
            .values(
                ballot_id=ballot.id,
                voter_id=user.id,
                voter_key=key,
                choice=choice,
                cast_at=utcnow(),
            )
            .returning(votes.id)
        ).scalar_one()
        kind = "cast"
    else:
        vote_id, kind = found.id, "change"
        if found.choice != choice:
            changes[found.choice] = totals[found.choice] - 1
        session.execute(
            update(AdvisoryVote)
            .where(votes.id == vote_id)
            .values(choice=choice, voter_id=user.id, changed_at=utcnow())
        )
    audit.append(session, ballot, kind, {"vote": vote_id, "choice": choice}, **changes)
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
