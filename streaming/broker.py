"""Brokers carry the news that a meeting's log grew, `(meeting_id, seq)`, from the worker that
committed the change to every worker with viewers of that meeting.

A signal is only a wake-up: the hub that hears it reads the events from the log, and polls
the log besides, so a signal that is lost (a worker killed between commit and publish, a
broker reconnecting) delays the viewers by a second at most and loses nothing.

- `memory://`: one process; the signal goes straight to this worker's event loop.
- `postgresql://...`: `NOTIFY inspraak_live, 'meeting_id:seq'`; one `LISTEN` connection
  per worker.
- `redis://...`: pub/sub on the channel `inspraak_live:<database number>`; one subscription
  per worker.

`publish` may be called from any thread (the bus delivers `live.appended` in the thread that
committed); the signal reaches this worker's own hubs at once and, for the remote brokers, a
publisher task on the loop sends it on, keeping only the highest number per meeting when
signals pile up.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

import psycopg
import redis.asyncio as aioredis

log = logging.getLogger(__name__)

CHANNEL = "inspraak_live"
APPLICATION_NAME = "inspraak live"  # how the broker's connections show in pg_stat_activity
# How long a starting worker waits for its subscription before serving without it (the
# hubs' polling covers the gap), and the longest pause between reconnection attempts.
READY_TIMEOUT = 10.0
MAX_BACKOFF = 5.0

Deliver = Callable[[int, int], None]


def encode(meeting_id: int, seq: int) -> str:
    return f"{meeting_id}:{seq}"


def decode(payload: str | bytes) -> tuple[int, int] | None:
    """`meeting_id:seq`, or None for anything else on the channel."""
    text = payload.decode() if isinstance(payload, bytes) else payload
    meeting, _sep, seq = text.partition(":")
    if not (meeting.isdigit() and seq.isdigit()):
        return None
    return int(meeting), int(seq)


class Broker:
    """The in-process broker (`memory://`), and the base of the others."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        """Hand every signal to `deliver`, called on this event loop, from now on."""
        self._loop = asyncio.get_running_loop()
        self._deliver = deliver

    async def stop(self) -> None:
        self._loop = None

    def publish(self, meeting_id: int, seq: int) -> None:
        """Announce a committed event; thread-safe, never blocks, never raises."""
        loop = self._loop
        if loop is None:
            return
        # A loop that closed as the worker shuts down raises: nobody is left to tell.
        with suppress(RuntimeError):
            loop.call_soon_threadsafe(self._outgoing, meeting_id, seq)

    def _outgoing(self, meeting_id: int, seq: int) -> None:
        if self._deliver is not None:
            self._deliver(meeting_id, seq)


class _RemoteBroker(Broker, ABC):
    """A broker that sends signals to other workers: one listener task, one publisher task."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self._pending: dict[int, int] = {}
        self._wanted = asyncio.Event()
        self._ready = asyncio.Event()
        self.subscriptions = 0  # how often the listener (re)subscribed
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, deliver: Deliver) -> None:
        await super().start(deliver)
        self._tasks = [
            asyncio.create_task(self._keep_listening(), name="broker-listen"),
            asyncio.create_task(self._keep_publishing(), name="broker-publish"),
        ]
        try:
            await asyncio.wait_for(self._ready.wait(), READY_TIMEOUT)
        except TimeoutError:
            log.warning("live broker %s not subscribed yet; hubs poll the log", type(self))

    async def stop(self) -> None:
        await super().stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self._close()

    def _outgoing(self, meeting_id: int, seq: int) -> None:
        super()._outgoing(meeting_id, seq)  # this worker's own viewers need no round trip
        self._pending[meeting_id] = max(seq, self._pending.get(meeting_id, 0))
        self._wanted.set()

    def _received(self, payload: str | bytes) -> None:
        signal = decode(payload)
        if signal is not None and self._deliver is not None:
            self._deliver(*signal)

    def _subscribed(self) -> None:
        self.subscriptions += 1
        self._ready.set()

    async def _keep_listening(self) -> None:
        backoff = 0.1
        while True:
            before = self.subscriptions
            try:
                await self._listen()
            except Exception:
                log.exception("live broker lost its subscription; reconnecting")
            backoff = 0.1 if self.subscriptions > before else min(backoff * 2, MAX_BACKOFF)
            await asyncio.sleep(backoff)

    async def _keep_publishing(self) -> None:
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            signals, self._pending = self._pending, {}
            try:
                for meeting_id, seq in signals.items():
                    await self._send(encode(meeting_id, seq))
            except Exception:
                # The other workers' hubs find these events when they next poll the log.
                log.exception("live broker could not publish; reconnecting")
                await self._close()

    @abstractmethod
    async def _listen(self) -> None:
        """Subscribe, call `_subscribed`, then pass each message to `_received` until failure."""

    @abstractmethod
    async def _send(self, payload: str) -> None:
        """Publish on the publishing connection, opening it when needed."""

    @abstractmethod
    async def _close(self) -> None:
        """Drop the publishing connection; the next `_send` opens a new one."""


class PostgresBroker(_RemoteBroker):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._out: psycopg.AsyncConnection[Any] | None = None

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(
            self.url, autocommit=True, application_name=APPLICATION_NAME
        )

    async def _listen(self) -> None:
        async with await self._connect() as listener:
            await listener.execute(f"LISTEN {CHANNEL}")
            self._subscribed()
            async for notice in listener.notifies():
                self._received(notice.payload)

    async def _send(self, payload: str) -> None:
        if self._out is None or self._out.closed:
            self._out = await self._connect()
        await self._out.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))

    async def _close(self) -> None:
        out, self._out = self._out, None
        if out is not None:
            await out.close()


class RedisBroker(_RemoteBroker):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._client: aioredis.Redis | None = None
        # Pub/sub ignores Redis's database numbers: sites that share a server by database
        # number (redis://host/2) must not hear each other, so the channel names it.
        self.channel = f"{CHANNEL}:{urlsplit(url).path.strip('/') or '0'}"

    async def _listen(self) -> None:
        # Its own client: closing the publisher's after a failure leaves the listener alone.
        listener = aioredis.Redis.from_url(self.url, client_name=self.channel)
        try:
            pubsub = listener.pubsub(ignore_subscribe_messages=True)
            await pubsub.subscribe(self.channel)
            self._subscribed()
            async for message in pubsub.listen():
                if message["type"] == "message":
                    self._received(message["data"])
        finally:
            await listener.aclose()  # closes its pool, the subscription's connection with it

    async def _send(self, payload: str) -> None:
        if self._client is None:
            self._client = aioredis.Redis.from_url(self.url)
        await self._client.publish(self.channel, payload)

    async def _close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()


def make_broker(url: str) -> Broker:
    """The broker INSPRAAK_BROKER_URL names (the setting checked its scheme)."""
    if url.startswith("redis://"):
        return RedisBroker(url)
    if url.startswith("postgresql"):
        return PostgresBroker(url)
    return Broker()
