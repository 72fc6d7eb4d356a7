"""The council member's dashboard, and the session controls it shares with the item page:
the chair starts and ends the session, members check in (a clerk can register anyone)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.checks import Refused
from participation.database import utcnow
from participation.i18n import N_, gettext
from participation.models import Role, User
from participation.web import form_of, settings_of
from voting import actions, documents, queries, views
from voting.ballot_views import done, render
from voting.models import Meeting

DASHBOARD_URL = "/council"
# What the chair's session buttons do, and what they say once done.
SESSION_STEPS: dict[str, tuple[Callable[[Session, User, int], Meeting], str]] = {
    "start": (actions.do_start_session, N_("The session has started. Members can check in.")),
    "pause": (actions.do_pause_session, N_("The session is paused.")),
    "resume": (actions.do_resume_session, N_("The session has resumed.")),
    "end": (actions.do_end_session, N_("The session has ended.")),
}


def dashboard(request: Request) -> Response:
    """Upcoming meetings, what awaits my vote, my votes, the documents, past decisions."""
    user = auth.require_user(request)
    clerk = auth.has_role(request, Role.clerk)
    if not clerk and not auth.has_role(request, Role.council_member):
        raise Refused(403, gettext("This page is for council members and clerks."))
    assert user.id is not None
    zone = settings_of(request).zone
    with auth.database(request).read() as session:
        mandates = queries.mandates_of(session, user.id)
        meetings = queries.upcoming_meetings(session, mandates, clerk, utcnow())
        controls = [queries.session_controls(session, meeting, user) for meeting in meetings]
        items = queries.items_of(session, meetings)
        states = [
            queries.member_vote(session, row.item, row.ballot, row.meeting, user, zone)
            for row in queries.ballots_on(session, meetings)
        ]
        by_item = documents.documents_of(session, [i.id for i in items if i.id is not None])
        past = queries.past_decisions(session, mandates, clerk)
    mine = [state for state in states if state is not None]
    values = {
        "meetings": list(zip(meetings, controls, strict=True)),
        "meeting_by_id": {meeting.id: meeting for meeting in meetings},
        "awaiting": [state for state in mine if state.awaiting],
        "my_votes": [state for state in mine if state.voted],
        "documents": [(i, by_item[i.id or 0]) for i in items if by_item.get(i.id or 0)],
        "past": past,
        "back": DASHBOARD_URL,
    }
    return render(request, "voting/dashboard.html", values)


def _meeting_id(request: Request) -> int:
    return views.path_id(request, "meeting_id")


def meeting_session(request: Request) -> Response:
    """The chair (or a clerk) starts, pauses, resumes or ends the session."""
    user = auth.require_user(request)
    form = form_of(request)
    action = form.choice("action", tuple(SESSION_STEPS))
    if not form.ok:
        raise Refused(400, gettext("Choose to start, pause, resume or end the session."))
    act, message = SESSION_STEPS[action]
    meeting_id = _meeting_id(request)
    with auth.database(request).write() as session:
        act(session, user, meeting_id)
    return done(request, form, gettext(message), actions.meeting_url(meeting_id))


def check_in(request: Request) -> Response:
    """A member registers their own presence; a clerk may register a member by `mandate_id`."""
    user = auth.require_user(request)
    form = form_of(request)
    raw = form.value("mandate_id").strip()
    if raw and not raw.isdigit():
        raise Refused(400, gettext("Choose one of the members."))
    meeting_id = _meeting_id(request)
    with auth.database(request).write() as session:
        actions.do_check_in(session, user, meeting_id, int(raw) if raw else None)
    if raw:
        message = gettext("The member's presence is registered.")
    else:
        message = gettext("You are checked in.")
    return done(request, form, message, actions.meeting_url(meeting_id))
