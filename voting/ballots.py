"""Council ballots: members vote before the meeting and in session; the chair opens and closes.

Every cast first locks the ballot row (PostgreSQL `FOR UPDATE`; SQLite's single writer does
the same), so that the window check, the one row per member and the audit link cannot race:
a double submit or fifty concurrent ones by one member end in exactly one vote.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import Session, col, select

from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.i18n import N_, format_datetime, gettext
from participation.models import User
from voting import audit, loop, rules, windows
from voting.actions import (
    check_chair,
    check_clerk,
    get_item,
    mandate_of,
    meeting_of,
    members_in_office,
    present_mandate_ids,
)
from voting.item_ballots import locked
from voting.models import (
    CHOICES,
    MEETING_TIME,
    RECUSED,
    BallotStatus,
    Basis,
    Council,
    CouncilBallot,
    CouncilVote,
    Meeting,
    MeetingStatus,
    Secrecy,
    SecretTally,
    Threshold,
    TieRule,
)

CLOSED_MESSAGE = N_("The vote on this item is closed; its result no longer changes.")


def lock_ballot(session: Session, item_id: int) -> CouncilBallot:
    ballot = locked(session, CouncilBallot, item_id)
    if ballot is None:
        raise Refused(404, gettext("The council does not vote on this item."))
    return ballot


def rules_of(council: Council) -> rules.Rules:
    return rules.Rules(
        basis=Basis(council.vote_basis),
        threshold=Threshold(council.vote_threshold),
        tie=TieRule(council.tie_rule),
        quorum_required=council.quorum_required,
    )


def _window_refusal(ballot: CouncilBallot, zone: dt.tzinfo) -> Refused:
    if ballot.status == BallotStatus.closed:
        return Refused(409, gettext(CLOSED_MESSAGE))
    if ballot.opens_at is None or ballot.closes_at is None:
        return Refused(
            409, gettext("Voting on this item opens at the meeting, when the chair opens the vote.")
        )
    return Refused(
        409,
        gettext(
            "Voting on this item is not open. The pre-vote runs from %(opens)s to "
            "%(closes)s; after that, at the meeting."
        )
        % {
            "opens": format_datetime(ballot.opens_at, zone, MEETING_TIME),
            "closes": format_datetime(ballot.closes_at, zone, MEETING_TIME),
        },
    )


def _in_pre_vote_window(ballot: CouncilBallot, now: dt.datetime) -> bool:
    """By the clock, not only the status: a vote a second after the close is refused even
    if the job that closes the window has not run yet."""
    return (
        ballot.status in (BallotStatus.scheduled, BallotStatus.pre_vote)
        and ballot.opens_at is not None
        and ballot.closes_at is not None
        and ballot.opens_at <= now < ballot.closes_at
    )


def check_can_vote(
    session: Session, ballot: CouncilBallot, meeting: Meeting, user: User, zone: dt.tzinfo
) -> int:
    """The mandate the user votes with, if the ballot takes their vote now."""
    assert user.id is not None
    mandate = mandate_of(session, meeting, user.id)
    if mandate is None or mandate.id is None:
        raise Refused(403, gettext("Only members of this council can vote on its agenda."))
    if ballot.status == BallotStatus.open:
        if mandate.id not in present_mandate_ids(session, meeting):
            raise Refused(403, gettext("Check in at the meeting before you vote."))
        return mandate.id
    if not _in_pre_vote_window(ballot, utcnow()):
        raise _window_refusal(ballot, zone)
    return mandate.id


def _check_choice(choice: str) -> None:
    if choice not in (*CHOICES, RECUSED):
        raise Refused(400, gettext("Choose yes, no or abstain."))


def do_cast_council_vote(
    session: Session, user: User, item_id: int, choice: str, zone: dt.tzinfo
) -> CouncilVote:
    """Cast or change the member's vote (`choice` may be RECUSED: a declared conflict of
    interest). Casting the same choice again changes nothing and adds no audit link."""
    _check_choice(choice)
    item = get_item(session, item_id, user)
    ballot = lock_ballot(session, item_id)
    meeting = meeting_of(session, item)
    mandate_id = check_can_vote(session, ballot, meeting, user, zone)
    return _cast(session, ballot, meeting, mandate_id, choice, None)


def do_record_council_vote(
    session: Session, clerk: User, item_id: int, mandate_id: int, choice: str
) -> CouncilVote:
    """The clerk records the vote of a member present without a device, in an open ballot;
    the vote is marked as recorded by the clerk."""
    check_clerk(session, clerk)
    _check_choice(choice)
    item = get_item(session, item_id, clerk)
    ballot = lock_ballot(session, item_id)
    meeting = meeting_of(session, item)
    if ballot.status != BallotStatus.open or meeting.status != MeetingStatus.in_session:
        raise Refused(409, gettext("A vote can be recorded only while the chair has it open."))
    if mandate_id not in present_mandate_ids(session, meeting):
        raise Refused(409, gettext("This member is not checked in at the meeting."))
    return _cast(session, ballot, meeting, mandate_id, choice, clerk.id)


def _cast(
    session: Session,
    ballot: CouncilBallot,
    meeting: Meeting,
    mandate_id: int,
    choice: str,
    recorded_by_id: int | None,
) -> CouncilVote:
    """Store the mandate's vote on the locked ballot, audit it and tell the live session."""
    assert ballot.id is not None
    vote = session.exec(
        select(CouncilVote).where(
            CouncilVote.ballot_id == ballot.id, CouncilVote.mandate_id == mandate_id
        )
    ).first()
    secret = ballot.secrecy == Secrecy.secret
    if vote is not None and secret and vote.choice != RECUSED:
        raise Refused(
            409, gettext("You have voted in this secret ballot; a secret vote cannot be changed.")
        )
    if vote is not None and vote.choice == choice:
        return vote
    kind = "cast" if vote is None else "change"
    stored_choice = None if secret and choice != RECUSED else choice
    if vote is None:
        vote = CouncilVote(ballot_id=ballot.id, mandate_id=mandate_id, choice=stored_choice)
    else:
        vote.choice, vote.changed_at = stored_choice, utcnow()
    vote.recorded_by_id = recorded_by_id
    session.add(vote)
    if secret and stored_choice is None:
        _add_to_secret_tally(session, ballot.id, choice)
    payload: dict[str, object] = {"mandate": mandate_id}
    if stored_choice is not None:
        payload["choice"] = stored_choice
    audit.append(session, ballot, "recuse" if choice == RECUSED else kind, payload)
    publish(session, "council_vote.cast", meeting_id=meeting.id, item_id=ballot.item_id)
    return vote


def _add_to_secret_tally(session: Session, ballot_id: int, choice: str) -> None:
    if session.get(SecretTally, ballot_id) is None:
        session.add(SecretTally(ballot_id=ballot_id))
        session.flush()
    column = getattr(SecretTally, choice)
    session.execute(
        update(SecretTally)
        .where(col(SecretTally.ballot_id) == ballot_id)
        .values({column: column + 1})
    )


def _check_session_ballot(
    session: Session, user: User, item_id: int
) -> tuple[CouncilBallot, Meeting, Council]:
    item = get_item(session, item_id, user)
    meeting = meeting_of(session, item)
    check_chair(session, meeting, user)
    ballot = lock_ballot(session, item_id)
    if ballot.status == BallotStatus.closed:
        raise Refused(409, gettext(CLOSED_MESSAGE))
    if meeting.status != MeetingStatus.in_session:
        raise Refused(409, gettext("Start the session before you open or close a vote."))
    council = session.get(Council, meeting.council_id)
    assert council is not None
    return ballot, meeting, council


def _check_quorum(session: Session, meeting: Meeting, council: Council) -> tuple[int, int]:
    in_office = len(members_in_office(session, meeting))
    present = len(present_mandate_ids(session, meeting))
    if not rules.has_quorum(rules_of(council), present, in_office):
        raise Refused(
            409,
            gettext(
                "There is no quorum: %(present)d of %(in_office)d members are present; "
                "%(needed)d are needed."
            )
            % {"present": present, "in_office": in_office, "needed": rules.quorum(in_office)},
        )
    return present, in_office


def do_open_ballot(session: Session, user: User, item_id: int) -> CouncilBallot:
    """The chair reopens the item's vote in session: members present may cast or change."""
    ballot, meeting, council = _check_session_ballot(session, user, item_id)
    if ballot.status == BallotStatus.open:
        return ballot
    if meeting.paused_at is not None:
        raise Refused(409, gettext("The session is paused; resume it before you open a vote."))
    _check_quorum(session, meeting, council)
    ballot.status = BallotStatus.open.value
    session.add(ballot)
    audit.append(session, ballot, "open", {})
    publish(session, "ballot.opened", meeting_id=meeting.id, item_id=item_id)
    return ballot


def tally_of(session: Session, ballot: CouncilBallot, counted: set[int]) -> rules.Tally:
    """A named ballot counts the votes of the members in `counted`; a secret one its totals."""
    if ballot.secrecy == Secrecy.secret:
        totals = session.get(SecretTally, ballot.id)
        return rules.Tally(totals.yes, totals.no, totals.abstain) if totals else rules.Tally()
    votes = session.exec(select(CouncilVote).where(CouncilVote.ballot_id == ballot.id))
    choices = [v.choice for v in votes if v.mandate_id in counted]
    return rules.Tally(choices.count("yes"), choices.count("no"), choices.count("abstain"))


def do_close_ballot(session: Session, user: User, item_id: int) -> CouncilBallot:
    """The chair closes the vote (confirming the pre-votes when it was not reopened).
    Only the votes of members present count; the result is stored and never changes."""
    ballot, meeting, council = _check_session_ballot(session, user, item_id)
    present, in_office = _check_quorum(session, meeting, council)
    present_ids = present_mandate_ids(session, meeting)
    tally = tally_of(session, ballot, present_ids)
    chair_choice = None
    if meeting.chair_id is not None:
        chair_mandate = mandate_of(session, meeting, meeting.chair_id)
        if chair_mandate is not None and ballot.secrecy == Secrecy.named:
            chair_vote = session.exec(
                select(CouncilVote).where(
                    CouncilVote.ballot_id == ballot.id, CouncilVote.mandate_id == chair_mandate.id
                )
            ).first()
            chair_choice = chair_vote.choice if chair_vote else None
    result = rules.outcome(
        rules_of(council), tally, present=present, in_office=in_office, chair_choice=chair_choice
    )
    ballot.status = BallotStatus.closed.value
    ballot.closed_at = utcnow()
    ballot.outcome = result.outcome.value
    ballot.yes, ballot.no, ballot.abstain = tally.yes, tally.no, tally.abstain
    ballot.present, ballot.in_office = present, in_office
    audit.append(
        session,
        ballot,
        "close",
        {
            "outcome": result.outcome.value,
            "tally": tally.as_dict(),
            "present": present,
            "in_office": in_office,
        },
    )
    publish(session, "ballot.closed", meeting_id=meeting.id, item_id=item_id)
    loop.notify_decision(session, item_id)
    return ballot


def apply_window_transitions(session: Session, now: dt.datetime) -> list[int]:
    """Open and close the pre-vote windows that are due (`voting.windows`): running twice
    changes nothing more. Returns the items whose ballot changed."""
    opened = windows.open_due(
        session, CouncilBallot, now, BallotStatus.scheduled, BallotStatus.pre_vote
    )
    running = (BallotStatus.scheduled, BallotStatus.pre_vote)
    closed = windows.close_due(session, CouncilBallot, now, running, BallotStatus.waiting)
    changed = [*opened, *closed]
    for item_id in changed:
        publish(session, "ballot.window", item_id=item_id)
    return changed
