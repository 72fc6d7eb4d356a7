"""Residents' questions to the council through the actions: asking, the clerk's check,
scheduling against the deadline, attendance, the answer in the session, the one reaction and
withdrawing; each refuses the wrong person (403) and the wrong moment (409)."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date
from sqlmodel import col, select

from participation import ratelimit
from participation.database import Database, utcnow
from participation.models import Role, User
from participation.notifications import Notification, do_follow, is_following
from streaming import console
from streaming.state import load_state
from tests.helpers import create_user
from tests.voting.agenda_world import ZONE, add_item, id_of, refusal, start_session
from tests.voting.question_world import (
    TOO_SOON,
    answer,
    ask,
    check,
    future_meeting,
    react,
    schedule,
    scheduled,
    stored,
)
from voting import questions
from voting.models import AgendaItem, ItemLink, Meeting
from voting.question_queries import SUBJECT, get_question, is_admissible

pytestmark = pytest.mark.usefixtures("english_messages")


def _notifications(db: Database, user: User) -> list[Notification]:
    with db.read() as session:
        statement = select(Notification).where(Notification.user_id == user.id)
        return list(session.exec(statement.order_by(col(Notification.id))))


def _item(db: Database, item_id: int | None) -> AgendaItem | None:
    with db.read() as session:
        return session.get(AgendaItem, item_id) if item_id else None


# Asking.


def test_a_verified_resident_asks_and_follows_the_question(
    db: Database, resident: User, clerk: User
) -> None:
    question = ask(db, resident)
    assert question.status == "submitted"
    assert not is_admissible(question)
    with db.read() as session:
        assert is_following(session, id_of(resident), SUBJECT, id_of(question))
    told = _notifications(db, clerk)
    assert [n.kind for n in told] == ["question_submitted"]
    assert told[0].link == f"/questions/{id_of(question)}"


def test_an_unverified_resident_cannot_ask(db: Database) -> None:
    unverified = create_user(db, email="new@example.be", name="New", verified=False)
    refused = refusal(lambda: ask(db, unverified))
    assert refused.status_code == 403
    assert "Confirm your email address" in refused.message


def test_a_resident_asks_at_most_three_questions_a_day(db: Database, resident: User) -> None:
    for _ in range(3):
        ask(db, resident)
    with pytest.raises(ratelimit.RateLimited):
        ask(db, resident)


# The clerk's check.


def test_an_admissible_question_waits_for_a_meeting(
    db: Database, resident: User, clerk: User
) -> None:
    question = check(db, clerk, id_of(ask(db, resident)))
    assert question.status == "submitted"
    assert is_admissible(question)
    told = _notifications(db, resident)[-1]
    # Written in the resident's language (Dutch, the default).
    assert told.kind == "question_checked"
    assert "Verlichting op het jaagpad" in told.text


def test_a_refused_question_says_why_to_its_author_only(
    db: Database, resident: User, neighbour: User, clerk: User
) -> None:
    question_id = id_of(ask(db, resident))
    refused = check(db, clerk, question_id, admissible=False, reason="Een individueel dossier.")
    assert refused.status == "refused"
    assert refused.refusal_reason == "Een individueel dossier."
    assert '"competence": false' in refused.checks
    with db.read() as session:
        assert get_question(session, question_id, resident).id == question_id
        assert get_question(session, question_id, clerk).id == question_id
        assert refusal(lambda: get_question(session, question_id, neighbour)).status_code == 404
        assert refusal(lambda: get_question(session, question_id, None)).status_code == 404


def test_only_a_clerk_checks_and_only_once_refused(
    db: Database, resident: User, clerk: User
) -> None:
    question_id = id_of(ask(db, resident))
    assert refusal(lambda: check(db, resident, question_id)).status_code == 403
    check(db, clerk, question_id, admissible=False)
    assert refusal(lambda: check(db, clerk, question_id)).status_code == 409


# Scheduling.


def test_scheduling_adds_a_question_item_at_the_end_of_the_agenda(
    db: Database, resident: User, clerk: User
) -> None:
    meeting = future_meeting(db, clerk)
    add_item(db, clerk, meeting)
    question_id = id_of(ask(db, resident))
    check(db, clerk, question_id)
    question = schedule(db, clerk, question_id, id_of(meeting))
    assert question.status == "scheduled"
    item = _item(db, question.item_id)
    assert item is not None
    assert (item.kind, item.position, item.meeting_id) == ("question", 2, id_of(meeting))
    assert item.title.endswith(": Verlichting op het jaagpad")
    assert item.description == question.question
    with db.read() as session:
        links = session.exec(select(ItemLink).where(ItemLink.item_id == item.id)).all()
        assert [(link.subject, link.subject_id) for link in links] == [(SUBJECT, question_id)]
        assert get_question(session, question_id, None).id == question_id  # public now
    told = _notifications(db, resident)[-1]
    assert told.kind == "question_scheduled"
    assert "Verlichting op het jaagpad" in told.text


def test_only_an_admissible_question_is_scheduled(
    db: Database, resident: User, clerk: User
) -> None:
    meeting = future_meeting(db, clerk)
    question_id = id_of(ask(db, resident))
    unchecked = refusal(lambda: schedule(db, clerk, question_id, id_of(meeting)))
    assert unchecked.status_code == 409
    check(db, clerk, question_id)
    assert refusal(lambda: schedule(db, resident, question_id, id_of(meeting))).status_code == 403
    schedule(db, clerk, question_id, id_of(meeting))
    again = refusal(lambda: schedule(db, clerk, question_id, id_of(meeting)))
    assert (again.status_code, again.message) == (409, "This question is already on an agenda.")


def test_a_question_past_the_deadline_is_refused_with_the_date(
    db: Database, resident: User, clerk: User
) -> None:
    meeting = future_meeting(db, clerk, TOO_SOON)
    question_id = id_of(ask(db, resident))
    check(db, clerk, question_id)
    refused = refusal(lambda: schedule(db, clerk, question_id, id_of(meeting)))
    day = meeting.starts_at.astimezone(ZONE).date()
    deadline = format_date(day - dt.timedelta(days=10), "d MMMM y", locale="en")
    expected = (
        f"Questions for the meeting of {format_date(day, 'd MMMM y', locale='en')}"
        f" had to be submitted by {deadline}."
    )
    assert (refused.status_code, refused.message) == (409, expected)
    assert stored(db, question_id).item_id is None
    # A shorter deadline (a setting) lets it through.
    assert schedule(db, clerk, question_id, id_of(meeting), deadline_days=1).status == "scheduled"


def test_a_question_goes_on_a_meeting_still_to_come(
    db: Database, resident: User, clerk: User
) -> None:
    meeting = future_meeting(db, clerk)
    start_session(db, clerk, id_of(meeting), [])
    question_id = id_of(ask(db, resident))
    check(db, clerk, question_id)
    refused = refusal(lambda: schedule(db, clerk, question_id, id_of(meeting)))
    assert refused.status_code == 409
    assert refusal(lambda: schedule(db, clerk, question_id, 999_999)).status_code == 404


# Attendance.


def test_the_author_says_whether_they_attend_until_the_meeting_starts(
    db: Database, resident: User, neighbour: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    question_id = id_of(question)

    def attend(user: User, attending: bool) -> bool | None:
        with db.write() as session:
            return questions.do_set_attendance(session, user, question_id, attending).attending

    assert attend(resident, True) is True
    assert attend(resident, False) is False
    assert refusal(lambda: attend(neighbour, True)).status_code == 403
    start_session(db, clerk, id_of(meeting), [])
    assert refusal(lambda: attend(resident, True)).status_code == 409


# The answer and the reaction: the whole flow, with the live session.


def test_the_question_flows_from_the_resident_through_the_session_to_the_reaction(
    db: Database, resident: User, neighbour: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    question_id, item_id = id_of(question), question.item_id
    assert item_id is not None
    with db.write() as session:
        do_follow(session, id_of(neighbour), SUBJECT, question_id)
    start_session(db, clerk, id_of(meeting), [])
    with db.write() as session:
        console.do_set_current_item(session, clerk, id_of(meeting), item_id)
    with db.read() as session:
        live = load_state(session, id_of(meeting))
    assert live.current_item is not None
    assert (live.current_item.id, live.current_item.kind) == (item_id, "question")
    assert live.as_json()["items"][0]["kind"] == "question"

    answered = answer(db, clerk, question_id, "De verlichting wordt in april hersteld.", 3723)
    assert answered.status == "answered"
    assert answered.answer_seconds == 3723
    assert answered.answered_at is not None
    for follower in (resident, neighbour):
        assert _notifications(db, follower)[-1].kind == "question_answered"

    reacted = react(db, resident, question_id, "Dank u, ik kijk ernaar uit.")
    assert reacted.reaction == "Dank u, ik kijk ernaar uit."
    second = refusal(lambda: react(db, resident, question_id, "Nog iets."))
    assert (second.status_code, second.message) == (409, "You have already reacted.")
    assert stored(db, question_id).reaction == "Dank u, ik kijk ernaar uit."


def test_answering_before_scheduling_is_refused(db: Database, resident: User, clerk: User) -> None:
    question_id = id_of(ask(db, resident))
    assert refusal(lambda: answer(db, resident, question_id)).status_code == 403
    refused = refusal(lambda: answer(db, clerk, question_id))
    assert refused.status_code == 409


def test_the_answer_comes_from_the_chair_or_a_clerk_in_the_session(
    db: Database, resident: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    question_id = id_of(question)
    before = refusal(lambda: answer(db, clerk, question_id))
    assert before.status_code == 409
    assert "start the session first" in before.message
    start_session(db, clerk, id_of(meeting), [])
    assert refusal(lambda: answer(db, resident, question_id)).status_code == 403
    chair = create_user(db, email="chair@example.be", name="Chair", roles=(Role.council_member,))
    with db.write() as session:
        stored_meeting = session.get(Meeting, id_of(meeting))
        assert stored_meeting is not None
        stored_meeting.chair_id = id_of(chair)
    assert answer(db, chair, question_id).answered_by_id == id_of(chair)
    assert refusal(lambda: answer(db, clerk, question_id)).status_code == 409


def test_a_reaction_waits_for_the_answer_and_is_the_authors(
    db: Database, resident: User, neighbour: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    question_id = id_of(question)
    assert refusal(lambda: react(db, resident, question_id)).status_code == 409
    start_session(db, clerk, id_of(meeting), [])
    answer(db, clerk, question_id)
    assert refusal(lambda: react(db, neighbour, question_id)).status_code == 403


# Withdrawing.


def _withdraw(db: Database, user: User, question_id: int) -> str:
    with db.write() as session:
        return questions.do_withdraw_question(session, user, question_id).status


def test_withdrawing_before_the_meeting_takes_the_item_off_the_agenda(
    db: Database, resident: User, neighbour: User, clerk: User
) -> None:
    meeting = future_meeting(db, clerk)
    question_id = id_of(ask(db, resident))
    check(db, clerk, question_id)
    item_id = schedule(db, clerk, question_id, id_of(meeting)).item_id
    last = add_item(db, clerk, meeting)
    assert last.position == 2
    assert refusal(lambda: _withdraw(db, neighbour, question_id)).status_code == 403
    assert _withdraw(db, resident, question_id) == "withdrawn"
    assert _item(db, item_id) is None
    moved_up = _item(db, last.id)
    assert moved_up is not None
    assert moved_up.position == 1
    assert stored(db, question_id).item_id is None
    assert refusal(lambda: _withdraw(db, resident, question_id)).status_code == 409


def test_withdrawing_in_the_session_keeps_the_item(
    db: Database, resident: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    start_session(db, clerk, id_of(meeting), [])
    assert _withdraw(db, resident, id_of(question)) == "withdrawn"
    assert _item(db, question.item_id) is not None
    with db.read() as session:  # still public: the session's agenda names it
        assert get_question(session, id_of(question), None).status == "withdrawn"


def test_an_answered_question_cannot_be_withdrawn(
    db: Database, resident: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    start_session(db, clerk, id_of(meeting), [])
    answer(db, clerk, id_of(question))
    assert refusal(lambda: _withdraw(db, resident, id_of(question))).status_code == 409


def test_the_deadline_counts_in_days_of_the_municipality(
    db: Database, resident: User, clerk: User
) -> None:
    """A meeting exactly ten local days after the question is in time."""
    question = ask(db, resident)
    day = question.created_at.astimezone(ZONE).date() + dt.timedelta(days=10)
    starts_at = dt.datetime.combine(day, dt.time(20), ZONE).astimezone(dt.UTC)
    meeting = future_meeting(db, clerk, starts_at - utcnow())
    check(db, clerk, id_of(question))
    assert schedule(db, clerk, id_of(question), id_of(meeting)).status == "scheduled"
