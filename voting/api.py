"""Meetings as open data: published meetings, their public agenda, and each item's council and
advisory results. Closed-session items never appear here, whoever asks; tallies of an advisory
vote only once the public may see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import JSONResponse

from participation import auth
from participation.api import ApiError, absolute, iso, next_link, page_limit
from participation.paging import whole_number
from participation.profiles import public_names
from voting import advisory, loop, queries
from voting.actions import meeting_url
from voting.documents import documents_of
from voting.item_ballots import advisory_ballots_of, council_ballots_of
from voting.models import (
    RECUSED,
    AdvisoryBallot,
    AdvisoryStatus,
    AgendaItem,
    BallotStatus,
    Council,
    CouncilBallot,
    CouncilQuestion,
    ItemDocument,
    Meeting,
    MeetingStatus,
    Secrecy,
)
from voting.question_queries import question_url

PUBLIC_STATUSES = tuple(s.value for s in MeetingStatus if s != MeetingStatus.planned)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _api_url(request: Request, meeting_id: int) -> str:
    return absolute(request, f"/api/v1/meetings/{meeting_id}")


def _encode_cursor(meeting: Meeting) -> str:
    """Opaque to clients: the last meeting's start (microseconds since 1970) and id."""
    micros = (meeting.starts_at - _EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}.{meeting.id}"


def _decode_cursor(raw: str) -> tuple[dt.datetime, int] | None:
    if not raw:
        return None
    pieces = raw.split(".")
    if len(pieces) != 2 or not all(p.lstrip("-").isdigit() and len(p) < 20 for p in pieces):
        raise ApiError(400, "invalid_cursor", "cursor must be a value from a next link")
    try:
        starts_at = _EPOCH + dt.timedelta(microseconds=int(pieces[0]))
    except OverflowError:
        raise ApiError(400, "invalid_cursor", "cursor must be a value from a next link") from None
    return starts_at, int(pieces[1])


def _list_filter(request: Request) -> list[Any]:
    params = request.query_params
    conditions: list[Any] = [col(Meeting.status).in_(PUBLIC_STATUSES)]
    council = params.get("council_id", "")
    if council:
        if whole_number(council) is None:
            raise ApiError(400, "invalid_council", "council_id must be a council id")
        conditions.append(col(Meeting.council_id) == int(council))
    status = params.get("status", "")
    if status:
        if status not in PUBLIC_STATUSES:
            allowed = ", ".join(PUBLIC_STATUSES)
            raise ApiError(400, "invalid_status", f"status must be one of {allowed}")
        conditions.append(col(Meeting.status) == status)
    after = _decode_cursor(request.query_params.get("cursor", ""))
    if after is not None:
        starts_at, meeting_id = after
        conditions.append(
            or_(
                col(Meeting.starts_at) < starts_at,
                and_(col(Meeting.starts_at) == starts_at, col(Meeting.id) < meeting_id),
            )
        )
    return conditions


def _summary(request: Request, meeting: Meeting, council: Council | None) -> dict[str, Any]:
    assert meeting.id is not None
    return {
        "id": meeting.id,
        "title": meeting.title,
        "starts_at": iso(meeting.starts_at),
        "location": meeting.location,
        "status": meeting.status,
        "council": {"id": council.id, "name": council.name} if council else None,
        "url": absolute(request, meeting_url(meeting.id)),
        "api_url": _api_url(request, meeting.id),
    }


def meetings(request: Request) -> JSONResponse:
    """Published meetings, the latest start first, paged by (start, id) along their index."""
    limit = page_limit(request)
    conditions = _list_filter(request)
    with auth.database(request).read() as session:
        found = list(
            session.exec(
                select(Meeting)
                .where(*conditions)
                .order_by(col(Meeting.starts_at).desc(), col(Meeting.id).desc())
                .limit(limit + 1)
            )
        )
        council_ids = {m.council_id for m in found}
        councils = {
            c.id: c for c in session.exec(select(Council).where(col(Council.id).in_(council_ids)))
        }
    page = found[:limit]
    more = _encode_cursor(page[-1]) if len(found) > limit else None
    items = [_summary(request, m, councils.get(m.council_id)) for m in page]
    return JSONResponse({"items": items, "next": next_link(request, more)})


def _named_votes(votes: queries.VoteList) -> list[dict[str, Any]]:
    """Each counted member's choice (those present at the close), then each recusal."""
    return [
        {"member": voter.name, "political_group": voter.group, "choice": choice}
        for choice, voters in [*votes.by_choice, (RECUSED, votes.recused)]
        for voter in voters
    ]


def _council_vote(
    ballot: CouncilBallot | None, votes: dict[int, queries.VoteList]
) -> dict[str, Any] | None:
    if ballot is None:
        return None
    closed = ballot.status == BallotStatus.closed
    named = closed and ballot.secrecy == Secrecy.named
    return {
        "status": ballot.status,
        "secrecy": ballot.secrecy,
        "opens_at": iso(ballot.opens_at),
        "closes_at": iso(ballot.closes_at),
        "closed_at": iso(ballot.closed_at),
        "tally": (
            {"yes": ballot.yes or 0, "no": ballot.no or 0, "abstain": ballot.abstain or 0}
            if closed
            else None
        ),
        "outcome": ballot.outcome if closed else None,
        "present": ballot.present if closed else None,
        "in_office": ballot.in_office if closed else None,
        "votes": _named_votes(votes[ballot.id or 0]) if named else None,
        "audit_head": ballot.chain_head or None,
    }


def _advisory_vote(session: Session, ballot: AdvisoryBallot | None) -> dict[str, Any] | None:
    if ballot is None:
        return None
    tally = advisory.shown_tally(ballot)
    closed = ballot.status == AdvisoryStatus.closed
    return {
        "question": ballot.question,
        "status": ballot.status,
        "opens_at": iso(ballot.opens_at),
        "closes_at": iso(ballot.closes_at),
        "tally": tally.as_dict() if tally else None,
        "audit_head": (ballot.chain_head or None) if closed else None,
    }


def _document(request: Request, document: ItemDocument) -> dict[str, Any]:
    url = document.url or absolute(request, f"/documents/{document.id}")
    return {"title": document.title, "url": url}


def _questions(
    request: Request, session: Session, item_ids: list[int]
) -> dict[int, dict[str, Any]]:
    """The resident's question of each question item. The asker is named only if they agreed
    on the form (`name_shown`); the API never carries who asked otherwise."""
    found = list(
        session.exec(select(CouncilQuestion).where(col(CouncilQuestion.item_id).in_(item_ids)))
    )
    names = public_names(session, {q.author_id for q in found if q.author_id and q.name_shown})
    return {
        q.item_id: {
            "id": q.id,
            "title": q.title,
            "text": q.question,
            "status": q.status,
            "asker": names.get(q.author_id) if q.author_id else None,
            "answer": q.answer or None,
            "answered_at": iso(q.answered_at),
            "answer_seconds": q.answer_seconds,
            "url": absolute(request, question_url(q.id or 0)),
        }
        for q in found
        if q.item_id is not None
    }


def _items(request: Request, session: Session, meeting: Meeting) -> list[dict[str, Any]]:
    items = list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, col(AgendaItem.closed_session).is_(False))
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        )
    )
    ids = [item.id for item in items if item.id is not None]  # each table is read once
    documents = documents_of(session, ids)
    ballots = council_ballots_of(session, ids)
    named = [b for b in ballots.values() if b.secrecy == Secrecy.named]
    votes = queries.vote_lists(session, meeting, named)
    advisories = advisory_ballots_of(session, ids)
    links = loop.linked_subjects(session, ids)
    questions = _questions(request, session, ids)
    return [
        {
            "id": item.id,
            "number": item.position,
            "title": item.title,
            "description": item.description,
            "documents": [_document(request, d) for d in documents.get(item.id or 0, [])],
            "links": [
                {
                    "subject": link.subject,
                    "subject_id": link.subject_id,
                    "title": link.title,
                    "url": absolute(request, link.url),
                }
                for link in links.get(item.id or 0, [])
            ],
            "council_vote": _council_vote(ballots.get(item.id or 0), votes),
            "advisory_vote": _advisory_vote(session, advisories.get(item.id or 0)),
            "kind": item.kind,
            "question": questions.get(item.id or 0),
        }
        for item in items
    ]


def meeting(request: Request) -> JSONResponse:
    with auth.database(request).read() as session:
        found = session.get(Meeting, request.path_params["meeting_id"])
        if found is None or not found.is_public:
            raise ApiError(404, "not_found", "no published meeting with this id")
        council = session.get(Council, found.council_id)
        data = _summary(request, found, council)
        data["items"] = _items(request, session, found)
    return JSONResponse(data)
