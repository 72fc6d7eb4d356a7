"""Council ballots through the same calls the views make, on SQLite and PostgreSQL: the
pre-vote window, the session (quorum, presence, close), recusal and races. Secret ballots are
in `test_secret_ballots.py`."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from sqlmodel import select

from participation.database import Database, utcnow
from participation.i18n import format_datetime
from participation.models import User
from tests.voting.agenda_world import (
    HOUR,
    ZONE,
    add_item,
    ballot_of,
    cast,
    close_ballot,
    links_of,
    open_ballot,
    pre_vote_item,
    refusal,
    start_session,
    votes_of,
)
from voting import actions, audit, ballots, councils
from voting.forms import MeetingRoles, RulesDraft
from voting.models import (
    MEETING_TIME,
    RECUSED,
    AgendaItem,
    BallotStatus,
    CouncilBallot,
    Mandate,
    Meeting,
    TieRule,
)

pytestmark = pytest.mark.usefixtures("english_messages")


def window_times(ballot: CouncilBallot) -> list[str]:
    assert ballot.opens_at is not None
    assert ballot.closes_at is not None
    return [
        format_datetime(ballot.opens_at, ZONE, MEETING_TIME),
        format_datetime(ballot.closes_at, ZONE, MEETING_TIME),
    ]


def set_rules(
    db: Database, clerk: User, *, basis: str = "cast", tie_rule: str = "rejected"
) -> None:
    """Set the municipal council's voting rules as the clerk does on its page."""
    with db.write() as session:
        council = actions.default_council(session)
        assert council.id is not None
        rules = RulesDraft(basis, "majority", tie_rule, quorum_required=True)
        councils.do_set_rules(session, clerk, council.id, rules)


@pytest.fixture
def meeting_id(meeting: Meeting) -> int:
    assert meeting.id is not None
    return meeting.id


# The pre-vote window.


def test_a_member_votes_and_changes_inside_the_window(
    db: Database, council_members: list[User], open_item: int
) -> None:
    cast(db, council_members[0], open_item, "yes")
    cast(db, council_members[0], open_item, "no")
    [vote] = votes_of(db, open_item)
    assert vote.choice == "no"
    assert vote.changed_at is not None
    assert [link.kind for link in links_of(db, open_item)] == ["cast", "change"]


def test_the_same_choice_twice_is_one_row_and_one_link(
    db: Database, council_members: list[User], open_item: int
) -> None:
    cast(db, council_members[0], open_item, "yes")
    cast(db, council_members[0], open_item, "yes")
    assert [vote.choice for vote in votes_of(db, open_item)] == ["yes"]
    assert len(links_of(db, open_item)) == 1
    assert ballot_of(db, open_item).chain_seq == 1


def test_before_the_window_opens_the_refusal_gives_its_times(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    item = pre_vote_item(db, clerk, meeting, 24 * HOUR, 48 * HOUR)
    assert ballot_of(db, item).status == BallotStatus.scheduled
    refused = refusal(lambda: cast(db, council_members[0], item, "yes"))
    assert refused.status_code == 409
    for moment in window_times(ballot_of(db, item)):
        assert moment in refused.message
    assert votes_of(db, item) == []


def test_after_the_window_by_the_clock_even_while_the_status_says_pre_vote(
    db: Database, council_members: list[User], open_item: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ballot = ballot_of(db, open_item)
    assert ballot.closes_at is not None
    closes_at = ballot.closes_at
    monkeypatch.setattr(ballots, "utcnow", lambda: closes_at + dt.timedelta(seconds=1))
    refused = refusal(lambda: cast(db, council_members[0], open_item, "yes"))
    assert refused.status_code == 409
    for moment in window_times(ballot):
        assert moment in refused.message
    assert ballot_of(db, open_item).status == BallotStatus.pre_vote
    assert votes_of(db, open_item) == []


def test_the_window_ends_exactly_at_its_close(
    db: Database, council_members: list[User], open_item: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    closes_at = ballot_of(db, open_item).closes_at
    monkeypatch.setattr(ballots, "utcnow", lambda: closes_at)
    assert refusal(lambda: cast(db, council_members[0], open_item, "yes")).status_code == 409


def test_an_item_voted_at_the_meeting_refuses_pre_votes(
    db: Database, council_members: list[User], item: AgendaItem
) -> None:
    assert item.id is not None
    item_id = item.id
    assert ballot_of(db, item_id).status == BallotStatus.waiting
    refused = refusal(lambda: cast(db, council_members[0], item_id, "yes"))
    assert refused.status_code == 409
    assert "at the meeting" in refused.message


def test_someone_without_a_mandate_cannot_vote(
    db: Database, clerk: User, resident: User, open_item: int
) -> None:
    for outsider in (resident, clerk):
        assert refusal(partial(cast, db, outsider, open_item, "yes")).status_code == 403
    assert votes_of(db, open_item) == []


def test_a_member_whose_mandate_ended_before_the_meeting_cannot_vote(
    db: Database, clerk: User, council_members: list[User], open_item: int
) -> None:
    member = council_members[0]
    with db.write() as session:
        mandate = session.exec(select(Mandate).where(Mandate.user_id == member.id)).one()
        assert mandate.id is not None
        councils.do_end_mandate(session, clerk, mandate.id, utcnow().date())  # a week before
    assert refusal(lambda: cast(db, member, open_item, "yes")).status_code == 403
    assert votes_of(db, open_item) == []


def test_an_unknown_item_or_one_without_a_council_vote_is_not_found(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    information = add_item(db, clerk, meeting, council_vote=False)
    assert information.id is not None
    for item_id in (10_000, information.id):
        refused = refusal(partial(cast, db, council_members[0], item_id, "yes"))
        assert refused.status_code == 404


@pytest.mark.parametrize("choice", ["", "maybe", "YES", "yes ", "null", "<script>"])
def test_an_invalid_choice_is_a_bad_request(
    db: Database, council_members: list[User], open_item: int, choice: str
) -> None:
    assert refusal(lambda: cast(db, council_members[0], open_item, choice)).status_code == 400
    assert votes_of(db, open_item) == []


def test_a_recusal_is_shown_and_not_counted(
    db: Database, clerk: User, council_members: list[User], meeting_id: int, open_item: int
) -> None:
    recused, yes, no = council_members
    cast(db, recused, open_item, RECUSED)
    cast(db, yes, open_item, "yes")
    cast(db, no, open_item, "no")
    assert sorted(str(vote.choice) for vote in votes_of(db, open_item)) == ["no", RECUSED, "yes"]
    assert links_of(db, open_item)[0].kind == "recuse"
    start_session(db, clerk, meeting_id, council_members)
    closed = close_ballot(db, clerk, open_item)
    assert (closed.yes, closed.no, closed.abstain) == (1, 1, 0)
    assert closed.outcome == "rejected"  # one against one: a tie


def test_fifty_concurrent_submissions_by_one_member_leave_one_vote(
    db: Database, council_members: list[User], open_item: int
) -> None:
    member = council_members[0]
    sent = ["yes" if n % 2 else "no" for n in range(50)]

    def submit(choice: str) -> str | None:
        return cast(db, member, open_item, choice).choice

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(submit, sent))
    assert set(answers) <= set(sent)
    [vote] = votes_of(db, open_item)
    assert vote.choice in sent
    last = links_of(db, open_item)[-1]
    assert last.payload == audit.canonical({"choice": vote.choice, "mandate": vote.mandate_id})
    with db.read() as session:
        assert audit.verify(session).breaks == []


# In session: quorum, presence, the close.


def test_opening_without_quorum_is_refused_with_the_count(
    db: Database, clerk: User, council_members: list[User], meeting_id: int, open_item: int
) -> None:
    start_session(db, clerk, meeting_id, council_members[:1])
    refused = refusal(lambda: open_ballot(db, clerk, open_item))
    assert refused.status_code == 409
    assert "1 of 3" in refused.message
    assert "2 are needed" in refused.message
    assert ballot_of(db, open_item).status == BallotStatus.pre_vote


def test_opening_with_quorum_lets_only_the_members_present_vote(
    db: Database, clerk: User, council_members: list[User], meeting_id: int, open_item: int
) -> None:
    present, _other, absent = council_members
    start_session(db, clerk, meeting_id, council_members[:2])
    assert open_ballot(db, clerk, open_item).status == BallotStatus.open
    cast(db, present, open_item, "yes")
    cast(db, present, open_item, "abstain")
    assert refusal(lambda: cast(db, absent, open_item, "yes")).status_code == 403
    assert [vote.choice for vote in votes_of(db, open_item)] == ["abstain"]
    assert [link.kind for link in links_of(db, open_item)] == ["open", "cast", "change"]


def test_opening_before_the_session_starts_is_refused(
    db: Database, clerk: User, open_item: int
) -> None:
    assert refusal(lambda: open_ballot(db, clerk, open_item)).status_code == 409


def test_only_the_chair_or_a_clerk_opens_and_closes(
    db: Database, clerk: User, council_members: list[User], meeting_id: int, open_item: int
) -> None:
    start_session(db, clerk, meeting_id, council_members)
    member = council_members[0]
    assert refusal(lambda: open_ballot(db, member, open_item)).status_code == 403
    assert refusal(lambda: close_ballot(db, member, open_item)).status_code == 403


def test_the_close_counts_the_present_by_the_councils_rules(
    db: Database, clerk: User, council_members: list[User], meeting_id: int, open_item: int
) -> None:
    *present, absent = council_members
    for member in present:
        cast(db, member, open_item, "yes")
    cast(db, absent, open_item, "no")  # a pre-vote by a member who stays away
    start_session(db, clerk, meeting_id, present)
    closed = close_ballot(db, clerk, open_item)
    assert closed.status == BallotStatus.closed
    assert closed.outcome == "approved"
    assert (closed.yes, closed.no, closed.abstain) == (2, 0, 0)
    assert (closed.present, closed.in_office) == (2, 3)
    assert closed.closed_at is not None
    close = links_of(db, open_item)[-1]
    assert close.kind == "close"
    assert json.loads(close.payload) == {
        "outcome": "approved",
        "tally": {"yes": 2, "no": 0, "abstain": 0},
        "present": 2,
        "in_office": 3,
    }
    assert ballot_of(db, open_item).chain_head == close.hash


@pytest.mark.parametrize(
    ("basis", "outcome"),
    [
        pytest.param("cast", "approved", id="cast"),
        pytest.param("present", "rejected", id="present"),
    ],
)
def test_the_close_uses_the_councils_basis(
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting_id: int,
    open_item: int,
    basis: str,
    outcome: str,
) -> None:
    set_rules(db, clerk, basis=basis)
    for member, choice in zip(council_members, ["yes", "abstain", "abstain"], strict=True):
        cast(db, member, open_item, choice)
    start_session(db, clerk, meeting_id, council_members)
    assert close_ballot(db, clerk, open_item).outcome == outcome  # 1 of 1 cast, 1 of 3 present


def test_a_closed_ballot_refuses_votes_and_a_second_close(
    db: Database, clerk: User, council_members: list[User], meeting_id: int, open_item: int
) -> None:
    first, second, _third = council_members
    cast(db, first, open_item, "yes")
    start_session(db, clerk, meeting_id, council_members)
    open_ballot(db, clerk, open_item)
    close_ballot(db, clerk, open_item)
    links = len(links_of(db, open_item))
    for act in (
        lambda: cast(db, second, open_item, "no"),
        lambda: cast(db, first, open_item, "no"),
        lambda: close_ballot(db, clerk, open_item),
        lambda: open_ballot(db, clerk, open_item),
    ):
        refused = refusal(act)
        assert refused.status_code == 409
        assert "closed" in refused.message
    assert [vote.choice for vote in votes_of(db, open_item)] == ["yes"]
    assert len(links_of(db, open_item)) == links


@pytest.mark.parametrize(
    ("tie_rule", "chair_choice", "outcome"),
    [
        pytest.param(TieRule.chair_decides, "yes", "approved", id="chair-decides-yes"),
        pytest.param(TieRule.chair_decides, "no", "rejected", id="chair-decides-no"),
        pytest.param(TieRule.rejected, "yes", "rejected", id="tie-rejects"),
    ],
)
def test_the_chairs_vote_breaks_a_tie_when_the_rules_say_so(
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting_id: int,
    open_item: int,
    tie_rule: TieRule,
    chair_choice: str,
    outcome: str,
) -> None:
    chair, other, abstainer = council_members
    set_rules(db, clerk, tie_rule=tie_rule.value)
    with db.write() as session:
        councils.do_set_meeting_roles(session, clerk, meeting_id, MeetingRoles(chair.id, None))
    cast(db, chair, open_item, chair_choice)
    cast(db, other, open_item, "no" if chair_choice == "yes" else "yes")
    cast(db, abstainer, open_item, "abstain")
    start_session(db, chair, meeting_id, council_members)
    closed = close_ballot(db, chair, open_item)
    assert (closed.yes, closed.no, closed.abstain) == (1, 1, 1)
    assert closed.outcome == outcome


# The pre-vote windows on the clock.


def test_window_transitions_open_and_close_once(
    db: Database, clerk: User, meeting: Meeting, item: AgendaItem, open_item: int
) -> None:
    later = pre_vote_item(db, clerk, meeting, HOUR, 2 * HOUR)

    def transitions(moment: dt.datetime) -> list[int]:
        with db.write() as session:
            return ballots.apply_window_transitions(session, moment)

    now = utcnow()
    assert transitions(now) == []
    assert transitions(now + 90 * dt.timedelta(minutes=1)) == [later]
    assert transitions(now + 90 * dt.timedelta(minutes=1)) == []
    assert ballot_of(db, later).status == BallotStatus.pre_vote
    assert sorted(transitions(now + 25 * HOUR)) == sorted([open_item, later])
    assert transitions(now + 25 * HOUR) == []
    for closed in (open_item, later):
        assert ballot_of(db, closed).status == BallotStatus.waiting
    assert item.id is not None
    assert ballot_of(db, item.id).status == BallotStatus.waiting  # voted at the meeting only
