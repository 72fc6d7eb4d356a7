"""The chair's console and the members' tablets: the current item, the speakers' queue and the
live settings of a meeting.

`check_*` decides whether the user may do it now; `do_*` does it in the caller's transaction
and appends its events to the meeting's log (`streaming.log.append_event`), so the log and the
change commit together or not at all. Granting the floor while someone speaks appends two
events: the current speaker's `speaker.finished`, then `speaker.granted`. A change of the
speaking limit appends nothing: the limit is sent with each `speaker.granted`, and the live
page reads it from the snapshot.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from participation.checks import Refused
from participation.database import utcnow
from participation.i18n import N_, gettext
from participation.models import User
from streaming.log import append_event
from streaming.models import (
    OPEN_SPEAKER_STATUSES,
    LiveSession,
    SpeakerRequest,
    SpeakerStatus,
    VideoKind,
)
from voting.actions import (
    check_chair,
    get_meeting,
    mandate_of,
    present_mandate_ids,
    seat_named_by_clerk,
)
from voting.models import AgendaItem, Mandate, Meeting, MeetingStatus

# What the public log says instead of a closed-session item's title (translated when shown).
CLOSED_ITEM_TITLE = N_("Closed session item")
MAX_SPEAKING_LIMIT = 3600
_INSERTS: dict[str, Any] = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def live_row(session: Session, meeting_id: int) -> LiveSession:
    """The meeting's live row, made if missing. `append_event` upserts the same row with plain
    SQL, so an ORM insert here could collide with it: insert-or-ignore, then load it."""
    session.flush()
    connection = session.connection()
    fresh = LiveSession(meeting_id=meeting_id)
    values = {column.name: getattr(fresh, column.name) for column in LiveSession.__table__.columns}  # type: ignore[attr-defined]
    insert = _INSERTS[connection.dialect.name](LiveSession).values(values)
    connection.execute(insert.on_conflict_do_nothing(index_elements=["meeting_id"]))
    live = session.get(LiveSession, meeting_id, populate_existing=True)
    assert live is not None
    return live


def _running(session: Session, user: User, meeting_id: int) -> Meeting:
    """The meeting, run by this user (the chair or a clerk), in session."""
    meeting = get_meeting(session, meeting_id, user)
    check_chair(session, meeting, user)
    _check_in_session(meeting)
    return meeting


def _check_in_session(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.in_session:
        raise Refused(409, gettext("The session is not running."))


# The current item.


def check_set_current_item(
    session: Session, user: User, meeting_id: int, item_id: int
) -> AgendaItem:
    _running(session, user, meeting_id)
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise Refused(404, gettext("This agenda item does not exist."))
    return item


def do_set_current_item(session: Session, user: User, meeting_id: int, item_id: int) -> LiveSession:
    """Make the item the one under discussion; the same item again changes nothing."""
    item = check_set_current_item(session, user, meeting_id, item_id)
    live = live_row(session, meeting_id)
    if live.current_item_id == item.id:
        return live
    live.current_item_id = item.id
    session.add(live)
    # The log is public: a closed-session item is announced without its title.
    title = CLOSED_ITEM_TITLE if item.closed_session else item.title
    data = {"item_id": item.id, "number": item.position, "title": title}
    append_event(session, meeting_id, "item.current", data, item_id=item.id, actor_id=user.id)
    return live


# The speakers' queue.


def _append_speaker_event(
    session: Session, user: User, meeting_id: int, kind: str, data: dict[str, Any]
) -> None:
    """Who asks for and gets the floor while a closed-session item is current stays out of
    the public streams (the minutes show it to members and clerks)."""
    live = session.get(LiveSession, meeting_id)
    item = session.get(AgendaItem, live.current_item_id) if live and live.current_item_id else None
    public = item is None or not item.closed_session
    append_event(session, meeting_id, kind, data, actor_id=user.id, public=public)


def _speaker_data(request: SpeakerRequest, mandate: Mandate) -> dict[str, Any]:
    return {
        "request_id": request.id,
        "mandate_id": mandate.id,
        "name": mandate.member_name,
        "group": mandate.political_group,
    }


def _open_request(session: Session, meeting_id: int, mandate_id: int) -> SpeakerRequest | None:
    return session.exec(
        select(SpeakerRequest).where(
            SpeakerRequest.meeting_id == meeting_id,
            SpeakerRequest.mandate_id == mandate_id,
            col(SpeakerRequest.status).in_(OPEN_SPEAKER_STATUSES),
        )
    ).first()


def check_request_floor(
    session: Session, user: User, meeting_id: int, mandate_id: int | None = None
) -> tuple[Meeting, Mandate]:
    """A member present asks for themselves; a clerk may queue any member present
    (`mandate_id`), for one who has no device."""
    meeting = get_meeting(session, meeting_id, user)
    _check_in_session(meeting)
    assert user.id is not None
    if mandate_id is None:
        mandate = mandate_of(session, meeting, user.id)
        if mandate is None:
            raise Refused(403, gettext("Only members of this council can ask for the floor."))
    else:
        mandate = seat_named_by_clerk(session, user, meeting, mandate_id)
    if mandate.id not in present_mandate_ids(session, meeting):
        raise Refused(403, gettext("Check in at the meeting before you ask for the floor."))
    return meeting, mandate


def do_request_floor(
    session: Session, user: User, meeting_id: int, mandate_id: int | None = None
) -> SpeakerRequest:
    """Queue the member once: while a request is open, asking again returns it. Two taps at
    the same moment meet at the partial unique index; the loser returns the winner's row."""
    _, mandate = check_request_floor(session, user, meeting_id, mandate_id)
    assert mandate.id is not None
    found = _open_request(session, meeting_id, mandate.id)
    if found is not None:
        return found
    live = live_row(session, meeting_id)
    request = SpeakerRequest(
        meeting_id=meeting_id,
        mandate_id=mandate.id,
        item_id=live.current_item_id,
        recorded_by_id=user.id if mandate_id is not None else None,
    )
    try:
        with session.begin_nested():
            session.add(request)
    except IntegrityError:
        found = _open_request(session, meeting_id, mandate.id)
        assert found is not None
        return found
    data = _speaker_data(request, mandate)
    _append_speaker_event(session, user, meeting_id, "speaker.requested", data)
    return request


def do_withdraw_request(session: Session, user: User, meeting_id: int) -> SpeakerRequest:
    """The member takes back their own waiting request."""
    meeting = get_meeting(session, meeting_id, user)
    assert user.id is not None
    mandate = mandate_of(session, meeting, user.id)
    request = _open_request(session, meeting_id, mandate.id or 0) if mandate else None
    if request is None or request.status != SpeakerStatus.waiting:
        raise Refused(409, gettext("You have no request for the floor to withdraw."))
    return _close_request(session, user, request, SpeakerStatus.withdrawn)


def _close_request(
    session: Session, user: User, request: SpeakerRequest, status: SpeakerStatus
) -> SpeakerRequest:
    request.status = status.value
    request.ended_at = utcnow()
    session.add(request)
    kind = {
        SpeakerStatus.done: "speaker.finished",
        SpeakerStatus.withdrawn: "speaker.withdrawn",
        SpeakerStatus.removed: "speaker.removed",
    }[status]
    _append_speaker_event(session, user, request.meeting_id, kind, {"request_id": request.id})
    return request


def _request_run_by(session: Session, user: User, request_id: int) -> SpeakerRequest:
    """The request, in a meeting in session that the user runs."""
    request = session.get(SpeakerRequest, request_id)
    if request is None:
        raise Refused(404, gettext("This request for the floor does not exist."))
    _running(session, user, request.meeting_id)
    return request


def current_speaker(session: Session, meeting_id: int) -> SpeakerRequest | None:
    return session.exec(
        select(SpeakerRequest).where(
            SpeakerRequest.meeting_id == meeting_id,
            SpeakerRequest.status == SpeakerStatus.speaking,
        )
    ).first()


def _grant(session: Session, user: User, request: SpeakerRequest) -> SpeakerRequest:
    speaking = current_speaker(session, request.meeting_id)
    if speaking is not None:
        _close_request(session, user, speaking, SpeakerStatus.done)
    request.status = SpeakerStatus.speaking.value
    request.started_at = utcnow()
    session.add(request)
    mandate = session.get(Mandate, request.mandate_id)
    assert mandate is not None
    live = live_row(session, request.meeting_id)
    data = {**_speaker_data(request, mandate), "limit_seconds": live.speaking_limit_seconds}
    _append_speaker_event(session, user, request.meeting_id, "speaker.granted", data)
    return request


def do_grant_floor(session: Session, user: User, request_id: int) -> SpeakerRequest:
    """Give the member the floor; whoever was speaking has finished."""
    request = _request_run_by(session, user, request_id)
    if request.status == SpeakerStatus.speaking:
        return request
    if request.status != SpeakerStatus.waiting:
        raise Refused(409, gettext("This member is no longer waiting for the floor."))
    return _grant(session, user, request)


def do_finish_speaker(session: Session, user: User, meeting_id: int) -> SpeakerRequest:
    _running(session, user, meeting_id)
    speaking = current_speaker(session, meeting_id)
    if speaking is None:
        raise Refused(409, gettext("Nobody has the floor."))
    return _close_request(session, user, speaking, SpeakerStatus.done)


def do_remove_request(session: Session, user: User, request_id: int) -> SpeakerRequest:
    """The chair takes a request off the queue (or the floor from its speaker)."""
    request = _request_run_by(session, user, request_id)
    if request.status not in OPEN_SPEAKER_STATUSES:
        raise Refused(409, gettext("This request is no longer on the queue."))
    return _close_request(session, user, request, SpeakerStatus.removed)


def do_next_speaker(session: Session, user: User, meeting_id: int) -> SpeakerRequest:
    """The longest waiting member gets the floor."""
    _running(session, user, meeting_id)
    waiting = session.exec(
        select(SpeakerRequest)
        .where(
            SpeakerRequest.meeting_id == meeting_id,
            SpeakerRequest.status == SpeakerStatus.waiting,
        )
        .order_by(col(SpeakerRequest.requested_at), col(SpeakerRequest.id))
    ).first()
    if waiting is None:
        raise Refused(409, gettext("Nobody is waiting for the floor."))
    return _grant(session, user, waiting)


# Video and speaking time.


def check_live_settings(video_kind: str, video_url: str, speaking_limit_seconds: int) -> None:
    if video_kind not in tuple(VideoKind):
        raise Refused(400, gettext("Choose the kind of video."))
    if video_kind == VideoKind.none and video_url:
        raise Refused(400, gettext("Choose the kind of video for this address."))
    if video_kind != VideoKind.none and (
        not video_url.startswith("https://")
        or len(video_url) > 500
        or any(ch.isspace() for ch in video_url)
    ):
        raise Refused(400, gettext("The video address must be an https:// address."))
    if not 0 <= speaking_limit_seconds <= MAX_SPEAKING_LIMIT:
        raise Refused(400, gettext("The speaking time is between 0 (no limit) and 3600 seconds."))


def do_update_live_settings(
    session: Session,
    user: User,
    meeting_id: int,
    video_kind: str,
    video_url: str,
    speaking_limit_seconds: int,
) -> LiveSession:
    """The video shown on the live page and the speaking limit; any time before the end."""
    meeting = get_meeting(session, meeting_id, user)
    check_chair(session, meeting, user)
    check_live_settings(video_kind, video_url, speaking_limit_seconds)
    live = live_row(session, meeting_id)
    video_changed = (live.video_kind, live.video_url) != (video_kind, video_url)
    live.video_kind, live.video_url = video_kind, video_url
    live.speaking_limit_seconds = speaking_limit_seconds
    session.add(live)
    if video_changed:
        append_event(session, meeting_id, "video.changed", {}, actor_id=user.id)
    return live
