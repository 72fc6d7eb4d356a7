"""The read side of the item page and the dashboard, on state built through the actions."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from participation.database import Database, utcnow
from participation.models import User
from tests.helpers import create_user
from tests.voting.agenda_world import (
    HOUR,
    ZONE,
    add_item,
    advise,
    advisory_open,
    cast,
    close_advisory,
    decide,
    decided,
    id_of,
    make_meeting,
    pre_vote_item,
    start_session,
)
from voting import actions, ballots, queries
from voting.item_ballots import advisory_ballot_of, council_ballot_of
from voting.models import AgendaItem, CouncilBallot, Meeting

pytestmark = pytest.mark.usefixtures("english_messages")


def loaded(session: Session, item: int) -> tuple[AgendaItem, CouncilBallot, Meeting]:
    found = session.get(AgendaItem, item)
    assert found is not None
    ballot = council_ballot_of(session, item)
    assert ballot is not None
    return found, ballot, actions.meeting_of(session, found)


def member_vote(db: Database, item: int, user: User) -> queries.MemberVote | None:
    with db.read() as session:
        found, ballot, meeting = loaded(session, item)
        return queries.member_vote(session, found, ballot, meeting, user, ZONE)


def vote_list(db: Database, item: int) -> queries.VoteList:
    with db.read() as session:
        _, ballot, meeting = loaded(session, item)
        return queries.vote_list(session, ballot, meeting)


def names(voters: list[queries.Voter]) -> list[str]:
    return [f"{voter.name} ({voter.group})" for voter in voters]


# The vote list.


def test_a_closed_named_ballot_lists_the_counted_votes_by_choice(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    item = pre_vote_item(db, clerk, meeting)
    first, second, third = council_members
    cast(db, first, item, "yes")
    cast(db, second, item, "recused")
    cast(db, third, item, "no")
    assert vote_list(db, item) == queries.VoteList([], [], [queries.Voter("Member 1", "Vooruit")])
    start_session(db, clerk, id_of(meeting), [first, second])
    with db.write() as session:
        ballots.do_close_ballot(session, clerk, item)
    found = vote_list(db, item)
    assert [(choice, names(voters)) for choice, voters in found.by_choice] == [
        ("yes", ["Member 0 (Groen)"]),
        ("no", []),
        ("abstain", []),
    ]
    assert names(found.not_counted) == ["Member 2 (N-VA)"]
    assert names(found.recused) == ["Member 1 (Vooruit)"]


def test_a_check_in_after_the_close_does_not_move_a_vote_into_the_count(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    item = pre_vote_item(db, clerk, meeting)
    for member in council_members:
        cast(db, member, item, "yes")
    start_session(db, clerk, id_of(meeting), council_members[:2])
    with db.write() as session:
        ballots.do_close_ballot(session, clerk, item)
        actions.do_check_in(session, council_members[2], id_of(meeting))
    found = vote_list(db, item)
    assert names(found.by_choice[0][1]) == ["Member 0 (Groen)", "Member 1 (Vooruit)"]
    assert names(found.not_counted) == ["Member 2 (N-VA)"]


def test_a_secret_ballot_lists_recusals_only(
    db: Database, clerk: User, council_members: list[User], secret_item: int
) -> None:
    item = secret_item
    cast(db, council_members[0], item, "recused")
    cast(db, council_members[1], item, "yes")
    cast(db, council_members[2], item, "no")
    with db.write() as session:
        ballots.do_close_ballot(session, clerk, item)
    found = vote_list(db, item)
    assert found.by_choice == []
    assert found.not_counted == []
    assert names(found.recused) == ["Member 0 (Groen)"]


# A member's own vote.


def test_a_member_may_vote_in_the_window_and_then_no_longer_awaits(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    item = pre_vote_item(db, clerk, meeting)
    state = member_vote(db, item, council_members[0])
    assert state is not None
    assert (state.may_vote, state.voted, state.awaiting, state.reason) == (True, False, True, "")
    cast(db, council_members[0], item, "abstain")
    state = member_vote(db, item, council_members[0])
    assert state is not None
    assert (state.choice, state.voted, state.awaiting, state.may_vote) == (
        "abstain",
        True,
        False,
        True,
    )


def test_outside_the_window_the_member_reads_why(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    item = pre_vote_item(db, clerk, meeting, 24 * HOUR, 48 * HOUR)
    state = member_vote(db, item, council_members[0])
    assert state is not None
    assert not state.may_vote
    assert not state.awaiting
    assert state.reason.startswith("Voting on this item is not open.")


def test_an_open_ballot_awaits_a_member_who_must_check_in_first(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, item: AgendaItem
) -> None:
    start_session(db, clerk, id_of(meeting), council_members[:2])
    with db.write() as session:
        ballots.do_open_ballot(session, clerk, id_of(item))
    state = member_vote(db, id_of(item), council_members[2])
    assert state is not None
    assert not state.may_vote
    assert state.awaiting
    assert state.reason == "Check in at the meeting before you vote."


def test_a_secret_vote_once_cast_cannot_be_offered_again(
    db: Database, council_members: list[User], secret_item: int
) -> None:
    item = secret_item
    cast(db, council_members[0], item, "yes")
    state = member_vote(db, item, council_members[0])
    assert state is not None
    assert (state.choice, state.voted, state.may_vote) == (None, True, False)
    assert "secret" in state.reason


def test_no_seat_no_member_vote(
    db: Database, clerk: User, resident: User, meeting: Meeting
) -> None:
    item = pre_vote_item(db, clerk, meeting)
    assert member_vote(db, item, resident) is None
    assert member_vote(db, item, clerk) is None


# A resident's advisory vote.


def resident_vote(db: Database, item: int, user: User | None) -> queries.ResidentVote:
    with db.read() as session:
        ballot = advisory_ballot_of(session, item)
        assert ballot is not None
        return queries.resident_vote(session, ballot, council_ballot_of(session, item), user)


def test_advisory_results_are_hidden_until_the_close_unless_the_clerk_shows_them(
    db: Database, clerk: User, resident: User, meeting: Meeting
) -> None:
    hidden = id_of(add_item(db, clerk, meeting, advisory=advisory_open(HOUR)))
    shown = id_of(add_item(db, clerk, meeting, advisory=advisory_open(HOUR, results_visible=True)))
    neighbours = [create_user(db, email=f"r{i}@example.be", name=f"R{i}") for i in range(2)]
    for item in (hidden, shown):
        advise(db, [resident, *neighbours], item, "yna")
    state = resident_vote(db, hidden, resident)
    assert (state.is_open, state.choice, state.tally, state.blocked) == (True, "yes", None, "")
    assert resident_vote(db, shown, None).tally is not None
    close_advisory(db, hidden)
    state = resident_vote(db, hidden, None)
    assert state.closed
    assert not state.is_open
    assert state.tally is not None
    assert (state.tally.yes, state.tally.no, state.tally.abstain) == (1, 1, 1)
    assert state.percent_yes == 33


def test_an_unverified_account_is_told_why_it_cannot_advise(
    db: Database, clerk: User, meeting: Meeting
) -> None:
    item = id_of(add_item(db, clerk, meeting, advisory=advisory_open(HOUR)))
    newcomer = create_user(db, email="new@example.be", name="New", verified=False)
    assert resident_vote(db, item, newcomer).blocked.startswith("Confirm your email address")


def test_an_advisory_vote_that_has_not_opened_says_so(
    db: Database, clerk: User, meeting: Meeting
) -> None:
    draft = advisory_open(HOUR)
    later = type(draft)(draft.question, utcnow() + HOUR, utcnow() + 2 * HOUR, False)
    state = resident_vote(db, id_of(add_item(db, clerk, meeting, advisory=later)), None)
    assert (state.is_open, state.not_yet_open, state.percent_yes) == (False, True, 0)


# The session controls.


def test_the_session_controls_of_the_chair_a_member_and_a_resident(
    db: Database, clerk: User, resident: User, council_members: list[User], meeting: Meeting
) -> None:
    with db.read() as session:
        assert queries.session_controls(session, meeting, clerk) is not None
        assert queries.session_controls(session, meeting, council_members[1]) is None
    start_session(db, clerk, id_of(meeting), council_members[:1])
    with db.read() as session:
        running = session.get(Meeting, meeting.id)
        assert running is not None
        assert queries.session_controls(session, running, resident) is None
        chair = queries.session_controls(session, running, clerk)
        member = queries.session_controls(session, running, council_members[1])
    assert chair is not None
    assert (chair.can_run, chair.is_clerk, chair.mandate, chair.present_count) == (
        True,
        True,
        None,
        1,
    )
    assert [m.member_name for m in chair.absent] == ["Member 1", "Member 2"]
    assert member is not None
    assert (member.can_run, member.is_clerk, member.present) == (False, False, False)
    with db.write() as session:
        ended = actions.do_end_session(session, clerk, id_of(meeting))
    with db.read() as session:
        assert queries.session_controls(session, ended, clerk) is None


# The dashboard's lists.


def test_upcoming_meetings_are_those_a_member_sits_in_and_all_for_a_clerk(
    db: Database, clerk: User, council_members: list[User]
) -> None:
    make_meeting(db, clerk, "Soon", starts_at=utcnow() + HOUR)
    make_meeting(db, clerk, "Later", starts_at=utcnow() + 48 * HOUR)
    make_meeting(db, clerk, "Planned", publish=False)
    make_meeting(db, clerk, "Past", starts_at=utcnow() - 48 * HOUR)
    running = make_meeting(db, clerk, "Running", starts_at=utcnow() - 48 * HOUR)
    start_session(db, clerk, id_of(running), [])
    ended = make_meeting(db, clerk, "Ended", starts_at=utcnow() + HOUR)
    start_session(db, clerk, id_of(ended), [])
    with db.write() as session:
        actions.do_end_session(session, clerk, id_of(ended))
    with db.read() as session:
        mandates = queries.mandates_of(session, id_of(council_members[0]))
        member = queries.upcoming_meetings(session, mandates, False, utcnow())
        everyone = queries.upcoming_meetings(session, [], True, utcnow())
    assert [m.title for m in member] == ["Running", "Soon", "Later"]
    assert [m.title for m in everyone] == ["Running", "Soon", "Later", "Planned"]


def test_ballots_on_the_agenda_leave_out_the_closed_ones(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    first = id_of(add_item(db, clerk, meeting, title="Eerste"))
    second = pre_vote_item(db, clerk, meeting, title="Tweede")
    add_item(db, clerk, meeting, title="Ter info", council_vote=False)
    start_session(db, clerk, id_of(meeting), council_members)
    with db.read() as session:
        before = queries.ballots_on(session, [meeting])
        items = queries.items_of(session, [meeting])
    assert [row.item.id for row in before] == [first, second]
    assert [i.title for i in items] == ["Eerste", "Tweede", "Ter info"]
    decide(db, clerk, council_members, first, "yyy")
    with db.read() as session:
        assert [row.item.id for row in queries.ballots_on(session, [meeting])] == [second]
        assert queries.ballots_on(session, []) == []
        assert queries.items_of(session, []) == []


def test_past_decisions_come_newest_first_and_are_limited(
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = id_of(add_item(db, clerk, meeting, title="Eerste"))
    second = id_of(add_item(db, clerk, meeting, title="Tweede"))
    decided(db, clerk, council_members, id_of(meeting), first, "yyy")
    decide(db, clerk, council_members, second, "nnn")
    with db.read() as session:
        mandates = queries.mandates_of(session, id_of(council_members[0]))
        rows = queries.past_decisions(session, mandates, False)
        assert [(r.item.id, r.ballot.outcome) for r in rows] == [
            (second, "rejected"),
            (first, "approved"),
        ]
        assert queries.past_decisions(session, [], False) == []
        monkeypatch.setattr(queries, "PAST_LIMIT", 1)
        assert [r.item.id for r in queries.past_decisions(session, [], True)] == [second]
