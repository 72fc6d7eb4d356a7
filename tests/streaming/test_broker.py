"""Brokers carry `(meeting_id, seq)` from the worker that committed to every worker: in
process, over PostgreSQL LISTEN/NOTIFY, over Redis pub/sub; and with them two uvicorn
processes that do not poll the log deliver every event to their viewers."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import psycopg
import pytest
import redis.asyncio as aioredis
from websockets.asyncio.client import connect

from participation.database import Database
from participation.events import Event
from streaming.broker import (
    APPLICATION_NAME,
    Broker,
    PostgresBroker,
    RedisBroker,
    decode,
    encode,
    make_broker,
)
from streaming.log import APPENDED, events_after
from tests.conftest import unavailable
from tests.streaming.live_client import (
    PATIENCE,
    SIGNALLED_APP,
    append,
    live_server,
    receive,
    receive_until,
    run,
    until,
)
from tests.voting.agenda_world import id_of
from voting.models import Meeting

Signals = asyncio.Queue[tuple[int, int]]


@pytest.fixture
def redis_url(request: pytest.FixtureRequest) -> str:
    """TEST_REDIS_URL, with a database number of its own per test process: the brokers'
    channels are named after it, so parallel tests do not hear each other."""
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        unavailable("Redis broker tests need TEST_REDIS_URL")
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
    if worker_id == "master":
        return url
    return f"{url.rsplit('/', 1)[0]}/{int(worker_id.removeprefix('gw')) + 1}"


@pytest.fixture(params=["postgresql", "redis"])
def broker_url(request: pytest.FixtureRequest) -> str:
    """A shared broker: the PostgreSQL test database, or the Redis server."""
    fixture = "postgresql_url" if request.param == "postgresql" else "redis_url"
    url: str = request.getfixturevalue(fixture)
    return url


async def started(url: str) -> tuple[Broker, Signals]:
    signals: Signals = asyncio.Queue()
    broker = make_broker(url)
    await broker.start(lambda meeting_id, seq: signals.put_nowait((meeting_id, seq)))
    return broker, signals


async def next_signal(signals: Signals) -> tuple[int, int]:
    return await asyncio.wait_for(signals.get(), PATIENCE)


def test_signals_travel_as_meeting_and_number() -> None:
    assert decode(encode(12, 345)) == (12, 345)
    assert decode(b"7:8") == (7, 8)
    for noise in ("", "12", "a:1", "1:b", "-1:2", "1:2:3"):
        assert decode(noise) is None


def test_the_memory_broker_hands_signals_from_any_thread_to_the_loop() -> None:
    async def scenario() -> None:
        heard: list[tuple[int, int, int]] = []
        done = asyncio.Event()

        def deliver(meeting_id: int, seq: int) -> None:
            heard.append((meeting_id, seq, threading.get_ident()))
            done.set()

        broker = Broker()
        await broker.start(deliver)
        thread = threading.Thread(target=broker.publish, args=(3, 9))
        thread.start()
        thread.join()
        await asyncio.wait_for(done.wait(), PATIENCE)
        assert heard == [(3, 9, threading.get_ident())]  # on the loop's thread
        await broker.stop()
        broker.publish(3, 10)  # a commit during shutdown: nobody left to tell, no error
        await asyncio.sleep(0)
        assert len(heard) == 1

    run(scenario)


def test_make_broker_follows_the_url_scheme() -> None:
    assert type(make_broker("memory://")) is Broker
    assert isinstance(make_broker("postgresql://u@h/db"), PostgresBroker)
    assert isinstance(make_broker("redis://h:6379/0"), RedisBroker)


def test_a_signal_reaches_every_worker_and_the_publisher_at_once(broker_url: str) -> None:
    async def scenario() -> None:
        (publisher, own), (other, theirs) = await started(broker_url), await started(broker_url)
        try:
            await asyncio.to_thread(publisher.publish, 41, 7)
            assert await next_signal(own) == (41, 7)  # no round trip for its own viewers
            assert await next_signal(theirs) == (41, 7)
        finally:
            await publisher.stop()
            await other.stop()

    run(scenario)


async def cut_subscriptions(url: str) -> None:
    """What a restart of the broker's server does to the workers' subscriptions."""
    if url.startswith("redis://"):
        client = aioredis.Redis.from_url(url)
        name = RedisBroker(url).channel  # the name its subscriptions give their connections
        for found in await client.client_list(_type="pubsub"):
            if found["name"] == name:
                await client.client_kill_filter(_id=found["id"])
        await client.aclose()
        return
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = %s AND datname = current_database()"
            " AND query ILIKE 'LISTEN%%'",
            (APPLICATION_NAME,),
        )


def test_a_worker_subscribes_again_after_losing_its_connection(broker_url: str) -> None:
    async def scenario() -> None:
        publisher, listener = make_broker(broker_url), make_broker(broker_url)
        assert isinstance(publisher, PostgresBroker | RedisBroker)
        assert isinstance(listener, PostgresBroker | RedisBroker)
        theirs: Signals = asyncio.Queue()
        await publisher.start(lambda meeting_id, seq: None)
        await listener.start(lambda meeting_id, seq: theirs.put_nowait((meeting_id, seq)))
        try:
            await cut_subscriptions(broker_url)
            await until(lambda: listener.subscriptions >= 2)  # it noticed, subscribed again
            publisher.publish(5, 6)
            assert await next_signal(theirs) == (5, 6)
        finally:
            await publisher.stop()
            await listener.stop()

    run(scenario)


def test_two_workers_deliver_every_event_through_the_broker(
    broker_url: str, database_url: str, tmp_path: Path, db: Database, meeting: Meeting
) -> None:
    """Two uvicorn processes on one database that never poll it: only the broker tells them."""
    meeting_id = id_of(meeting)
    server = {"factory": SIGNALLED_APP, "broker_url": broker_url}
    with (
        live_server(database_url, tmp_path, **server) as first,
        live_server(database_url, tmp_path, **server) as second,
    ):

        async def scenario() -> None:
            broker, _ = await started(broker_url)  # this process commits like a third worker

            def appended(event: Event) -> None:
                broker.publish(event.data["meeting_id"], event.data["seq"])

            db.bus.subscribe(APPENDED, appended, key="test-broker")
            url = f"/api/v1/meetings/{meeting_id}/live"
            try:
                async with (
                    connect(f"ws://{first}{url}") as one,
                    connect(f"ws://{second}{url}") as two,
                ):
                    for socket in (one, two):
                        assert (await receive(socket))["type"] == "snapshot"
                    for kind in ("session.started", "item.current", "session.paused"):
                        last = await asyncio.to_thread(append, db, meeting_id, kind)
                    last = await asyncio.to_thread(append, db, meeting_id, count=3)
                    got = [await receive_until(one, last), await receive_until(two, last)]
            finally:
                await broker.stop()
            with db.read() as session:
                logged = [(e.seq, e.type) for e in events_after(session, meeting_id, 0)]
            for messages in got:
                assert [(m["seq"], m["type"]) for m in messages] == logged

        run(scenario)
