"""The hubs fan a meeting's log out to this worker's viewers: read once, encoded or rendered
once, never held up by a slow viewer, tallies coalesced, lost signals caught by polling.

Viewers here are fake sockets; events are appended to the real log (SQLite and PostgreSQL)
and the hub is woken by hand, as the broker would. Each test runs its own event loop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

from bs4 import BeautifulSoup

from participation.database import Database
from participation.models import User
from participation.settings import Settings
from participation.templating import Templates
from streaming.hub import QUEUE_SIZE, RESYNC_CODE, TALLY, Hubs, MeetingHub, Viewer
from tests.streaming.live_client import FakeSocket, append, run, until
from tests.voting.agenda_world import id_of, make_meeting
from voting.models import Meeting


class Clock:
    """Time that stands still until a test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Socket(FakeSocket):
    """A fake socket behind the ASGI `send` the hub's viewers are given."""

    async def send(self, message: MutableMapping[str, Any]) -> None:
        if message["type"] == "websocket.send":
            await self.send_text(message["text"])
        else:
            assert message["type"] == "websocket.close"
            await self.close(message["code"], message["reason"])


async def watch(
    hubs: Hubs, meeting_id: int, socket: Socket, language: str | None = None
) -> tuple[MeetingHub, Viewer]:
    viewer = Viewer(socket.send, language)
    hub = await hubs.join(meeting_id, viewer)
    assert hub is not None
    viewer.floor = hub.last_seq
    await viewer.start()
    return hub, viewer


async def appended(
    db: Database, meeting_id: int, kind: str = "video.changed", count: int = 1
) -> int:
    return await asyncio.to_thread(append, db, meeting_id, kind, count)


def test_every_viewer_gets_the_same_encoded_events_in_order(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)
    append(db, meeting_id, count=2)  # before anyone watches: not sent

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), clock=Clock())
        first, second = Socket(), Socket()
        hub, _ = await watch(hubs, meeting_id, first)
        await watch(hubs, meeting_id, second)
        assert hub.last_seq == 2
        last = await appended(db, meeting_id, "session.started")
        hubs.wake(meeting_id, last)
        last = await appended(db, meeting_id, count=3)
        hubs.wake(meeting_id, last)
        one, other = await first.messages_until(last), await second.messages_until(last)
        assert [m["seq"] for m in one] == [3, 4, 5, 6]
        assert one == other
        assert one[0] == {"seq": 3, "type": "session.started", "data": {}}
        await hubs.aclose()

    run(scenario)


def test_the_text_is_encoded_once_for_all_viewers(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), clock=Clock())
        first, second = Socket(), Socket()
        await watch(hubs, meeting_id, first)
        await watch(hubs, meeting_id, second)
        hubs.wake(meeting_id, await appended(db, meeting_id))
        assert await first.next() is await second.next()
        await hubs.aclose()

    run(scenario)


def test_html_viewers_get_one_rendering_per_language(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), clock=Clock())
        dutch, also_dutch, english = Socket(), Socket(), Socket()
        for socket, language in ((dutch, "nl"), (also_dutch, "nl"), (english, "en")):
            await watch(hubs, meeting_id, socket, language)
        hubs.wake(meeting_id, await appended(db, meeting_id, "session.started"))
        nl, nl_too, en = await dutch.next(), await also_dutch.next(), await english.next()
        assert nl is nl_too
        for fragment in (nl, en):
            seq = BeautifulSoup(fragment, "html.parser").find(id="live-seq")
            assert seq is not None
            assert seq.get("hx-swap-oob")
        await hubs.aclose()

    run(scenario)


def test_tallies_are_coalesced_and_the_result_always_follows(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), clock=Clock())  # no 100 ms ever passes
        socket = Socket()
        await watch(hubs, meeting_id, socket)
        for _ in range(20):  # a vote cast at a time, each signalled
            hubs.wake(meeting_id, await appended(db, meeting_id, TALLY))
        last_tally = await appended(db, meeting_id, TALLY)
        closed = await appended(db, meeting_id, "ballot.closed")
        hubs.wake(meeting_id, closed)
        messages = await socket.messages_until(closed)
        tallies = [m["seq"] for m in messages if m["type"] == TALLY]
        assert len(tallies) <= 2  # the first may go at once; the rest wait for the result
        assert tallies[-1] == last_tally
        assert messages[-1]["type"] == "ballot.closed"
        await hubs.aclose()

    run(scenario)


def test_a_pending_tally_is_pushed_once_its_interval_has_passed(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        clock = Clock()
        hubs = Hubs(db, Templates(settings), clock=clock)
        socket = Socket()
        hub, _ = await watch(hubs, meeting_id, socket)
        first = await appended(db, meeting_id, TALLY)
        hubs.wake(meeting_id, first)
        assert json.loads(await socket.next())["seq"] == first
        for _ in range(5):
            last = await appended(db, meeting_id, TALLY)
            hubs.wake(meeting_id, last)
        await until(lambda: hub.last_seq == last)  # read them all, holds the latest back
        clock.now += 1  # the pending tally is due: the hub pushes it without another event
        assert json.loads(await socket.next())["seq"] == last
        await hubs.aclose()

    run(scenario)


def test_a_lost_signal_is_caught_by_polling(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), poll_interval=0.05)
        socket = Socket()
        await watch(hubs, meeting_id, socket)
        last = await appended(db, meeting_id, count=2)  # nobody wakes the hub
        assert [m["seq"] for m in await socket.messages_until(last)] == [1, 2]
        await hubs.aclose()

    run(scenario)


def test_a_viewer_that_stops_reading_is_dropped_without_delaying_the_others(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), clock=Clock())
        stuck, fast = Socket(stuck=True), Socket()
        hub, slow = await watch(hubs, meeting_id, stuck)
        await watch(hubs, meeting_id, fast)
        for _ in range(QUEUE_SIZE + 5):  # one batch each: the fast viewer reads it first
            seq = await appended(db, meeting_id)
            hubs.wake(meeting_id, seq)
            assert json.loads(await fast.next())["seq"] == seq
        assert slow not in hub.viewers
        assert hubs.viewer_count(meeting_id) == 1
        stuck.unstuck.set()  # the client reads again: it is told to resynchronise
        while stuck.closed is None:
            await stuck.next()
        assert stuck.closed == (RESYNC_CODE, "resync")
        await hubs.aclose()

    run(scenario)


def test_a_viewer_slow_for_a_while_gets_every_batch_in_order_later(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), clock=Clock())
        slow_socket, fast = Socket(stuck=True), Socket()
        hub, slow = await watch(hubs, meeting_id, slow_socket)
        await watch(hubs, meeting_id, fast)
        sent = []
        for _ in range(5):  # the slow viewer holds the first; the others wait in its queue
            seq = await appended(db, meeting_id)
            sent.append(seq)
            hubs.wake(meeting_id, seq)
            assert json.loads(await fast.next())["seq"] == seq
        assert slow_socket.received.empty()
        slow_socket.unstuck.set()
        assert [m["seq"] for m in await slow_socket.messages_until(sent[-1])] == sent
        assert slow in hub.viewers
        seq = await appended(db, meeting_id)  # and straight from the fan-out again
        hubs.wake(meeting_id, seq)
        assert json.loads(await slow_socket.next())["seq"] == seq
        await hubs.aclose()

    run(scenario)


class Failing(Socket):
    async def send(self, message: MutableMapping[str, Any]) -> None:
        raise OSError("gone")


def test_a_viewer_whose_socket_fails_is_passed_over(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), clock=Clock())
        _, broken = await watch(hubs, meeting_id, Failing())
        fine = Socket()
        await watch(hubs, meeting_id, fine)
        for _ in range(2):
            seq = await appended(db, meeting_id)
            hubs.wake(meeting_id, seq)
            assert json.loads(await fine.next())["seq"] == seq
        assert broken.failed
        await hubs.aclose()

    run(scenario)


def test_the_fan_out_takes_no_task_per_viewer(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), clock=Clock())
        sockets = [Socket() for _ in range(200)]
        for socket in sockets:
            await watch(hubs, meeting_id, socket)
        seq = await appended(db, meeting_id)
        hubs.wake(meeting_id, seq)
        await until(lambda: not sockets[-1].received.empty())
        assert len(asyncio.all_tasks()) < 10  # the scenario's, the hub's: none per viewer
        for socket in sockets:
            assert json.loads(await socket.next())["seq"] == seq
        await hubs.aclose()

    run(scenario)


def test_the_viewer_count_is_pushed_when_it_changed(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        clock = Clock()
        hubs = Hubs(db, Templates(settings), clock=clock)
        sockets = [Socket(), Socket()]
        for socket in sockets:
            await watch(hubs, meeting_id, socket)
        html = Socket()
        await watch(hubs, meeting_id, html, "nl")
        assert hubs.viewer_count(meeting_id) == 3
        clock.now += 10
        hubs.wake(meeting_id, 1)  # no event yet: only the count is due
        for socket in sockets:
            assert json.loads(await socket.next()) == {"type": "viewers", "data": {"count": 3}}
        assert BeautifulSoup(await html.next(), "html.parser").find(id="live-viewers")
        await hubs.aclose()

    run(scenario)


def test_the_hub_goes_with_its_last_viewer(
    db: Database, settings: Settings, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), clock=Clock())
        _, first = await watch(hubs, meeting_id, Socket())
        _, second = await watch(hubs, meeting_id, Socket())
        hubs.leave(first)
        assert meeting_id in hubs.hubs
        hubs.leave(second)
        assert meeting_id not in hubs.hubs
        assert hubs.viewer_count(meeting_id) == 0

    run(scenario)


def test_only_public_meetings_can_be_watched(db: Database, settings: Settings, clerk: User) -> None:
    draft = id_of(make_meeting(db, clerk, "Nog niet gepubliceerd", publish=False))

    async def scenario() -> None:
        hubs = Hubs(db, Templates(settings), clock=Clock())
        for meeting_id in (draft, draft + 1000):
            assert await hubs.join(meeting_id, Viewer(Socket().send)) is None
            assert meeting_id not in hubs.hubs

    run(scenario)
