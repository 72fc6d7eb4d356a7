"""A council member's tablet during the session: check in, ask for the floor, and vote on the
current item while the chair has its ballot open.

The panel (`/meetings/{id}/tablet/panel`) is what changes during the session; the page asks
for it again when the live socket says the log grew (static/js/tablet.js). The script holds
a refresh back while the member is using a form in the panel, and each vote button is its own
small form posting to voting's endpoint, so that a refresh never undoes a choice: the panel
shows the vote as stored. Without JavaScript the page has a refresh link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.checks import Refused
from participation.database import utcnow
from participation.i18n import gettext
from participation.models import User
from participation.web import settings_of
from streaming.console_views import Queued, live_of, minutes_and_seconds, queue_of
from streaming.models import LiveSession
from voting import queries, views
from voting.actions import get_meeting, is_clerk, mandate_of, present_mandate_ids
from voting.ballot_views import render
from voting.item_ballots import council_ballot_of
from voting.models import AgendaItem, CouncilBallot, Mandate, Meeting


@dataclass(frozen=True)
class Tablet:
    meeting: Meeting
    mandate: Mandate | None  # None for a clerk who looks on
    present: bool
    live: LiveSession
    item: AgendaItem | None
    ballot: CouncilBallot | None
    member_vote: queries.MemberVote | None
    votes: queries.VoteList | None
    speaking: Queued | None
    waiting: list[Queued]

    @property
    def own_request(self) -> Queued | None:
        speaking = [self.speaking] if self.speaking else []
        return next(
            (q for q in [*speaking, *self.waiting] if q.mandate.id == self.mandate_id), None
        )

    @property
    def mandate_id(self) -> int | None:
        return self.mandate.id if self.mandate else None

    @property
    def place_in_queue(self) -> int:
        """1 for the longest waiting member; 0 when the member is not waiting."""
        ids = [q.mandate.id for q in self.waiting]
        return ids.index(self.mandate_id) + 1 if self.mandate_id in ids else 0


def load_tablet(session: Session, meeting: Meeting, user: User, request: Request) -> Tablet:
    assert meeting.id is not None
    assert user.id is not None
    mandate = mandate_of(session, meeting, user.id)
    if mandate is None and not is_clerk(session, user):
        raise Refused(403, gettext("This page is for the members of this council."))
    live = live_of(session, meeting.id)
    item = session.get(AgendaItem, live.current_item_id) if live.current_item_id else None
    ballot = council_ballot_of(session, item.id) if item and item.id else None
    member_vote = None
    if item is not None and ballot is not None and mandate is not None:
        zone = settings_of(request).zone
        member_vote = queries.member_vote(session, item, ballot, meeting, user, zone)
    speaking, waiting = queue_of(session, meeting.id)
    return Tablet(
        meeting=meeting,
        mandate=mandate,
        present=mandate is not None and mandate.id in present_mandate_ids(session, meeting),
        live=live,
        item=item,
        ballot=ballot,
        member_vote=member_vote,
        votes=queries.vote_list(session, ballot, meeting) if ballot else None,
        speaking=speaking,
        waiting=waiting,
    )


def _render(request: Request, name: str) -> Response:
    user = auth.require_user(request)
    meeting_id = views.path_id(request, "meeting_id")
    with auth.database(request).read() as session:
        meeting = get_meeting(session, meeting_id, user)
        state = load_tablet(session, meeting, user, request)
    values: dict[str, Any] = {
        "tablet": state,
        "now": utcnow(),
        "clock": minutes_and_seconds,
        "back": f"/meetings/{meeting_id}/tablet",
    }
    return render(request, name, values)


def tablet(request: Request) -> Response:
    return _render(request, "streaming/tablet.html")


def tablet_panel(request: Request) -> Response:
    return _render(request, "streaming/_tablet_panel.html")
