"""The clerk records the vote of a member present who has no device: only a clerk, only while
the ballot is open, only for a member checked in; the vote is marked as recorded by the clerk."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from participation.database import Database
from participation.models import User
from tests.helpers import Browser
from tests.voting.agenda_world import (
    add_item,
    cast,
    close_ballot,
    id_of,
    mandate_id_of,
    open_ballot,
    refusal,
    start_session,
    votes_of,
)
from voting import ballots
from voting.models import CouncilVote, Meeting

pytestmark = pytest.mark.usefixtures("english_messages")


def _record(db: Database, user: User, item_id: int, mandate_id: int, choice: str) -> CouncilVote:
    with db.write() as session:
        return ballots.do_record_council_vote(session, user, item_id, mandate_id, choice)


def test_the_clerk_records_a_members_vote(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    open_ballot(db, clerk, in_session)
    mandate_id = mandate_id_of(db, meeting, council_members[0])
    _record(db, clerk, in_session, mandate_id, "no")
    _record(db, clerk, in_session, mandate_id, "yes")
    [vote] = votes_of(db, in_session)
    assert (vote.mandate_id, vote.choice, vote.recorded_by_id) == (mandate_id, "yes", clerk.id)


def test_a_members_own_vote_is_not_marked_as_recorded(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    open_ballot(db, clerk, in_session)
    mandate_id = mandate_id_of(db, meeting, council_members[0])
    _record(db, clerk, in_session, mandate_id, "no")
    cast(db, council_members[0], in_session, "yes")
    [vote] = votes_of(db, in_session)
    assert (vote.choice, vote.recorded_by_id) == ("yes", None)


def test_recording_a_vote_is_refused_out_of_turn(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    item_id = id_of(add_item(db, clerk, meeting))
    mandate_id = mandate_id_of(db, meeting, council_members[0])
    start_session(db, clerk, id_of(meeting), council_members[1:])
    not_open = refusal(lambda: _record(db, clerk, item_id, mandate_id, "yes"))
    assert not_open.status_code == 409
    open_ballot(db, clerk, item_id)
    absent = refusal(lambda: _record(db, clerk, item_id, mandate_id, "yes"))
    assert (absent.status_code, absent.message) == (
        409,
        "This member is not checked in at the meeting.",
    )
    present = mandate_id_of(db, meeting, council_members[1])
    assert (
        refusal(lambda: _record(db, council_members[2], item_id, present, "yes")).status_code == 403
    )
    assert refusal(lambda: _record(db, clerk, item_id, present, "maybe")).status_code == 400
    assert votes_of(db, item_id) == []


def test_the_result_says_which_votes_the_clerk_recorded(
    db: Database,
    browser: Browser,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    in_session: int,
) -> None:
    open_ballot(db, clerk, in_session)
    _record(db, clerk, in_session, mandate_id_of(db, meeting, council_members[0]), "yes")
    cast(db, council_members[1], in_session, "yes")
    close_ballot(db, clerk, in_session)
    page = BeautifulSoup(browser.get(f"/items/{in_session}").text, "html.parser")
    marked = {
        li.get_text(" ", strip=True).split(" (")[0]: li.select_one(".vote-group__recorded")
        for li in page.select("ul.vote-group li")
    }
    assert marked["Member 0"] is not None
    assert marked["Member 0"].get_text(strip=True) == "recorded by the clerk"
    assert marked["Member 1"] is None
