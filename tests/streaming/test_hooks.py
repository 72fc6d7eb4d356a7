"""What voting's actions leave in the meeting's log (streaming/hooks.py): one event each, in
order, with consecutive numbers, written in the action's transaction, so that an action that
fails half-way leaves nothing."""

from __future__ import annotations

from typing import Any

import pytest

from participation.checks import Refused
from participation.database import Database
from participation.models import User
from streaming.log import as_message, events_after
from tests.voting.agenda_world import ZONE, add_item, cast, close_ballot, id_of, open_ballot
from voting import actions, ballots
from voting.models import Meeting

pytestmark = pytest.mark.usefixtures("english_messages")


def _log(db: Database, meeting: Meeting) -> list[dict[str, Any]]:
    with db.read() as session:
        return [as_message(e) for e in events_after(session, id_of(meeting), 0)]


def test_a_session_leaves_its_steps_in_the_log(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)
    item_id = id_of(add_item(db, clerk, meeting))
    with db.write() as session:
        actions.do_start_session(session, clerk, meeting_id)
    for member in council_members:
        with db.write() as session:
            actions.do_check_in(session, member, meeting_id)
    with db.write() as session:
        actions.do_pause_session(session, clerk, meeting_id)
    with db.write() as session:
        actions.do_resume_session(session, clerk, meeting_id)
    open_ballot(db, clerk, item_id)
    cast(db, council_members[0], item_id, "yes")
    cast(db, council_members[1], item_id, "no")
    close_ballot(db, clerk, item_id)
    with db.write() as session:
        actions.do_end_session(session, clerk, meeting_id)
    log = _log(db, meeting)
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    assert [(e["type"], e["data"]) for e in log[:-2]] == [
        ("session.started", {}),
        ("attendance", {"present": 1}),
        ("attendance", {"present": 2}),
        ("attendance", {"present": 3}),
        ("session.paused", {}),
        ("session.resumed", {}),
        ("ballot.opened", {"item_id": item_id, "secret": False}),
        ("ballot.tally", {"item_id": item_id, "voted": 1, "present": 3}),
        ("ballot.tally", {"item_id": item_id, "voted": 2, "present": 3}),
    ]
    closed, ended = log[-2:]
    assert closed["type"] == "ballot.closed"
    assert closed["data"]["tally"] == {"yes": 1, "no": 1, "abstain": 0}
    assert closed["data"]["votes"]["yes"] == [
        {"name": "Member 0", "group": "Groen", "recorded": False}
    ]
    assert ended["type"] == "session.ended"


def test_a_recorded_vote_moves_the_tally_like_any_vote(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    open_ballot(db, clerk, in_session)
    with db.read() as session:
        mandate = actions.mandate_of(session, meeting, id_of(council_members[2]))
    assert mandate is not None
    assert mandate.id is not None
    with db.write() as session:
        ballots.do_record_council_vote(session, clerk, in_session, mandate.id, "abstain")
    last = _log(db, meeting)[-1]
    assert (last["type"], last["data"]["voted"]) == ("ballot.tally", 1)


def test_a_rolled_back_action_leaves_no_event(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    before = _log(db, meeting)
    with pytest.raises(RuntimeError), db.write() as session:
        ballots.do_open_ballot(session, clerk, in_session)
        ballots.do_cast_council_vote(session, council_members[0], in_session, "yes", ZONE)
        raise RuntimeError("the request failed after the action")
    assert _log(db, meeting) == before
    # A refusal half-way (the vote opened, then a member may not pause) rolls it all back.
    with pytest.raises(Refused), db.write() as session:
        ballots.do_open_ballot(session, clerk, in_session)
        actions.do_pause_session(session, council_members[0], id_of(meeting))
    assert _log(db, meeting) == before
    # And numbering goes on without a gap.
    open_ballot(db, clerk, in_session)
    assert [e["seq"] for e in _log(db, meeting)] == list(range(1, len(before) + 2))
