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

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from participation.actions import check_verified
from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.i18n import format_datetime, gettext
from participation.models import User
from voting import audit, rules
from voting.actions import get_item, get_meeting
from voting.models import CHOICES, AdvisoryBallot, AdvisoryStatus, AdvisoryVote


def voter_key(secret_key: str, ballot_id: int, user: User) -> str:
    message = f"advisory:{ballot_id}:{user.email.lower()}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def lock_advisory(session: Session, item_id: int) -> AdvisoryBallot:
    ballot = session.exec(
        select(AdvisoryBallot).where(AdvisoryBallot.item_id == item_id).with_for_update()
    ).first()
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
        "opens": format_datetime(ballot.opens_at, zone),
        "closes": format_datetime(ballot.closes_at, zone),
    }
    if ballot.status == AdvisoryStatus.closed or utcnow() >= ballot.closes_at:
        message = gettext("The advisory vote closed on %(closes)s; your vote was not counted.")
    else:
        message = gettext("The advisory vote opens on %(opens)s and closes on %(closes)s.")
    raise Refused(409, message % times)


def do_cast_advisory_vote(
    session: Session, user: User, item_id: int, choice: str, *, secret_key: str, zone: dt.tzinfo
) -> AdvisoryVote:
    """Cast or change the resident's vote; the same choice again changes nothing."""
    if choice not in CHOICES:
        raise Refused(400, gettext("Choose yes, no or abstain."))
    check_verified(user)
    item = get_item(session, item_id, user)
    get_meeting(session, item.meeting_id, user)
    ballot = lock_advisory(session, item_id)
    check_window(ballot, zone)
    assert ballot.id is not None
    key = voter_key(secret_key, ballot.id, user)
    vote = session.exec(
        select(AdvisoryVote).where(
            AdvisoryVote.ballot_id == ballot.id, AdvisoryVote.voter_key == key
        )
    ).first()
    if vote is not None and vote.choice == choice and vote.voter_id == user.id:
        return vote
    if vote is None:
        vote = AdvisoryVote(ballot_id=ballot.id, voter_id=user.id, voter_key=key, choice=choice)
        kind = "cast"
    else:
        vote.choice, vote.voter_id, vote.changed_at = choice, user.id, utcnow()
        kind = "change"
    session.add(vote)
    session.flush()
    audit.append(session, ballot, kind, {"vote": vote.id, "choice": choice})
    publish(session, "advisory_vote.cast", item_id=item_id)
    return vote


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


def shown_tally(session: Session, ballot: AdvisoryBallot) -> rules.Tally | None:
    """The tally the public may see now: after the close, or live when the clerk chose so."""
    if ballot.status == AdvisoryStatus.closed and ballot.yes is not None:
        return rules.Tally(ballot.yes, ballot.no or 0, ballot.abstain or 0)
    if ballot.results_visible and ballot.id is not None:
        return count(session, ballot.id)
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
    """Open and close the advisory windows that are due. Each is a conditional update that
    only one run can win, so a job fired twice or on two workers does the work once."""
    opened = (
        session.execute(
            update(AdvisoryBallot)
            .where(
                col(AdvisoryBallot.status) == AdvisoryStatus.scheduled,
                col(AdvisoryBallot.opens_at) <= now,
                col(AdvisoryBallot.closes_at) > now,
            )
            .values(status=AdvisoryStatus.open.value)
            .returning(col(AdvisoryBallot.item_id))
        )
        .scalars()
        .all()
    )
    closing = (
        session.execute(
            update(AdvisoryBallot)
            .where(
                col(AdvisoryBallot.status).in_([AdvisoryStatus.scheduled, AdvisoryStatus.open]),
                col(AdvisoryBallot.closes_at) <= now,
            )
            .values(status=AdvisoryStatus.closed.value)
            .returning(col(AdvisoryBallot.id))
        )
        .scalars()
        .all()
    )
    closed = []
    for ballot_id in closing:
        ballot = session.exec(
            select(AdvisoryBallot).where(AdvisoryBallot.id == ballot_id).with_for_update()
        ).one()
        _close(session, ballot)
        closed.append(ballot.item_id)
    return [*opened, *closed]
