"""What the live tests share: events appended straight to the log, a fake socket for the
hubs, the real server in a subprocess, and a JSON websocket client's reading helpers."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection

from participation.app import create_app
from participation.database import Database
from streaming import hub
from streaming.log import append_event
from tests.conftest import TEST_SECRET_KEY
from tests.server import free_port, served

# Generous: a receive that takes this long has failed, however slow the machine.
PATIENCE = 30.0
POLLING_APP = "participation.app:create_app"
SIGNALLED_APP = "tests.streaming.live_client:app_without_polling"


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run an async scenario in an event loop of its own, in a thread of its own: the browser
    tests' Playwright keeps an event loop running in the thread of the xdist worker that ran
    them, where `asyncio.run` refuses to start another."""
    failures: list[BaseException] = []

    def scenario() -> None:
        try:
            asyncio.run(test())
        except BaseException as failure:  # handed to the test's thread below
            failures.append(failure)

    thread = threading.Thread(target=scenario, name="live-scenario")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


async def until(condition: Callable[[], bool]) -> None:
    """Wait until the code under test got there; it has no event to tell us."""
    async with asyncio.timeout(PATIENCE):
        while not condition():  # noqa: ASYNC110 - the state is not ours to signal
            await asyncio.sleep(0.02)


def app_without_polling() -> Starlette:
    """The app whose hubs never poll the log: viewers hear of an event through the broker
    or not at all, which is what the broker tests need to prove."""
    hub.POLL_INTERVAL = 3600.0
    return create_app()


def append(db: Database, meeting_id: int, kind: str = "video.changed", count: int = 1) -> int:
    """Append `count` events in one transaction; the last sequence number."""
    seq = 0
    with db.write() as session:
        for _ in range(count):
            seq = append_event(session, meeting_id, kind, {})
    return seq


class FakeSocket:
    """A viewer's socket in memory; a `stuck` one never finishes a send, like a client that
    stopped reading."""

    def __init__(self, *, stuck: bool = False) -> None:
        self.received: asyncio.Queue[str] = asyncio.Queue()
        self.closed: tuple[int, str | None] | None = None
        self.unstuck = asyncio.Event()
        if not stuck:
            self.unstuck.set()

    async def send_text(self, data: str) -> None:
        await self.unstuck.wait()
        self.received.put_nowait(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed = (code, reason)
        self.received.put_nowait(f"closed {code} {reason}")

    async def next(self) -> str:
        return await asyncio.wait_for(self.received.get(), PATIENCE)

    async def messages_until(self, seq: int) -> list[dict[str, Any]]:
        """Decoded messages up to the one numbered `seq`."""
        found: list[dict[str, Any]] = []
        while not found or found[-1].get("seq") != seq:
            found.append(json.loads(await self.next()))
        return found


@contextmanager
def live_server(
    database_url: str, tmp_path: Path, *, factory: str = POLLING_APP, **settings: str
) -> Iterator[str]:
    """The app in its own uvicorn process; yields its host:port."""
    port = free_port()
    var_dir = tmp_path / f"var-{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("INSPRAAK_")}
    env.update(
        INSPRAAK_DATABASE_URL=database_url,
        INSPRAAK_VAR_DIR=str(var_dir),
        INSPRAAK_SECRET_KEY=TEST_SECRET_KEY,
        INSPRAAK_BASE_URL=f"http://127.0.0.1:{port}",
        **{f"INSPRAAK_{name.upper()}": value for name, value in settings.items()},
    )
    with served(factory, env, port, log_path=tmp_path / f"server-{port}.log"):
        yield f"127.0.0.1:{port}"


async def receive(socket: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), PATIENCE))
    return message


async def receive_until(socket: ClientConnection, seq: int) -> list[dict[str, Any]]:
    """The log's messages up to the one numbered `seq` (viewer counts left out)."""
    found: list[dict[str, Any]] = []
    while not found or found[-1]["seq"] < seq:
        message = await receive(socket)
        if message["type"] != "viewers":
            found.append(message)
    return found
