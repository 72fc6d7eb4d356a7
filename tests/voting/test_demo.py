"""The demo council: loading it twice changes nothing, and it holds what the demo promises."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select
from starlette.testclient import TestClient

from participation.database import Database, utcnow
from participation.demo import load_demo
from participation.features import feature_modules
from voting import audit
from voting.actions import default_council, members_in_office
from voting.demo import PAST_TITLE, UPCOMING_TITLE
from voting.models import AdvisoryBallot, AgendaItem, CouncilBallot, ItemLink, Mandate, Meeting

BASE = "http://testserver"


def row_counts(db: Database) -> dict[str, int]:
    """How many rows each table of every package holds."""
    feature_modules("models")
    with db.read() as session:
        return {
            table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
        }


def meeting_titled(session: Session, title: str) -> tuple[Meeting, list[AgendaItem]]:
    meeting = session.exec(select(Meeting).where(Meeting.title == title)).one()
    statement = select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    return meeting, list(session.exec(statement.order_by(col(AgendaItem.position))))


def ballots_of(session: Session, items: list[AgendaItem]) -> list[CouncilBallot]:
    ids = [item.id for item in items]
    statement = select(CouncilBallot).where(col(CouncilBallot.item_id).in_(ids))
    return list(session.exec(statement.order_by(col(CouncilBallot.item_id))))


def advisories_of(session: Session, items: list[AgendaItem]) -> list[AdvisoryBallot]:
    ids = [item.id for item in items]
    return list(session.exec(select(AdvisoryBallot).where(col(AdvisoryBallot.item_id).in_(ids))))


def test_loading_twice_changes_nothing_and_seats_nine_members(db: Database) -> None:
    load_demo(db)
    first = row_counts(db)
    load_demo(db)
    assert row_counts(db) == first
    assert first["meetings"] == 2
    with db.read() as session:
        council = default_council(session)
        mandates = list(session.exec(select(Mandate).where(Mandate.council_id == council.id)))
        past, _items = meeting_titled(session, PAST_TITLE)
        upcoming, _items = meeting_titled(session, UPCOMING_TITLE)
        sitting = [len(members_in_office(session, m)) for m in (past, upcoming)]
    assert len(mandates) == 9
    assert sitting == [9, 9]  # the demo account too sat at the past meeting
    assert len({m.political_group for m in mandates}) == 4
    assert "Rik Raadslid" in {m.member_name for m in mandates}


def test_a_past_meeting_with_results_and_an_upcoming_one_open_to_votes(
    client: TestClient, db: Database
) -> None:
    load_demo(db)
    now = utcnow()
    with db.read() as session:
        past, past_items = meeting_titled(session, PAST_TITLE)
        past_ballots = ballots_of(session, past_items)
        [past_advice] = advisories_of(session, past_items)
        links = session.exec(select(ItemLink).where(ItemLink.item_id == past_items[0].id)).all()
        upcoming, upcoming_items = meeting_titled(session, UPCOMING_TITLE)
        upcoming_ballots = ballots_of(session, upcoming_items)
        [open_advice] = advisories_of(session, upcoming_items)
        verified = audit.verify(session)
    assert verified.breaks == []

    assert past.status == "closed"
    assert dt.timedelta(days=13) < now - past.starts_at < dt.timedelta(days=15)
    assert len(past_items) == 5
    assert [b.status for b in past_ballots] == ["closed"] * 4
    assert {b.outcome for b in past_ballots} == {"approved", "rejected"}
    assert {(b.present, b.in_office) for b in past_ballots} == {(8, 9)}
    assert all(b.closed_at and b.closed_at > past.starts_at for b in past_ballots)
    assert past_advice.status == "closed"
    assert past_advice.closes_at <= past.starts_at
    assert (past_advice.yes or 0) > 0
    assert [link.subject for link in links] == ["idea"]

    assert upcoming.status == "published"
    assert dt.timedelta(days=9) < upcoming.starts_at - now < dt.timedelta(days=11)
    assert len(upcoming_items) == 6
    assert sum(item.closed_session for item in upcoming_items) == 1
    pre_votes = [b for b in upcoming_ballots if b.status == "pre_vote"]
    assert len(pre_votes) == 3
    assert {b.closes_at for b in pre_votes} == {upcoming.starts_at}
    assert all(b.opens_at and b.opens_at <= now for b in pre_votes)
    assert open_advice.status == "open"
    assert not open_advice.results_visible
    assert dt.timedelta(days=6) < open_advice.closes_at - now <= dt.timedelta(days=7)

    listed = client.get("/api/v1/meetings").json()["items"]
    assert [m["title"] for m in listed] == [UPCOMING_TITLE, PAST_TITLE]
    coming = client.get(listed[0]["api_url"].removeprefix(BASE)).json()
    assert len(coming["items"]) == 5  # the closed-session item stays out
    assert any(item["documents"] for item in coming["items"])
    assert [i["advisory_vote"]["tally"] for i in coming["items"] if i["advisory_vote"]] == [None]
    held = client.get(listed[1]["api_url"].removeprefix(BASE)).json()
    assert held["items"][0]["advisory_vote"]["tally"] is not None
    assert held["items"][0]["links"][0]["subject"] == "idea"
    assert len(held["items"][0]["council_vote"]["votes"]) == 8
