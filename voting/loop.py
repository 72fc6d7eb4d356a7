"""Closing the loop: an agenda item names the ideas and pacts it decides on, their pages show
the decision, and their followers hear about it when the council has voted.

Voting knows the linked content only by its content-type name and id, through the content
registry (`participation.content`), and answers the pages' question "which decisions concern
this subject?" through `participation.decisions`: no import of the ideas package either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from participation.checks import Refused
from participation.content import content_type
from participation.database import utcnow
from participation.decisions import Counts, Decision
from participation.events import publish
from participation.i18n import gettext
from participation.models import User
from participation.notifications import notify_followers
from participation.visibility import hidden_state
from voting import advisory
from voting.actions import check_clerk, get_item, item_url
from voting.item_ballots import advisory_ballots_of, council_ballot_of, council_ballots_of
from voting.models import (
    AdvisoryBallot,
    AdvisoryStatus,
    AgendaItem,
    BallotStatus,
    CouncilBallot,
    ItemLink,
    Meeting,
    MeetingStatus,
    Outcome,
)

LINKABLE = ("idea", "pact")
DECISION_KIND = "council_decision"


@dataclass(frozen=True)
class LinkedSubject:
    subject: str
    subject_id: int
    title: str
    url: str


def do_link_item(
    session: Session, clerk: User, item_id: int, subject: str, subject_id: int
) -> ItemLink:
    """The clerk says that the item decides on this idea or pact. Idempotent."""
    check_clerk(session, clerk)
    get_item(session, item_id, clerk)
    kind = content_type(subject) if subject in LINKABLE else None
    if kind is None:
        raise Refused(400, gettext("An agenda item can decide on an idea or a pact."))
    if kind.title(session, subject_id) is None:
        raise Refused(
            404, gettext("There is no %(kind)s with this number.") % {"kind": kind.label()}
        )
    found = session.exec(
        select(ItemLink).where(
            ItemLink.item_id == item_id,
            ItemLink.subject == subject,
            ItemLink.subject_id == subject_id,
        )
    ).first()
    if found is None:
        found = ItemLink(item_id=item_id, subject=subject, subject_id=subject_id)
        session.add(found)
        session.flush()
        publish(session, "item.linked", item_id=item_id, subject=subject, subject_id=subject_id)
    return found


def linked_subjects(session: Session, item_ids: Iterable[int]) -> dict[int, list[LinkedSubject]]:
    """What each item decides on, with the title and page of each linked subject; a subject
    whose content type is not installed, or that no longer exists, is left out."""
    wanted = list(item_ids)
    found: dict[int, list[LinkedSubject]] = {item_id: [] for item_id in wanted}
    if not wanted:
        return found
    statement = select(ItemLink).where(col(ItemLink.item_id).in_(wanted)).order_by(col(ItemLink.id))
    for link in session.exec(statement).all():
        kind = content_type(link.subject)
        title = kind.title(session, link.subject_id) if kind else None
        # Content a moderator hid is not shown beside the decision either.
        hidden = hidden_state(session, link.subject, link.subject_id) is not None
        if kind is not None and title is not None and not hidden:
            found[link.item_id].append(
                LinkedSubject(link.subject, link.subject_id, title, kind.url(link.subject_id))
            )
    return found


def _council_result(ballot: CouncilBallot | None) -> tuple[str | None, Counts | None]:
    if ballot is None or ballot.status != BallotStatus.closed or ballot.outcome is None:
        return None, None
    return ballot.outcome, Counts(ballot.yes or 0, ballot.no or 0, ballot.abstain or 0)


def _decision(
    item: AgendaItem,
    meeting: Meeting,
    ballot: CouncilBallot | None,
    residents: AdvisoryBallot | None,
) -> Decision:
    outcome, tally = _council_result(ballot)
    advice = open_until = None
    if residents is not None:
        if residents.status == AdvisoryStatus.closed:
            advice = Counts(residents.yes, residents.no, residents.abstain)
        elif advisory.is_open(residents, utcnow()):
            open_until = residents.closes_at
    assert item.id is not None
    return Decision(
        item_title=item.title,
        item_url=item_url(item.id),
        meeting_title=meeting.title,
        meeting_starts_at=meeting.starts_at,
        council_outcome=outcome,
        council_tally=tally,
        advisory_tally=advice,
        advisory_open_until=open_until,
    )


def decisions(session: Session, subject: str, subject_id: int) -> list[Decision]:
    """The public agenda items that decide on the subject (the provider registered with
    `participation.decisions`): items of published meetings, never those in closed session."""
    rows = session.exec(
        select(AgendaItem, Meeting)
        .join(ItemLink, col(ItemLink.item_id) == col(AgendaItem.id))
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(
            ItemLink.subject == subject,
            ItemLink.subject_id == subject_id,
            Meeting.status != MeetingStatus.planned,
            col(AgendaItem.closed_session).is_(False),
        )
    ).all()
    if not rows:
        return []
    item_ids = [item.id for item, _meeting in rows if item.id is not None]
    ballots = council_ballots_of(session, item_ids)
    advisories = advisory_ballots_of(session, item_ids)
    return [
        _decision(item, meeting, ballots.get(item.id or 0), advisories.get(item.id or 0))
        for item, meeting in rows
    ]


def notify_decision(session: Session, item_id: int) -> int:
    """Tell the followers of every idea and pact the item decides on what the council decided,
    with a link to the item. Called when the ballot closes, in the same transaction, so a close
    that rolls back tells no one. Returns how many notifications were written."""
    item = session.get(AgendaItem, item_id)
    meeting = session.get(Meeting, item.meeting_id) if item else None
    if item is None or meeting is None or not meeting.is_public or item.closed_session:
        return 0
    outcome, tally = _council_result(council_ballot_of(session, item_id))
    if outcome is None or tally is None:
        return 0
    values = {"title": item.title, "yes": tally.yes, "no": tally.no, "abstain": tally.abstain}

    def message() -> str:
        if outcome == Outcome.approved:
            text = gettext(
                "The council approved “%(title)s”: %(yes)d yes, %(no)d no, %(abstain)d abstain."
            )
        else:
            text = gettext(
                "The council rejected “%(title)s”: %(yes)d yes, %(no)d no, %(abstain)d abstain."
            )
        return text % values

    links = session.exec(
        select(ItemLink).where(ItemLink.item_id == item_id).order_by(col(ItemLink.id))
    ).all()
    return sum(
        notify_followers(
            session,
            subject=link.subject,
            subject_id=link.subject_id,
            kind=DECISION_KIND,
            link=item_url(item_id),
            message=message,
        )
        for link in links
    )
