"""The console's actions: the current item, the speakers' queue and the live settings. Each
refuses the wrong user (403) and the wrong moment (409), and writes its events in its own
transaction: a refused action leaves no event."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from participation.database import Database
from participation.models import User
from streaming import console
from streaming.log import append_event, as_message, events_after
from streaming.models import LiveSession, SpeakerRequest
from tests.voting.agenda_world import add_item, id_of, refusal, start_session
from voting import actions
from voting.actions import mandate_of
from voting.models import AgendaItem, Mandate, Meeting

pytestmark = pytest.mark.usefixtures("english_messages")


def _do(db: Database, act: Callable[..., Any], *args: Any) -> Any:
    with db.write() as session:
        return act(session, *args)


def _events(db: Database, meeting: Meeting, after: int = 0) -> list[dict[str, Any]]:
    with db.read() as session:
        return [as_message(e) for e in events_after(session, id_of(meeting), after)]


def _last(db: Database, meeting: Meeting) -> int:
    events = _events(db, meeting)
    return events[-1]["seq"] if events else 0


def _kinds_since(db: Database, meeting: Meeting, seq: int) -> list[str]:
    return [e["type"] for e in _events(db, meeting, seq)]


def _refused(db: Database, act: Callable[..., Any], *args: Any) -> int:
    """The status with which the action is refused."""
    return refusal(lambda: _do(db, act, *args)).status_code


def _mandate(db: Database, meeting: Meeting, member: User) -> Mandate:
    with db.read() as session:
        found = mandate_of(session, meeting, id_of(member))
    assert found is not None
    return found


# The current item.


def test_the_chair_sets_the_current_item(
    db: Database, clerk: User, meeting: Meeting, in_session: int
) -> None:
    before = _last(db, meeting)
    live = _do(db, console.do_set_current_item, clerk, id_of(meeting), in_session)
    assert live.current_item_id == in_session
    [event] = _events(db, meeting, before)
    assert event == {
        "seq": before + 1,
        "type": "item.current",
        "data": {"item_id": in_session, "number": 1, "title": "Zebrapad aan de school"},
    }
    # The same item again: nothing changes, nothing is logged.
    _do(db, console.do_set_current_item, clerk, id_of(meeting), in_session)
    assert _last(db, meeting) == before + 1


def test_a_closed_session_item_is_logged_without_its_title(
    db: Database, clerk: User, meeting: Meeting, in_session: int
) -> None:
    secret = id_of(add_item(db, clerk, meeting, title="Personeelszaak X", closed_session=True))
    _do(db, console.do_set_current_item, clerk, id_of(meeting), secret)
    event = _events(db, meeting)[-1]
    assert event["data"]["title"] == console.CLOSED_ITEM_TITLE
    assert "Personeelszaak" not in json.dumps(_events(db, meeting))


def test_setting_the_current_item_is_refused_out_of_turn(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, item: AgendaItem
) -> None:
    meeting_id, item_id = id_of(meeting), id_of(item)
    act = console.do_set_current_item
    assert refusal(lambda: _do(db, act, clerk, meeting_id, item_id)).status_code == 409
    start_session(db, clerk, meeting_id, council_members)
    member = council_members[0]
    assert refusal(lambda: _do(db, act, member, meeting_id, item_id)).status_code == 403
    other = Meeting(council_id=meeting.council_id, title="Andere", starts_at=meeting.starts_at)
    with db.write() as session:
        session.add(other)
    foreign = id_of(add_item(db, clerk, other))
    assert refusal(lambda: _do(db, act, clerk, meeting_id, foreign)).status_code == 404
    assert refusal(lambda: _do(db, act, clerk, meeting_id, 10**6)).status_code == 404
    assert "item.current" not in _kinds_since(db, meeting, 0)


@pytest.mark.parametrize("event_first", [True, False])
def test_the_live_row_is_made_once_whichever_comes_first(
    db: Database, meeting: Meeting, event_first: bool
) -> None:
    """`append_event` upserts the live row with plain SQL; the console's row must not collide
    with it in the same transaction, in either order."""
    meeting_id = id_of(meeting)
    with db.write() as session:
        if event_first:
            append_event(session, meeting_id, "session.started", {})
        live = console.live_row(session, meeting_id)
        live.speaking_limit_seconds = 90
        session.add(live)
        if not event_first:
            append_event(session, meeting_id, "session.started", {})
    with db.read() as session:
        rows = list(session.exec(select(LiveSession)))
    assert [(r.meeting_id, r.last_seq, r.speaking_limit_seconds) for r in rows] == [
        (meeting_id, 1, 90)
    ]


# The speakers' queue.


def test_a_member_asks_for_the_floor_once(
    db: Database, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    member = council_members[0]
    before = _last(db, meeting)
    first = _do(db, console.do_request_floor, member, id_of(meeting))
    again = _do(db, console.do_request_floor, member, id_of(meeting))
    assert first.id == again.id
    assert first.status == "waiting"
    mandate = _mandate(db, meeting, member)
    [event] = _events(db, meeting, before)
    assert event["type"] == "speaker.requested"
    assert event["data"] == {
        "request_id": first.id,
        "mandate_id": mandate.id,
        "name": "Member 0",
        "group": "Groen",
    }


def test_twenty_taps_at_once_queue_the_member_once(
    db: Database, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    member, meeting_id = council_members[0], id_of(meeting)
    ids: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def tap() -> None:
        try:
            request = _do(db, console.do_request_floor, member, meeting_id)
        except BaseException as error:  # reported by the assertion below
            with lock:
                errors.append(error)
            return
        with lock:
            ids.append(request.id)

    threads = [threading.Thread(target=tap) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 1
    with db.read() as session:
        rows = list(session.exec(select(SpeakerRequest)))
    assert [(r.id, r.status) for r in rows] == [(ids[0], "waiting")]
    assert _kinds_since(db, meeting, 0).count("speaker.requested") == 1


def test_asking_for_the_floor_is_refused_to_those_who_may_not(
    db: Database, clerk: User, resident: User, council_members: list[User], meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)
    member = council_members[0]
    act = console.do_request_floor
    assert refusal(lambda: _do(db, act, member, meeting_id)).status_code == 409
    start_session(db, clerk, meeting_id, council_members[1:])
    absent = refusal(lambda: _do(db, act, member, meeting_id))
    assert (absent.status_code, absent.message) == (
        403,
        "Check in at the meeting before you ask for the floor.",
    )
    assert refusal(lambda: _do(db, act, resident, meeting_id)).status_code == 403
    mandate = _mandate(db, meeting, council_members[1])
    # Only a clerk puts another member on the queue.
    failed = refusal(lambda: _do(db, act, council_members[2], meeting_id, mandate.id))
    assert failed.status_code == 403
    assert refusal(lambda: _do(db, act, clerk, meeting_id, 10**6)).status_code == 404
    assert not [k for k in _kinds_since(db, meeting, 0) if k.startswith("speaker.")]


def test_the_clerk_queues_a_member_without_a_device(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    mandate = _mandate(db, meeting, council_members[1])
    request = _do(db, console.do_request_floor, clerk, id_of(meeting), mandate.id)
    assert (request.mandate_id, request.recorded_by_id) == (mandate.id, clerk.id)
    # The member's own tap then finds the same request.
    own = _do(db, console.do_request_floor, council_members[1], id_of(meeting))
    assert own.id == request.id


def test_the_chair_runs_the_queue(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    meeting_id = id_of(meeting)
    _do(db, console.do_update_live_settings, clerk, meeting_id, "none", "", 120)
    first, second, third = (
        _do(db, console.do_request_floor, member, meeting_id) for member in council_members
    )
    before = _last(db, meeting)
    granted = _do(db, console.do_next_speaker, clerk, meeting_id)
    assert (granted.id, granted.status) == (first.id, "speaking")
    assert granted.started_at is not None
    # Granting the floor to someone else finishes the current speaker first.
    _do(db, console.do_grant_floor, clerk, third.id)
    # Granting it to whoever speaks already changes nothing.
    _do(db, console.do_grant_floor, clerk, third.id)
    _do(db, console.do_remove_request, clerk, second.id)
    _do(db, console.do_finish_speaker, clerk, meeting_id)
    events = _events(db, meeting, before)
    assert [(e["type"], e["data"]["request_id"]) for e in events] == [
        ("speaker.granted", first.id),
        ("speaker.finished", first.id),
        ("speaker.granted", third.id),
        ("speaker.removed", second.id),
        ("speaker.finished", third.id),
    ]
    assert [e["seq"] for e in events] == list(range(before + 1, before + 6))
    assert events[0]["data"]["limit_seconds"] == 120
    assert events[0]["data"]["name"] == "Member 0"
    with db.read() as session:
        statuses = {r.id: r.status for r in session.exec(select(SpeakerRequest))}
    assert statuses == {first.id: "done", second.id: "removed", third.id: "done"}
    # Nothing left to do: each is refused, and logs nothing.
    last = _last(db, meeting)
    for act, target in (
        (console.do_finish_speaker, meeting_id),
        (console.do_next_speaker, meeting_id),
        (console.do_grant_floor, second.id),
        (console.do_remove_request, first.id),
    ):
        assert _refused(db, act, clerk, target) == 409
    assert _last(db, meeting) == last


def test_a_member_withdraws_their_own_request(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    meeting_id = id_of(meeting)
    member, other = council_members[0], council_members[1]
    request = _do(db, console.do_request_floor, member, meeting_id)
    assert _refused(db, console.do_withdraw_request, other, meeting_id) == 409
    withdrawn = _do(db, console.do_withdraw_request, member, meeting_id)
    assert (withdrawn.id, withdrawn.status) == (request.id, "withdrawn")
    assert _events(db, meeting)[-1]["type"] == "speaker.withdrawn"
    assert _refused(db, console.do_withdraw_request, member, meeting_id) == 409
    # A new request after the withdrawal is a new row.
    assert _do(db, console.do_request_floor, member, meeting_id).id != request.id


def test_only_the_chair_runs_the_queue(
    db: Database, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    meeting_id = id_of(meeting)
    member = council_members[0]
    request = _do(db, console.do_request_floor, member, meeting_id)
    for act, target in (
        (console.do_next_speaker, meeting_id),
        (console.do_finish_speaker, meeting_id),
        (console.do_grant_floor, request.id),
        (console.do_remove_request, request.id),
    ):
        assert _refused(db, act, member, target) == 403
    assert refusal(lambda: _do(db, console.do_grant_floor, member, 10**6)).status_code == 404


# Live settings.


def test_the_chair_sets_the_video_and_the_speaking_limit(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)
    url = "https://video.example.be/raad.m3u8"
    live = _do(db, console.do_update_live_settings, clerk, meeting_id, "hls", url, 180)
    assert (live.video_kind, live.video_url, live.speaking_limit_seconds) == ("hls", url, 180)
    assert _kinds_since(db, meeting, 0) == ["video.changed"]
    # Only the limit changes: no event (it travels with each `speaker.granted`).
    _do(db, console.do_update_live_settings, clerk, meeting_id, "hls", url, 60)
    assert _kinds_since(db, meeting, 0) == ["video.changed"]
    _do(db, console.do_update_live_settings, clerk, meeting_id, "none", "", 60)
    assert _kinds_since(db, meeting, 0) == ["video.changed", "video.changed"]


@pytest.mark.parametrize(
    ("kind", "url", "limit"),
    [
        ("hls", "http://video.example.be/raad.m3u8", 0),
        ("embed", "", 0),
        ("embed", "javascript:alert(1)", 0),
        ("none", "https://video.example.be/", 0),
        ("vhs", "", 0),
        ("none", "", 3601),
        ("none", "", -1),
    ],
)
def test_bad_live_settings_are_refused(
    db: Database, clerk: User, meeting: Meeting, kind: str, url: str, limit: int
) -> None:
    act = console.do_update_live_settings
    failed = refusal(lambda: _do(db, act, clerk, id_of(meeting), kind, url, limit))
    assert failed.status_code == 400
    assert _events(db, meeting) == []


def test_only_the_chair_sets_the_live_settings(
    db: Database, council_members: list[User], meeting: Meeting
) -> None:
    act = console.do_update_live_settings
    member = council_members[0]
    assert refusal(lambda: _do(db, act, member, id_of(meeting), "none", "", 0)).status_code == 403


def test_ending_the_session_closes_the_floor(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    meeting_id = id_of(meeting)
    speaking, waiting, _ = (
        _do(db, console.do_request_floor, member, meeting_id) for member in council_members
    )
    _do(db, console.do_grant_floor, clerk, speaking.id)
    _do(db, console.do_withdraw_request, council_members[2], meeting_id)
    _do(db, actions.do_end_session, clerk, meeting_id)
    with db.read() as session:
        requests = list(session.exec(select(SpeakerRequest)))
    statuses = {r.id: r.status for r in requests}
    assert statuses[speaking.id] == "done"
    assert statuses[waiting.id] == "removed"
    assert all(r.ended_at is not None for r in requests)
    assert _kinds_since(db, meeting, _last(db, meeting) - 1) == ["session.ended"]
