"""Council meetings and decisions as feeds: iCalendar, Atom and CSV.

What the public sees is decided as in the meetings API (`voting.api`): published meetings
only (`PUBLIC_STATUSES`), never an item in closed session, the council's tally once the
ballot is closed, the residents' tally only when `advisory.shown_tally` allows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.api import absolute
from participation.database import utcnow
from participation.feeds import (
    AtomEntry,
    AtomFeed,
    CalendarEvent,
    Cell,
    atom_response,
    calendar_response,
    csv_response,
    uid_for,
)
from participation.i18n import current_language, format_datetime, gettext
from participation.web import settings_of
from voting import advisory, councils, queries, rules
from voting.actions import item_url, meeting_url
from voting.api import PUBLIC_STATUSES
from voting.item_ballots import advisory_ballots_of
from voting.models import (
    MEETING_TIME,
    AdvisoryBallot,
    AgendaItem,
    BallotStatus,
    CouncilBallot,
    Meeting,
    label,
)

# A calendar is fetched whole every few hours: meetings of the past year and all to come.
CALENDAR_PAST = dt.timedelta(days=366)
FEED_SIZE = 50
CSV_HEADER = (
    "meeting_id",
    "meeting",
    "date",
    "item_id",
    "item_number",
    "title",
    "outcome",
    "yes",
    "no",
    "abstain",
    "advisory_yes",
    "advisory_no",
    "advisory_abstain",
    "url",
)


# Meetings as iCalendar.


def _published_since(since: dt.datetime) -> list[ColumnElement[bool]]:
    return [col(Meeting.status).in_(PUBLIC_STATUSES), col(Meeting.starts_at) >= since]


def _events(request: Request, session: Session, meetings: list[Meeting]) -> list[CalendarEvent]:
    """One event per meeting, its public agenda in the description (one query for all)."""
    agendas: dict[int, list[AgendaItem]] = {}
    for item in queries.items_of(session, meetings):
        if not item.closed_session:
            agendas.setdefault(item.meeting_id, []).append(item)
    base_url = settings_of(request).base_url
    events = []
    for meeting in meetings:
        assert meeting.id is not None
        items = agendas.get(meeting.id, [])
        url = absolute(request, meeting_url(meeting.id))
        lines = [f"{item.position}. {item.title}" for item in items]
        agenda = "\n".join([gettext("Agenda:"), *lines]) if lines else ""
        # The last change of what the event shows: the meeting's own steps, an item added.
        changes = [meeting.created_at, meeting.published_at, meeting.started_at, meeting.ended_at]
        changes += [item.created_at for item in items]
        events.append(
            CalendarEvent(
                uid=uid_for(base_url, "meeting", meeting.id),
                starts_at=meeting.starts_at,
                ends_at=meeting.ended_at,
                summary=meeting.title,
                location=meeting.location,
                url=url,
                description="\n\n".join(part for part in (agenda, url) if part),
                stamp=max(moment for moment in changes if moment),
            )
        )
    return events


def _calendar(
    request: Request, name: str, conditions: Sequence[ColumnElement[bool]], filename: str
) -> Response:
    since = utcnow() - CALENDAR_PAST
    with auth.database(request).read() as session:
        meetings = list(
            session.exec(
                select(Meeting)
                .where(*_published_since(since), *conditions)
                .order_by(col(Meeting.starts_at), col(Meeting.id))
            )
        )
        events = _events(request, session, meetings)
    title = f"{name} · {settings_of(request).municipality_name}"
    return calendar_response(title, events, filename)


def meetings_ics(request: Request) -> Response:
    return _calendar(request, gettext("Council meetings"), [], "meetings.ics")


def council_meetings_ics(request: Request) -> Response:
    council_id: int = request.path_params["council_id"]
    with auth.database(request).read() as session:
        council = councils.get_council(session, council_id)  # 404 for an unknown council
    condition = col(Meeting.council_id) == council_id
    return _calendar(request, council.name, [condition], f"council-{council_id}-meetings.ics")


# Decisions: the closed council ballots of public items.


@dataclass(frozen=True)
class Decision:
    ballot: CouncilBallot
    item: AgendaItem
    meeting: Meeting
    residents: AdvisoryBallot | None

    @property
    def advice(self) -> rules.Tally | None:
        """The residents' tally, where the public may see it."""
        return advisory.shown_tally(self.residents) if self.residents else None

    @property
    def changed_at(self) -> dt.datetime:
        closes = [self.ballot.closed_at, self.residents.closed_at if self.residents else None]
        return max((moment for moment in closes if moment), default=self.meeting.starts_at)


def _decisions(session: Session, order: Sequence[object], limit: int | None) -> list[Decision]:
    statement = (
        select(CouncilBallot, AgendaItem, Meeting)
        .join(AgendaItem, col(AgendaItem.id) == col(CouncilBallot.item_id))
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(
            col(CouncilBallot.status) == BallotStatus.closed,
            col(AgendaItem.closed_session).is_(False),
            col(Meeting.status).in_(PUBLIC_STATUSES),
        )
        .order_by(*order)  # type: ignore[arg-type]
        .limit(limit)
    )
    rows = list(session.exec(statement))
    advice = advisory_ballots_of(session, [item.id for _b, item, _m in rows if item.id])
    return [
        Decision(ballot, item, meeting, advice.get(item.id or 0)) for ballot, item, meeting in rows
    ]


def _newest(decisions: list[Decision]) -> dt.datetime | None:
    """A closed ballot never changes again: the latest close dates the whole list. A
    residents' tally shown live while its vote runs changes with no time: then none."""
    live = any(d.residents and d.residents.closed_at is None and d.advice for d in decisions)
    return None if live else max((d.changed_at for d in decisions), default=None)


def _tally_text(decision: Decision, zone: dt.tzinfo) -> str:
    ballot = decision.ballot
    parts = [
        gettext("Yes: %(yes)d, no: %(no)d, abstain: %(abstain)d.")
        % {"yes": ballot.yes or 0, "no": ballot.no or 0, "abstain": ballot.abstain or 0}
    ]
    if decision.advice:
        parts.append(
            gettext("Residents' advisory vote: yes %(yes)d, no %(no)d, abstain %(abstain)d.")
            % decision.advice.as_dict()
        )
    parts.append(
        gettext("Meeting: %(meeting)s, %(when)s.")
        % {
            "meeting": decision.meeting.title,
            "when": format_datetime(decision.meeting.starts_at, zone, MEETING_TIME),
        }
    )
    return " ".join(parts)


def decisions_atom(request: Request) -> Response:
    """The latest decisions first, each with its outcome and tally."""
    settings = settings_of(request)
    order = (col(CouncilBallot.closed_at).desc(), col(CouncilBallot.id).desc())
    with auth.database(request).read() as session:
        decisions = _decisions(session, order, FEED_SIZE)
    entries = []
    for decision in decisions:
        url = absolute(request, item_url(decision.item.id or 0))
        outcome = label(decision.ballot.outcome) if decision.ballot.outcome else ""
        entries.append(
            AtomEntry(
                id=url,
                title=f"{outcome}: {decision.item.title}" if outcome else decision.item.title,
                link=url,
                updated=decision.changed_at,
                published=decision.changed_at,
                summary=_tally_text(decision, settings.zone),
            )
        )
    feed = AtomFeed(
        id=absolute(request, "/decisions.atom"),
        title=f"{gettext('Council decisions')} · {settings.municipality_name}",
        self_url=absolute(request, "/decisions.atom"),
        page_url=absolute(request, "/meetings"),
        language=current_language(),
        author=settings.municipality_name,
        entries=entries,
    )
    return atom_response(feed, _newest(decisions))


def _row(request: Request, decision: Decision, zone: dt.tzinfo) -> list[Cell]:
    ballot, item, meeting = decision.ballot, decision.item, decision.meeting
    advice = decision.advice
    return [
        meeting.id,
        meeting.title,
        meeting.starts_at.astimezone(zone).date().isoformat(),
        item.id,
        item.position,
        item.title,
        ballot.outcome,
        ballot.yes or 0,
        ballot.no or 0,
        ballot.abstain or 0,
        advice.yes if advice else None,
        advice.no if advice else None,
        advice.abstain if advice else None,
        absolute(request, item_url(item.id or 0)),
    ]


def decisions_csv(request: Request) -> Response:
    """Every public decision, by meeting (latest first) and agenda order. A municipality
    decides a few hundred items a year: the list is read at once, in one query per table."""
    zone = settings_of(request).zone
    order = (col(Meeting.starts_at).desc(), col(Meeting.id).desc(), col(AgendaItem.position))
    with auth.database(request).read() as session:
        decisions = _decisions(session, order, None)
    rows = [_row(request, decision, zone) for decision in decisions]
    return csv_response("decisions.csv", CSV_HEADER, rows, _newest(decisions))
