"""Meetings and their agenda: the clerk builds them, the chair runs the session, members check in.

`check_*` decides whether the user may do it now; `do_*` does it in the caller's transaction.
Ballots are in `voting.ballots` (council) and `voting.advisory` (residents).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from participation.auth import roles_of
from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.i18n import gettext
from participation.models import Role, User
from voting.forms import ItemDraft, MeetingDraft
from voting.models import (
    AdvisoryBallot,
    AdvisoryStatus,
    AgendaItem,
    Attendance,
    BallotStatus,
    Council,
    CouncilBallot,
    Mandate,
    Meeting,
    MeetingStatus,
    Secrecy,
)

MUNICIPAL_COUNCIL = "Gemeenteraad"


def meeting_url(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}"


def item_url(item_id: int) -> str:
    return f"/items/{item_id}"


def is_clerk(session: Session, user: User | None) -> bool:
    return user is not None and user.id is not None and Role.clerk in roles_of(session, user.id)


def check_clerk(session: Session, user: User) -> None:
    if not is_clerk(session, user):
        raise Refused(403, gettext("Only a clerk can prepare meetings and their agenda."))


def default_council(session: Session) -> Council:
    """The municipal council: the first council there is, made on first use."""
    found = session.exec(
        select(Council).where(Council.kind == "council").order_by(col(Council.id))
    ).first()
    if found is None:
        found = Council(name=MUNICIPAL_COUNCIL)
        session.add(found)
        session.flush()
    return found


def get_meeting(session: Session, meeting_id: int, viewer: User | None = None) -> Meeting:
    """The meeting, if the viewer may see it: the public sees it once it is published."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or (not meeting.is_public and not is_clerk(session, viewer)):
        raise Refused(404, gettext("This meeting does not exist."))
    return meeting


def may_see_closed_items(session: Session, meeting: Meeting, viewer: User | None) -> bool:
    """Items in closed session are for the council's members and the clerks only."""
    if viewer is None or viewer.id is None:
        return False
    return is_clerk(session, viewer) or mandate_of(session, meeting, viewer.id) is not None


def get_item(session: Session, item_id: int, viewer: User | None = None) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is not None:
        meeting = session.get(Meeting, item.meeting_id)
        visible = meeting is not None and (meeting.is_public or is_clerk(session, viewer))
        if visible and item.closed_session:
            visible = meeting is not None and may_see_closed_items(session, meeting, viewer)
        if visible:
            return item
    raise Refused(404, gettext("This agenda item does not exist."))


def meeting_of(session: Session, item: AgendaItem) -> Meeting:
    meeting = session.get(Meeting, item.meeting_id)
    assert meeting is not None
    return meeting


def meeting_day(meeting: Meeting) -> dt.date:
    """Mandates are counted on the day of the meeting."""
    return meeting.starts_at.date()


def in_office_on(day: dt.date) -> ColumnElement[bool]:
    """Mandates that hold their seat on `day`: the query twin of `Mandate.in_office_on`."""
    return (col(Mandate.starts_on) <= day) & (
        col(Mandate.ends_on).is_(None) | (col(Mandate.ends_on) >= day)
    )


def _seated_at(meeting: Meeting) -> ColumnElement[bool]:
    """Mandates in the meeting's council on the day of the meeting."""
    return (col(Mandate.council_id) == meeting.council_id) & in_office_on(meeting_day(meeting))


def mandate_of(session: Session, meeting: Meeting, user_id: int) -> Mandate | None:
    """The user's seat in the meeting's council on the day of the meeting, if any."""
    return session.exec(
        select(Mandate).where(_seated_at(meeting), Mandate.user_id == user_id)
    ).first()


def seat_named_by_clerk(
    session: Session, clerk: User, meeting: Meeting, mandate_id: int
) -> Mandate:
    """The seat a clerk names for a member (one who has no device): it must be in the
    meeting's council on the day of the meeting."""
    check_clerk(session, clerk)
    mandate = session.get(Mandate, mandate_id)
    if (
        mandate is None
        or mandate.council_id != meeting.council_id
        or not mandate.in_office_on(meeting_day(meeting))
    ):
        raise Refused(404, gettext("This member does not sit on this council."))
    return mandate


def members_in_office(session: Session, meeting: Meeting) -> list[Mandate]:
    statement = select(Mandate).where(_seated_at(meeting))
    return list(session.exec(statement.order_by(col(Mandate.member_name))))


def present_mandate_ids(session: Session, meeting: Meeting) -> set[int]:
    """Members in office who checked in at this meeting."""
    statement = (
        select(Attendance.mandate_id)
        .join(Mandate, col(Mandate.id) == col(Attendance.mandate_id))
        .where(Attendance.meeting_id == meeting.id, _seated_at(meeting))
    )
    return set(session.exec(statement))


def do_create_meeting(session: Session, clerk: User, draft: MeetingDraft) -> Meeting:
    check_clerk(session, clerk)
    council_id = draft.council_id or default_council(session).id
    assert council_id is not None
    meeting = Meeting(
        council_id=council_id,
        title=draft.title,
        starts_at=draft.starts_at,
        location=draft.location,
    )
    session.add(meeting)
    session.flush()
    return meeting


def do_publish_meeting(session: Session, clerk: User, meeting_id: int) -> Meeting:
    check_clerk(session, clerk)
    meeting = get_meeting(session, meeting_id, clerk)
    if meeting.status == MeetingStatus.planned:
        meeting.status = MeetingStatus.published.value
        meeting.published_at = utcnow()
        session.add(meeting)
        publish(session, "meeting.published", meeting_id=meeting.id)
    return meeting


def check_agenda_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.closed:
        raise Refused(409, gettext("This meeting is closed; its agenda no longer changes."))


def _initial_status(opens_at: dt.datetime | None, closes_at: dt.datetime | None) -> BallotStatus:
    now = utcnow()
    if opens_at is None or closes_at is None or closes_at <= now:
        return BallotStatus.waiting
    return BallotStatus.pre_vote if opens_at <= now else BallotStatus.scheduled


def do_add_item(session: Session, clerk: User, meeting_id: int, draft: ItemDraft) -> AgendaItem:
    check_clerk(session, clerk)
    meeting = get_meeting(session, meeting_id, clerk)
    check_agenda_open(meeting)
    last = session.exec(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
    ).one()
    item = AgendaItem(
        meeting_id=meeting_id,
        position=(last or 0) + 1,
        title=draft.title,
        description=draft.description,
        closed_session=draft.closed_session,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    if draft.council_vote:
        opens_at, closes_at = draft.vote_opens_at, draft.vote_closes_at
        if opens_at or closes_at:
            opens_at, closes_at = opens_at or utcnow(), closes_at or meeting.starts_at
            if closes_at <= opens_at:
                raise Refused(409, gettext("The pre-vote window must close after it opens."))
        session.add(
            CouncilBallot(
                item_id=item.id,
                secrecy=(Secrecy.secret if draft.secret else Secrecy.named).value,
                status=_initial_status(opens_at, closes_at).value,
                opens_at=opens_at,
                closes_at=closes_at,
            )
        )
    if draft.advisory is not None:
        advisory = draft.advisory
        opened = advisory.opens_at <= utcnow() < advisory.closes_at
        session.add(
            AdvisoryBallot(
                item_id=item.id,
                question=advisory.question,
                opens_at=advisory.opens_at,
                closes_at=advisory.closes_at,
                results_visible=advisory.results_visible,
                status=(AdvisoryStatus.open if opened else AdvisoryStatus.scheduled).value,
            )
        )
    publish(session, "item.added", meeting_id=meeting_id, item_id=item.id)
    return item


def do_move_item(session: Session, clerk: User, item_id: int, direction: int) -> AgendaItem:
    """Swap the item with its neighbour above (-1) or below (+1); at either end, nothing."""
    check_clerk(session, clerk)
    item = get_item(session, item_id, clerk)
    check_agenda_open(get_meeting(session, item.meeting_id, clerk))
    order = col(AgendaItem.position)
    neighbour = session.exec(
        select(AgendaItem)
        .where(
            AgendaItem.meeting_id == item.meeting_id,
            order < item.position if direction < 0 else order > item.position,
        )
        .order_by(order.desc() if direction < 0 else order)
    ).first()
    if neighbour is not None:
        item.position, neighbour.position = neighbour.position, item.position
        session.add_all([item, neighbour])
    return item


def check_chair(session: Session, meeting: Meeting, user: User) -> None:
    """The meeting's chair or a clerk runs the session."""
    if meeting.chair_id != user.id and not is_clerk(session, user):
        raise Refused(403, gettext("Only the chair or a clerk can run this meeting."))


def do_start_session(session: Session, user: User, meeting_id: int) -> Meeting:
    meeting = get_meeting(session, meeting_id, user)
    check_chair(session, meeting, user)
    if meeting.status == MeetingStatus.closed:
        raise Refused(409, gettext("This meeting is closed."))
    if meeting.status != MeetingStatus.in_session:
        meeting.status = MeetingStatus.in_session.value
        meeting.started_at = meeting.started_at or utcnow()
        meeting.published_at = meeting.published_at or utcnow()
        session.add(meeting)
        publish(session, "meeting.started", meeting_id=meeting.id)
    return meeting


def _running_session(session: Session, user: User, meeting_id: int) -> Meeting:
    meeting = get_meeting(session, meeting_id, user)
    check_chair(session, meeting, user)
    if meeting.status != MeetingStatus.in_session:
        raise Refused(409, gettext("The session is not running."))
    return meeting


def do_pause_session(session: Session, user: User, meeting_id: int) -> Meeting:
    """The chair suspends the session: no vote opens until it resumes."""
    meeting = _running_session(session, user, meeting_id)
    if meeting.paused_at is not None:
        raise Refused(409, gettext("The session is already paused."))
    meeting.paused_at = utcnow()
    session.add(meeting)
    publish(session, "meeting.paused", meeting_id=meeting.id)
    return meeting


def do_resume_session(session: Session, user: User, meeting_id: int) -> Meeting:
    meeting = _running_session(session, user, meeting_id)
    if meeting.paused_at is None:
        raise Refused(409, gettext("The session is not paused."))
    meeting.paused_at = None
    session.add(meeting)
    publish(session, "meeting.resumed", meeting_id=meeting.id)
    return meeting


def do_end_session(session: Session, user: User, meeting_id: int) -> Meeting:
    meeting = get_meeting(session, meeting_id, user)
    check_chair(session, meeting, user)
    open_ballots = session.exec(
        select(func.count())
        .select_from(CouncilBallot)
        .join(AgendaItem, col(AgendaItem.id) == col(CouncilBallot.item_id))
        .where(AgendaItem.meeting_id == meeting_id, CouncilBallot.status == BallotStatus.open)
    ).one()
    if open_ballots:
        raise Refused(409, gettext("Close the open vote before you end the session."))
    if meeting.status != MeetingStatus.closed:
        meeting.status = MeetingStatus.closed.value
        meeting.ended_at = utcnow()
        meeting.paused_at = None  # a closed meeting is over, not suspended
        session.add(meeting)
        publish(session, "meeting.ended", meeting_id=meeting.id)
    return meeting


def do_check_in(
    session: Session, user: User, meeting_id: int, mandate_id: int | None = None
) -> Attendance:
    """A member registers their own presence; a clerk can register anyone's. Idempotent."""
    meeting = get_meeting(session, meeting_id, user)
    if meeting.status == MeetingStatus.closed:
        raise Refused(409, gettext("This meeting is closed."))
    assert user.id is not None
    recorded_by = None
    if mandate_id is None:
        own = mandate_of(session, meeting, user.id)
        if own is None or own.id is None:
            raise Refused(403, gettext("Only members of this council can check in."))
        mandate_id = own.id
    else:
        seat_named_by_clerk(session, user, meeting, mandate_id)
        recorded_by = user.id
    found = session.exec(
        select(Attendance).where(
            Attendance.meeting_id == meeting_id, Attendance.mandate_id == mandate_id
        )
    ).first()
    if found is None:
        found = Attendance(meeting_id=meeting_id, mandate_id=mandate_id, recorded_by_id=recorded_by)
        session.add(found)
        publish(session, "meeting.check_in", meeting_id=meeting_id, mandate_id=mandate_id)
    return found
