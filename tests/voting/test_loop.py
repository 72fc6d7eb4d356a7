"""Closing the loop: an item links the ideas it decides on, their decisions are found through
the shell's registry, and their followers are told when the council has voted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from ideas.models import Idea
from participation import decisions
from participation.checks import Refused
from participation.database import Database
from participation.decisions import Counts
from participation.features import feature_modules
from participation.i18n import use_language
from participation.models import User
from participation.notifications import Notification, do_follow
from participation.visibility import Visibility, set_visibility
from tests.helpers import create_user
from tests.ideas.conftest import post_idea
from tests.voting.agenda_world import (
    add_item,
    advise,
    advisory_open,
    close_advisory,
    decided,
    id_of,
    make_meeting,
)
from voting import loop
from voting.models import ItemLink, Meeting


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    """The content types and the decision providers, as the app registers them at start-up;
    messages in English, whatever the catalogs translate them to."""
    feature_modules("content")
    with use_language("en"):
        yield


@pytest.fixture
def idea(db: Database, resident: User) -> Idea:
    return post_idea(db, resident, title="Zebrapad aan De Vlinder")


@pytest.fixture
def resident(db: Database) -> User:
    """The idea's author, who reads notifications in English here."""
    return create_user(db, email="ann@example.be", name="Ann", language="en")


def item_on(
    db: Database, clerk: User, meeting: Meeting, title: str = "Zebrapad", **fields: object
) -> int:
    return id_of(add_item(db, clerk, meeting, title=title, **fields))


def link(db: Database, clerk: User, item_id: int, idea: Idea) -> None:
    assert idea.id is not None
    with db.write() as session:
        loop.do_link_item(session, clerk, item_id, "idea", idea.id)


@pytest.fixture
def linked_item(db: Database, clerk: User, meeting: Meeting, idea: Idea) -> int:
    """An item of the meeting that decides on the idea."""
    item_id = item_on(db, clerk, meeting)
    link(db, clerk, item_id, idea)
    return item_id


def decisions_of(db: Database, idea: Idea) -> list[decisions.Decision]:
    assert idea.id is not None
    with db.read() as session:
        return decisions.decisions_for(session, "idea", idea.id)


def notifications_of(db: Database, user: User) -> list[Notification]:
    with db.read() as session:
        return list(session.exec(select(Notification).where(Notification.user_id == user.id)))


def test_linking_is_idempotent_and_lists_the_idea(
    db: Database, clerk: User, meeting: Meeting, idea: Idea
) -> None:
    item_id = item_on(db, clerk, meeting)
    link(db, clerk, item_id, idea)
    link(db, clerk, item_id, idea)
    with db.read() as session:
        assert len(session.exec(select(ItemLink)).all()) == 1
        linked = loop.linked_subjects(session, [item_id])
    assert linked == {
        item_id: [loop.LinkedSubject("idea", idea.id or 0, idea.title, f"/ideas/{idea.id}")]
    }


def test_an_idea_hidden_by_a_moderator_is_not_shown_beside_the_item(
    db: Database, clerk: User, meeting: Meeting, idea: Idea
) -> None:
    item_id = item_on(db, clerk, meeting)
    link(db, clerk, item_id, idea)
    with db.write() as session:
        set_visibility(session, "idea", idea.id or 0, Visibility.hidden, "insult")
    with db.read() as session:
        assert loop.linked_subjects(session, [item_id]) == {item_id: []}
    with db.write() as session:
        set_visibility(session, "idea", idea.id or 0, Visibility.public, None)
    with db.read() as session:
        assert [s.title for s in loop.linked_subjects(session, [item_id])[item_id]] == [idea.title]


@pytest.mark.parametrize(("subject", "status"), [("comment", 400), ("meeting", 400), ("idea", 404)])
def test_only_existing_ideas_and_pacts_can_be_linked(
    db: Database, clerk: User, meeting: Meeting, subject: str, status: int
) -> None:
    item_id = item_on(db, clerk, meeting)
    with pytest.raises(Refused) as refused, db.write() as session:
        loop.do_link_item(session, clerk, item_id, subject, 9999)
    assert refused.value.status_code == status


def test_only_a_clerk_links(
    db: Database, clerk: User, resident: User, meeting: Meeting, idea: Idea
) -> None:
    item_id = item_on(db, clerk, meeting)
    with pytest.raises(Refused) as refused, db.write() as session:
        loop.do_link_item(session, resident, item_id, "idea", idea.id or 0)
    assert refused.value.status_code == 403


def test_an_item_on_the_agenda_is_a_pending_decision(db: Database, clerk: User, idea: Idea) -> None:
    meeting = make_meeting(db, clerk, "Gemeenteraad van december")
    item_id = item_on(db, clerk, meeting, "Zebrapad: principebeslissing")
    link(db, clerk, item_id, idea)
    [pending] = decisions_of(db, idea)
    assert pending.item_title == "Zebrapad: principebeslissing"
    assert pending.item_url == f"/items/{item_id}"
    assert pending.meeting_title == "Gemeenteraad van december"
    assert pending.meeting_starts_at == meeting.starts_at
    assert pending.council_outcome is None
    assert pending.council_tally is None
    assert pending.advisory_tally is None
    assert pending.advisory_open_until is None


def test_planned_meetings_and_closed_sessions_are_not_shown(
    db: Database, clerk: User, meeting: Meeting, idea: Idea
) -> None:
    planned = item_on(db, clerk, make_meeting(db, clerk, publish=False))
    closed = item_on(db, clerk, meeting, closed_session=True)
    link(db, clerk, planned, idea)
    link(db, clerk, closed, idea)
    assert decisions_of(db, idea) == []


def test_the_decision_carries_the_outcome_and_the_advice_after_the_close(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, idea: Idea
) -> None:
    residents = [create_user(db, email=f"r{i}@example.be", name=f"R{i}") for i in range(4)]
    item_id = item_on(db, clerk, meeting, advisory=advisory_open())
    link(db, clerk, item_id, idea)
    advise(db, residents, item_id, "yyna")
    [open_advice] = decisions_of(db, idea)
    assert open_advice.advisory_tally is None  # hidden until the close
    assert open_advice.advisory_open_until is not None
    close_advisory(db, item_id)
    decided(db, clerk, council_members, id_of(meeting), item_id, "yya")
    [decision] = decisions_of(db, idea)
    assert decision.council_outcome == "approved"
    assert decision.outcome_label == "Approved"
    assert decision.council_tally == Counts(2, 0, 1)
    assert decision.advisory_tally == Counts(2, 1, 1)
    assert decision.advisory_open_until is None


def test_notify_decision_tells_the_followers_with_the_outcome(
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    idea: Idea,
    resident: User,
    linked_item: int,
) -> None:
    item_id = linked_item
    follower = create_user(db, email="bob@example.be", name="Bob", language="en")
    with db.write() as session:
        do_follow(session, follower.id or 0, "idea", idea.id or 0)
    decided(db, clerk, council_members, id_of(meeting), item_id, "nna")
    before = {user.id: len(notifications_of(db, user)) for user in (resident, follower)}
    with db.write() as session:
        told = loop.notify_decision(session, item_id)
    assert told == 2  # the author follows their own idea
    for user in (resident, follower):
        mine = notifications_of(db, user)
        assert len(mine) == before[user.id] + 1
        assert mine[-1].kind == loop.DECISION_KIND
        assert mine[-1].link == f"/items/{item_id}"
        assert mine[-1].text == "The council rejected “Zebrapad”: 0 yes, 2 no, 1 abstain."


def test_nothing_is_told_before_the_vote_or_about_a_closed_session(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, idea: Idea
) -> None:
    pending = item_on(db, clerk, meeting)
    closed = item_on(db, clerk, meeting, closed_session=True)
    for item_id in (pending, closed):
        link(db, clerk, item_id, idea)
    decided(db, clerk, council_members, id_of(meeting), closed, "yyy")
    with db.write() as session:
        assert loop.notify_decision(session, pending) == 0
        assert loop.notify_decision(session, closed) == 0
        assert loop.notify_decision(session, 9999) == 0


def test_closing_the_ballot_tells_the_followers(
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    resident: User,
    linked_item: int,
) -> None:
    """`ballots.do_close_ballot` calls `loop.notify_decision`: one notification per follower."""
    decided(db, clerk, council_members, id_of(meeting), linked_item, "yyy")
    told = [n for n in notifications_of(db, resident) if n.kind == loop.DECISION_KIND]
    assert [n.text for n in told] == ["The council approved “Zebrapad”: 3 yes, 0 no, 0 abstain."]
