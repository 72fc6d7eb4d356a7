"""What the meeting pages show: the list of meetings, and a meeting's agenda with each item's
vote status, documents and the ideas and pacts it decides on, as far as the viewer may see.

Each query is bounded: a page of meetings, or the items of one meeting and their rows fetched
by item id in one query per table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, true
from sqlmodel import Session, col, select

from participation.i18n import N_, gettext
from participation.models import User
from voting import advisory, rules
from voting.actions import may_see_closed_items
from voting.documents import documents_of
from voting.item_ballots import advisory_ballots_of, council_ballots_of
from voting.loop import LinkedSubject, linked_subjects
from voting.models import (
    AdvisoryBallot,
    AdvisoryStatus,
    AgendaItem,
    Council,
    CouncilBallot,
    ItemDocument,
    Meeting,
    MeetingStatus,
)

PAGE_SIZE = 20

_ADVISORY_LABELS = {
    AdvisoryStatus.scheduled: N_("Residents' advisory vote not open yet"),
    AdvisoryStatus.open: N_("Residents' advisory vote open"),
    AdvisoryStatus.closed: N_("Residents' advisory vote closed"),
}


def advisory_label(status: str) -> str:
    return gettext(_ADVISORY_LABELS[AdvisoryStatus(status)])


@dataclass(frozen=True)
class MeetingPage:
    meetings: list[Meeting]
    upcoming: set[int]  # ids of the meetings on this page that are still to come (or running)
    councils: dict[int, Council]
    page: int
    has_next: bool


def _upcoming(now: dt.datetime) -> ColumnElement[bool]:
    """Still to come, or running now even if it started before `now`."""
    return (col(Meeting.starts_at) >= now) | (col(Meeting.status) == MeetingStatus.in_session)


def meetings_page(
    session: Session, now: dt.datetime, page: int, *, include_planned: bool
) -> MeetingPage:
    """One page of meetings: the upcoming ones soonest first, then the past ones latest first.

    The public sees published meetings; a clerk also sees the planned ones (drafts).
    """
    shown = true() if include_planned else col(Meeting.status) != MeetingStatus.planned
    upcoming = _upcoming(now)
    upcoming_count = session.exec(
        select(func.count()).select_from(Meeting).where(shown, upcoming)
    ).one()
    offset = (page - 1) * PAGE_SIZE
    wanted = PAGE_SIZE + 1  # one more tells whether there is a next page
    found: list[Meeting] = []
    if offset < upcoming_count:
        found += session.exec(
            select(Meeting)
            .where(shown, upcoming)
            .order_by(col(Meeting.starts_at), col(Meeting.id))
            .offset(offset)
            .limit(wanted)
        ).all()
    if len(found) < wanted:
        found += session.exec(
            select(Meeting)
            .where(shown, ~upcoming)
            .order_by(col(Meeting.starts_at).desc(), col(Meeting.id).desc())
            .offset(max(offset - upcoming_count, 0))
            .limit(wanted - len(found))
        ).all()
    meetings = found[:PAGE_SIZE]
    council_ids = {m.council_id for m in meetings}
    councils = {
        c.id or 0: c for c in session.exec(select(Council).where(col(Council.id).in_(council_ids)))
    }
    coming = {m.id for m in meetings if m.id is not None and _is_upcoming(m, now)}
    return MeetingPage(meetings, coming, councils, page, has_next=len(found) > PAGE_SIZE)


def _is_upcoming(meeting: Meeting, now: dt.datetime) -> bool:
    return meeting.starts_at >= now or meeting.status == MeetingStatus.in_session


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    ballot: CouncilBallot | None  # None: an item for information, without a council vote
    advisory: AdvisoryBallot | None
    advisory_tally: rules.Tally | None  # what the public may see of the residents' vote now
    documents: list[ItemDocument]
    links: list[LinkedSubject]


def visible_items(session: Session, meeting: Meeting, viewer: User | None) -> list[AgendaItem]:
    """The agenda in order; items in closed session only for the clerks and the members."""
    statement = select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    if not may_see_closed_items(session, meeting, viewer):
        statement = statement.where(col(AgendaItem.closed_session).is_(False))
    return list(session.exec(statement.order_by(col(AgendaItem.position), col(AgendaItem.id))))


def agenda_of(session: Session, meeting: Meeting, viewer: User | None) -> list[AgendaRow]:
    items = visible_items(session, meeting, viewer)
    ids = [item.id for item in items if item.id is not None]
    ballots = council_ballots_of(session, ids)
    advisories = advisory_ballots_of(session, ids)
    documents = documents_of(session, ids)
    links = linked_subjects(session, ids)
    rows = []
    for item in items:
        assert item.id is not None
        residents = advisories.get(item.id)
        rows.append(
            AgendaRow(
                item=item,
                ballot=ballots.get(item.id),
                advisory=residents,
                advisory_tally=advisory.shown_tally(residents) if residents else None,
                documents=documents[item.id],
                links=links[item.id],
            )
        )
    return rows


def people_names(session: Session, meeting: Meeting) -> dict[int, str]:
    """The display names of the meeting's chair and secretary."""
    ids = [i for i in (meeting.chair_id, meeting.secretary_id) if i is not None]
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids))).all()
    return {user_id: name for user_id, name in rows if user_id is not None}
