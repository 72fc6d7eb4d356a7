"""The live websockets as clients meet them: the real server in its own process, with the
default in-process broker. Events are committed by this test process, so the server hears
of them by polling the log (its safety net), except where a test commits through the
server's own app (`TestClient`) to follow the in-process broker."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from starlette.testclient import TestClient
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from participation.database import Database
from participation.models import User
from streaming import hub
from streaming.log import events_after
from streaming.sockets import MAX_REPLAY, NOT_FOUND, POLICY_VIOLATION
from tests.streaming.live_client import PATIENCE, append, live_server, receive, receive_until, run
from tests.voting.agenda_world import (
    add_item,
    cast,
    close_ballot,
    id_of,
    make_meeting,
    open_ballot,
    start_session,
)
from voting.models import Meeting


def api(host: str, meeting_id: int, query: str = "") -> str:
    return f"ws://{host}/api/v1/meetings/{meeting_id}/live{query}"


async def receive_any(socket: ClientConnection) -> Any:
    return await asyncio.wait_for(socket.recv(), PATIENCE)


async def closed_with(socket: ClientConnection) -> int | None:
    """The code the server closed the socket with, reading whatever came before."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await receive(socket)
    return closed.value.rcvd.code if closed.value.rcvd else None


def test_two_viewers_receive_the_same_events_in_order(
    database_url: str,
    tmp_path: Path,
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
) -> None:
    meeting_id = id_of(meeting)
    with live_server(database_url, tmp_path) as host:

        async def scenario() -> None:
            async with connect(api(host, meeting_id)) as one, connect(api(host, meeting_id)) as two:
                for socket in (one, two):
                    assert (await receive(socket))["type"] == "snapshot"
                await asyncio.to_thread(start_session, db, clerk, meeting_id, council_members)
                last = await asyncio.to_thread(append, db, meeting_id)
                first, second = await receive_until(one, last), await receive_until(two, last)
                assert first == second
                kinds = [message["type"] for message in first]
                assert kinds == ["session.started", *["attendance"] * 3, "video.changed"]
                assert [message["seq"] for message in first] == list(range(1, last + 1))

        run(scenario)


def test_a_viewer_that_reconnects_gets_exactly_what_it_missed(
    database_url: str, tmp_path: Path, db: Database, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)
    seen = append(db, meeting_id, count=3)
    with live_server(database_url, tmp_path) as host:

        async def scenario() -> None:
            async with connect(api(host, meeting_id)) as socket:
                snapshot = await receive(socket)
            assert snapshot["seq"] == seen
            missed = await asyncio.to_thread(append, db, meeting_id, "session.paused", 4)
            async with connect(api(host, meeting_id, f"?since={seen}")) as socket:
                replayed = await receive_until(socket, missed)
                later = await asyncio.to_thread(append, db, meeting_id, "session.resumed")
                live = await receive_until(socket, later)
            with db.read() as session:
                expected = [
                    {"seq": event.seq, "type": event.type, "data": {}}
                    for event in events_after(session, meeting_id, seen)
                ]
            assert replayed + live == expected

        run(scenario)


@pytest.mark.parametrize("since", ["abc", "-1", "1.5", "١"])
def test_a_since_that_is_no_sequence_number_is_refused(
    database_url: str, tmp_path: Path, meeting: Meeting, since: str
) -> None:
    with live_server(database_url, tmp_path) as host:

        async def scenario() -> None:
            async with connect(api(host, id_of(meeting), f"?since={since}")) as socket:
                assert await closed_with(socket) == POLICY_VIOLATION

        run(scenario)


def test_a_snapshot_when_since_is_absent_ahead_or_too_old(
    database_url: str, tmp_path: Path, db: Database, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)
    last = append(db, meeting_id, count=MAX_REPLAY + 2)
    with live_server(database_url, tmp_path) as host:

        async def scenario() -> None:
            for query in ("", "?since=", "?since=1", f"?since={last + 5}"):
                async with connect(api(host, meeting_id, query)) as socket:
                    snapshot = await receive(socket)
                assert snapshot["type"] == "snapshot"
                assert snapshot["seq"] == last
                assert snapshot["data"]["meeting_id"] == meeting_id
                assert snapshot["data"]["seq"] == last
            async with connect(api(host, meeting_id, f"?since={last - MAX_REPLAY}")) as socket:
                assert (await receive(socket))["seq"] == last - MAX_REPLAY + 1

        run(scenario)


def test_meetings_that_are_not_public_cannot_be_watched(
    database_url: str, tmp_path: Path, db: Database, clerk: User
) -> None:
    draft = id_of(make_meeting(db, clerk, "Ontwerp", publish=False))
    with live_server(database_url, tmp_path) as host:

        async def scenario() -> None:
            for url in (api(host, draft), api(host, draft + 99), f"ws://{host}/live/{draft}/ws"):
                async with connect(url) as socket:
                    assert await closed_with(socket) == NOT_FOUND

        run(scenario)


def test_a_foreign_origin_is_refused(database_url: str, tmp_path: Path, meeting: Meeting) -> None:
    meeting_id = id_of(meeting)
    with live_server(database_url, tmp_path) as host:

        async def scenario() -> None:
            for url in (api(host, meeting_id), f"ws://{host}/live/{meeting_id}/ws"):
                with pytest.raises(InvalidStatus) as refused:
                    await connect(url, origin=Origin("http://evil.example"))
                assert refused.value.response.status_code == 403
                async with connect(url, origin=Origin(f"http://{host}")) as socket:
                    await receive_any(socket)

        run(scenario)


def test_connections_per_address_are_limited(
    database_url: str, tmp_path: Path, meeting: Meeting
) -> None:
    with live_server(database_url, tmp_path, live_max_connections_per_ip="2") as host:
        url = api(host, id_of(meeting))

        async def scenario() -> None:
            async with connect(url), connect(f"ws://{host}/live/{id_of(meeting)}/ws"):
                with pytest.raises(InvalidStatus) as refused:
                    await connect(url)
                assert refused.value.response.status_code == 403
            while True:  # the server counts the closed ones out as their handlers end
                try:
                    async with connect(url) as socket:
                        assert (await receive(socket))["type"] == "snapshot"
                        break
                except InvalidStatus:
                    await asyncio.sleep(0.05)

        run(scenario)


def test_the_html_socket_sends_every_panel_then_what_changed(
    database_url: str, tmp_path: Path, db: Database, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)
    with live_server(database_url, tmp_path) as host:

        async def scenario() -> None:
            url = f"ws://{host}/live/{meeting_id}/ws"
            async with connect(url, additional_headers={"Cookie": "inspraak_language=en"}) as ws:
                page = BeautifulSoup(await receive_any(ws), "html.parser")
                assert page.find(id="live-status") is not None
                await asyncio.to_thread(append, db, meeting_id, "session.started")
                update = BeautifulSoup(await receive_any(ws), "html.parser")
                seq = update.find(id="live-seq")
                assert seq is not None
                assert seq.get("data-seq") == "1"
                assert update.find(id="live-agenda") is None  # only the panels that changed
            async with connect(f"{url}?since=1") as current:  # up to date: no page
                await asyncio.to_thread(append, db, meeting_id, "session.paused")
                update = BeautifulSoup(await receive_any(current), "html.parser")
                assert update.find(id="live-status") is not None
                assert update.find(id="live-agenda") is None

        run(scenario)


def test_a_commit_in_the_same_process_reaches_viewers_through_the_memory_broker(
    app: Starlette,
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hub, "POLL_INTERVAL", 3600.0)  # only the broker can wake the hub
    meeting_id = id_of(meeting)
    item_id = id_of(add_item(db, clerk, meeting))
    with (
        TestClient(app) as client,
        client.websocket_connect(f"/api/v1/meetings/{meeting_id}/live") as socket,
    ):
        assert socket.receive_json()["type"] == "snapshot"
        app_db: Database = app.state.db
        start_session(app_db, clerk, meeting_id, council_members)
        open_ballot(app_db, clerk, item_id)
        kinds = [socket.receive_json()["type"] for _ in range(5)]
        assert kinds == [
            "session.started",
            "attendance",
            "attendance",
            "attendance",
            "ballot.opened",
        ]


def test_what_happens_about_a_closed_session_item_never_reaches_the_public(
    database_url: str,
    tmp_path: Path,
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
) -> None:
    meeting_id = id_of(meeting)
    closed = id_of(add_item(db, clerk, meeting, closed_session=True))
    start_session(db, clerk, meeting_id, council_members)
    seen = append(db, meeting_id)
    with live_server(database_url, tmp_path) as host:

        async def scenario() -> None:
            async with connect(api(host, meeting_id, f"?since={seen - 1}")) as socket:
                await asyncio.to_thread(open_ballot, db, clerk, closed)
                await asyncio.to_thread(cast, db, council_members[0], closed, "yes")
                await asyncio.to_thread(close_ballot, db, clerk, closed)
                last = await asyncio.to_thread(append, db, meeting_id, "session.paused")
                live = await receive_until(socket, last)
            async with connect(api(host, meeting_id, f"?since={seen - 1}")) as socket:
                replayed = await receive_until(socket, last)
            for received in (live, replayed):
                assert [m["type"] for m in received] == ["video.changed", "session.paused"]

        run(scenario)
    with db.read() as session:
        kinds = [e.type for e in events_after(session, meeting_id, seen) if not e.public]
    # The log keeps them for the members' minutes.
    assert kinds == ["ballot.opened", "ballot.tally", "ballot.closed"]


def _server_pid(host: str) -> int:
    """The uvicorn process serving `host` (127.0.0.1:port), found by its command line."""
    port = host.rsplit(":", 1)[1].encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                arguments = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"uvicorn" in arguments and port in arguments:
                return int(entry.name)
    raise LookupError(host)


def test_a_worker_killed_mid_session_loses_nothing(
    database_url: str, tmp_path: Path, db: Database, meeting: Meeting
) -> None:
    meeting_id = id_of(meeting)
    seen = append(db, meeting_id, count=2)
    with live_server(database_url, tmp_path) as host:

        async def before_the_crash() -> None:
            async with connect(api(host, meeting_id, f"?since={seen}")) as socket:
                await asyncio.to_thread(append, db, meeting_id, "session.started")
                assert [m["seq"] for m in await receive_until(socket, seen + 1)] == [seen + 1]
                os.kill(_server_pid(host), signal.SIGKILL)
                await closed_with(socket)

        run(before_the_crash)
    # Changes go on while no worker runs; a new worker serves the viewer's reconnection.
    last = append(db, meeting_id, "session.paused", count=2)
    with live_server(database_url, tmp_path) as host:

        async def after_the_restart() -> None:
            async with connect(api(host, meeting_id, f"?since={seen + 1}")) as socket:
                caught_up = await receive_until(socket, last)
            assert [m["seq"] for m in caught_up] == list(range(seen + 2, last + 1))

        run(after_the_restart)
