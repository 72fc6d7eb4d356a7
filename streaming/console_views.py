"""The chair's console: the session, attendance, the agenda with its current item and ballot,
the speakers' queue and the live settings, on one page for the chair or a clerk.

Every form is a plain POST answered by a 303 back with a flash. The console's own forms also
carry htmx attributes: htmx then gets the console back (with the message, or the refusal,
inside it) and swaps it in place. The forms that post to voting's endpoints (session,
check-in, ballot) stay plain POSTs. The speakers and current-item panels refresh themselves
when the live socket says the log grew (static/js/tablet.js).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.checks import Refused
from participation.database import utcnow
from participation.forms import Form
from participation.i18n import N_, gettext
from participation.models import User
from participation.web import form_of, is_htmx
from streaming import console as actions
from streaming.models import (
    OPEN_SPEAKER_STATUSES,
    LiveSession,
    SpeakerRequest,
    VideoKind,
    video_label,
)
from voting import ballots, forms, views
from voting.actions import (
    check_chair,
    check_clerk,
    get_item,
    get_meeting,
    is_clerk,
    members_in_office,
    present_mandate_ids,
)
from voting.ballot_views import done, render
from voting.item_ballots import council_ballot_of
from voting.models import AgendaItem, CouncilBallot, CouncilVote, Mandate, Meeting, label

# The speakers' form: what each button does and what it says once done. `request` with a
# `mandate_id` is the clerk queueing a member without a device.
SPEAKER_MESSAGES = {
    "request": N_("The request for the floor is on the queue."),
    "withdraw": N_("Your request for the floor is withdrawn."),
    "grant": N_("The member has the floor."),
    "next": N_("The next speaker has the floor."),
    "finish": N_("The speaker has finished."),
    "remove": N_("The request is taken off the queue."),
}


def console_url(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/console"


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    ballot: CouncilBallot | None


@dataclass(frozen=True)
class Queued:
    request: SpeakerRequest
    mandate: Mandate

    def elapsed(self, now: dt.datetime) -> int:
        """Seconds since the member got the floor."""
        started = self.request.started_at
        return int((now - started).total_seconds()) if started else 0


@dataclass(frozen=True)
class Console:
    meeting: Meeting
    is_clerk: bool
    live: LiveSession
    agenda: list[AgendaRow]
    current: AgendaRow | None
    voted: set[int]  # mandates that have voted on the current item's ballot
    present: list[Mandate]
    absent: list[Mandate]
    speaking: Queued | None
    waiting: list[Queued]

    @property
    def queued_ids(self) -> set[int]:
        speaking = [self.speaking] if self.speaking else []
        return {q.mandate.id or 0 for q in [*speaking, *self.waiting]}

    @property
    def voted_present(self) -> int:
        return len(self.voted & {m.id for m in self.present})


def queue_of(session: Session, meeting_id: int) -> tuple[Queued | None, list[Queued]]:
    """The member who has the floor, and those waiting, longest waiting first."""
    rows = session.exec(
        select(SpeakerRequest, Mandate)
        .join(Mandate, col(Mandate.id) == col(SpeakerRequest.mandate_id))
        .where(
            SpeakerRequest.meeting_id == meeting_id,
            col(SpeakerRequest.status).in_(OPEN_SPEAKER_STATUSES),
        )
        .order_by(col(SpeakerRequest.requested_at), col(SpeakerRequest.id))
    ).all()
    queued = [Queued(request, mandate) for request, mandate in rows]
    speaking = next((q for q in queued if q.request.status == "speaking"), None)
    return speaking, [q for q in queued if q is not speaking]


def live_of(session: Session, meeting_id: int) -> LiveSession:
    """The live row as stored, or its defaults before the first event (read-only)."""
    return session.get(LiveSession, meeting_id) or LiveSession(meeting_id=meeting_id)


def voters_of(session: Session, ballot: CouncilBallot | None) -> set[int]:
    if ballot is None:
        return set()
    return set(
        session.exec(select(CouncilVote.mandate_id).where(CouncilVote.ballot_id == ballot.id))
    )


def load_console(session: Session, meeting: Meeting, user: User) -> Console:
    assert meeting.id is not None
    items = session.exec(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    ).all()
    agenda = [AgendaRow(item, council_ballot_of(session, item.id or 0)) for item in items]
    live = live_of(session, meeting.id)
    current = next((row for row in agenda if row.item.id == live.current_item_id), None)
    present_ids = present_mandate_ids(session, meeting)
    in_office = members_in_office(session, meeting)
    speaking, waiting = queue_of(session, meeting.id)
    return Console(
        meeting=meeting,
        is_clerk=is_clerk(session, user),
        live=live,
        agenda=agenda,
        current=current,
        voted=voters_of(session, current.ballot if current else None),
        present=[m for m in in_office if m.id in present_ids],
        absent=[m for m in in_office if m.id not in present_ids],
        speaking=speaking,
        waiting=waiting,
    )


def minutes_and_seconds(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _meeting_id(request: Request) -> int:
    return views.path_id(request, "meeting_id")


def _page(
    request: Request, user: User, meeting_id: int, notice: str = "", error: str = ""
) -> Response:
    with auth.database(request).read() as session:
        meeting = get_meeting(session, meeting_id, user)
        check_chair(session, meeting, user)
        state = load_console(session, meeting, user)
    values: dict[str, Any] = {
        "console": state,
        "now": utcnow(),
        "clock": minutes_and_seconds,
        "video_label": video_label,
        "video_kinds": list(VideoKind),
        "notice": notice,
        "error": error,
        "back": console_url(meeting_id),
    }
    return render(request, "streaming/console.html", values)


def console(request: Request) -> Response:
    user = auth.require_user(request)
    return _page(request, user, _meeting_id(request))


def _act(
    request: Request,
    user: User,
    form: Form,
    meeting_id: int,
    act: Callable[[Session], object],
    message: str,
) -> Response:
    """Run the console action in one transaction; answer htmx with the console itself."""
    try:
        with auth.database(request).write() as session:
            act(session)
    except Refused as refused:
        if not is_htmx(request):
            raise
        return _page(request, user, meeting_id, error=refused.message)
    if is_htmx(request):
        return _page(request, user, meeting_id, notice=message)
    return done(request, form, message, console_url(meeting_id))


def _id_field(form: Form, name: str, message: str) -> int:
    raw = form.value(name).strip()
    if not raw.isdigit():
        raise Refused(400, gettext(message))
    return int(raw)


def current_item(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    item_id = _id_field(form, "item_id", N_("Choose an agenda item."))
    meeting_id = _meeting_id(request)
    return _act(
        request,
        user,
        form,
        meeting_id,
        lambda session: actions.do_set_current_item(session, user, meeting_id, item_id),
        gettext("The item is now under discussion."),
    )


def _speaker_action(
    form: Form, user: User, meeting_id: int, action: str
) -> Callable[[Session], object]:
    if action in ("grant", "remove"):
        request_id = _id_field(form, "request_id", N_("Choose a request for the floor."))
        act = actions.do_grant_floor if action == "grant" else actions.do_remove_request
        return lambda session: act(session, user, request_id)
    if action == "request":
        raw = form.value("mandate_id").strip()
        mandate_id = (
            _id_field(form, "mandate_id", N_("Choose one of the members.")) if raw else None
        )
        return lambda session: actions.do_request_floor(session, user, meeting_id, mandate_id)
    by_meeting = {
        "withdraw": actions.do_withdraw_request,
        "finish": actions.do_finish_speaker,
        "next": actions.do_next_speaker,
    }[action]
    return lambda session: by_meeting(session, user, meeting_id)


def speakers(request: Request) -> Response:
    """The speakers' queue: members ask and withdraw (tablet); the chair grants, moves on,
    finishes and removes (console)."""
    user = auth.require_user(request)
    form = form_of(request)
    action = form.choice("action", tuple(SPEAKER_MESSAGES))
    if not form.ok:
        raise Refused(400, gettext("Choose what to do with the speakers' queue."))
    meeting_id = _meeting_id(request)
    act = _speaker_action(form, user, meeting_id, action)
    return _act(request, user, form, meeting_id, act, gettext(SPEAKER_MESSAGES[action]))


def live_settings(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    kind = form.value("video_kind").strip() or VideoKind.none.value
    url = form.value("video_url").strip()
    raw_limit = form.value("speaking_limit_seconds").strip() or "0"
    if not raw_limit.isdigit():
        raise Refused(400, gettext("The speaking time is between 0 (no limit) and 3600 seconds."))
    limit = int(raw_limit)
    meeting_id = _meeting_id(request)
    return _act(
        request,
        user,
        form,
        meeting_id,
        lambda session: actions.do_update_live_settings(
            session, user, meeting_id, kind, url, limit
        ),
        gettext("The live settings are saved."),
    )


def _meeting_of_item(request: Request, user: User, item_id: int) -> int:
    with auth.database(request).read() as session:
        return get_item(session, item_id, user).meeting_id


def recorded_vote(request: Request) -> Response:
    """The clerk records the vote of a member present who has no device."""
    user = auth.require_user(request)
    with auth.database(request).read() as session:
        # Refused before anything about the item is read: only clerks record votes.
        check_clerk(session, user)
    form = form_of(request)
    choice = forms.parse_choice(form)
    mandate_id = _id_field(form, "mandate_id", N_("Choose one of the members."))
    if not form.ok:
        raise Refused(400, gettext("Choose yes, no or abstain."))
    item_id = views.path_id(request, "item_id")
    meeting_id = _meeting_of_item(request, user, item_id)
    message = gettext("The member's vote is recorded: %(choice)s.") % {"choice": label(choice)}
    return _act(
        request,
        user,
        form,
        meeting_id,
        lambda session: ballots.do_record_council_vote(session, user, item_id, mandate_id, choice),
        message,
    )
