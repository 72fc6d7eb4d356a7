"""One process of bench/live.py's simulated viewers: many websocket clients on one event loop.

The client is a bare RFC 6455 one on asyncio's protocols, so that the viewers cost the bench
little CPU beside the server under test (the machine's cores are shared): it sends the
upgrade, answers pings, and of each text message reads only the leading `{"seq":N` of the
JSON API's messages, noting when (`time.monotonic()`, the system-wide clock the controller
reads too) each viewer received each number, and the numbers each viewer received.

Run as `python -m bench._live_viewers`; commands come as JSON lines on stdin, each answered by
one JSON line on stdout (see `Pool.command`).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from typing import Any, cast

CONNECTS_AT_ONCE = 100
TEXT, CLOSE, PING = 0x1, 0x8, 0x9
SEQ_PREFIX = b'{"seq":'
SNAPSHOT = b'"type":"snapshot"'


def raise_open_files() -> None:
    """Thousands of sockets need more descriptors than the usual soft limit of 1,024."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


@dataclass
class Arrivals:
    """How many viewers received a sequence number, and when the first and the last did."""

    count: int = 0
    first: float = 0.0
    last: float = 0.0


@dataclass
class Viewer:
    path: str
    seqs: list[int] = field(default_factory=list)  # received numbers, snapshots as -seq
    resyncs: int = 0  # closes with 4000, each answered by a reconnection
    protocol: Client | None = None


class Client(asyncio.Protocol):
    def __init__(self, pool: Pool, viewer: Viewer, since: int | None) -> None:
        self.pool = pool
        self.viewer = viewer
        self.since = since
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.upgraded = False
        self.opened: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but behave as one.
        self.transport = transport = cast(asyncio.Transport, transport)
        path = self.viewer.path + ("" if self.since is None else f"?since={self.since}")
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.pool.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        buffer = self.buffer + data
        if not self.upgraded:
            head, found, rest = buffer.partition(b"\r\n\r\n")
            if not found:
                self.buffer = buffer
                return
            if not head.startswith(b"HTTP/1.1 101"):
                self._finish(-int(head.split()[1]))
                return
            self.upgraded = True
            self.opened.set_result(True)
            buffer = rest
        while len(buffer) >= 2:
            opcode, length, start = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if length == 126:
                length, start = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                length, start = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < start + length:
                break
            payload = buffer[start : start + length]
            buffer = buffer[start + length :]
            if opcode == TEXT:
                self._text(payload, now)
            elif opcode == PING:
                self._send(0xA, payload)
            elif opcode == CLOSE:
                self._finish(int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005)
                return
        self.buffer = buffer

    def _text(self, payload: bytes, now: float) -> None:
        if not payload.startswith(SEQ_PREFIX):
            return  # the viewer count, outside the log
        seq = int(payload[7 : payload.index(b",", 7)])
        snapshot = SNAPSHOT in payload[:48]
        self.viewer.seqs.append(-seq if snapshot else seq)
        if not snapshot:
            self.pool.arrived(seq, now)

    def _send(self, opcode: int, payload: bytes) -> None:
        # A client's frames are masked; a zero mask leaves the payload as it is.
        if self.transport is not None and len(payload) < 126:
            header = bytes((0x80 | opcode, 0x80 | len(payload))) + b"\0\0\0\0"
            self.transport.write(header + payload)

    def _finish(self, code: int) -> None:
        if not self.opened.done():
            self.opened.set_result(False)
        if not self.closed.done():
            self.closed.set_result(code)
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._finish(1006)
        self.pool.lost(self)

    def abort(self) -> None:
        """Drop the connection as a network failure would: no closing handshake."""
        if self.transport is not None:
            self.transport.abort()


class Pool:
    def __init__(self, port: int) -> None:
        self.port = port
        self.viewers: list[Viewer] = []
        self.arrivals: dict[int, Arrivals] = {}
        self.waiting: dict[int, asyncio.Future[None]] = {}
        self.reconnecting = False
        self.failed = 0
        self.open = 0  # viewers whose `protocol` is set
        self.reconnections: list[asyncio.Task[None]] = []

    @property
    def connected(self) -> int:
        """Viewers with an open connection; counted as they come and go, as each arrival asks
        (a count over every viewer there cost this process a second per action)."""
        return self.open

    def arrived(self, seq: int, now: float) -> None:
        arrivals = self.arrivals.get(seq)
        if arrivals is None:
            arrivals = self.arrivals[seq] = Arrivals(first=now)
        arrivals.count += 1
        arrivals.last = now
        waiter = self.waiting.get(seq)
        if waiter is not None and arrivals.count >= self.connected and not waiter.done():
            waiter.set_result(None)

    def lost(self, client: Client) -> None:
        viewer = client.viewer
        if viewer.protocol is client:
            viewer.protocol = None
            self.open -= 1
        if client.closed.result() == 4000 and not self.reconnecting:
            viewer.resyncs += 1
            self.reconnections.append(asyncio.create_task(self.connect(viewer)))

    def last_seq(self, viewer: Viewer) -> int | None:
        return abs(viewer.seqs[-1]) if viewer.seqs else None

    async def connect(self, viewer: Viewer) -> None:
        loop = asyncio.get_running_loop()
        since = self.last_seq(viewer) if viewer.seqs else None
        client = Client(self, viewer, since)
        try:
            await loop.create_connection(lambda: client, "127.0.0.1", self.port)
            if await asyncio.wait_for(client.opened, 30):
                if viewer.protocol is None:
                    self.open += 1
                viewer.protocol = client
                return
        except (OSError, TimeoutError):
            client.abort()
        self.failed += 1

    async def connect_many(self, viewers: list[Viewer], spread: float) -> None:
        gate = asyncio.Semaphore(CONNECTS_AT_ONCE)

        async def one(viewer: Viewer) -> None:
            await asyncio.sleep(random.uniform(0, spread))
            async with gate:
                await self.connect(viewer)

        await asyncio.gather(*(one(viewer) for viewer in viewers))

    async def command(self, order: dict[str, Any]) -> dict[str, Any]:
        """`connect` {path, count}: open that many viewers; `wait` {seq, timeout}: until every
        connected viewer has the number, then when the first and last got it; `drop` {spread}:
        abort every connection, each viewer reconnecting after a random delay up to `spread`
        seconds with `since=` its last number; `check` {first, last}: which viewers' numbers
        from `first` on are not exactly `first..last`; `close`: close them all."""
        kind = order["cmd"]
        if kind == "connect":
            new = [Viewer(order["path"]) for _ in range(order["count"])]
            self.viewers += new
            before = self.failed
            await self.connect_many(new, 0.0)
            return {"connected": self.connected, "failed": self.failed - before}
        if kind == "wait":
            return await self.wait(order["seq"], order["timeout"])
        if kind == "drop":
            return await self.drop(order["spread"])
        if kind == "check":
            return self.check(order["first"], order["last"])
        for viewer in self.viewers:
            if viewer.protocol is not None:
                viewer.protocol.abort()
        await asyncio.sleep(0)
        return {"closed": len(self.viewers)}

    async def wait(self, seq: int, patience: float) -> dict[str, Any]:
        arrivals = self.arrivals.get(seq)
        if arrivals is None or arrivals.count < self.connected:
            waiter = self.waiting[seq] = asyncio.get_running_loop().create_future()
            try:
                await asyncio.wait_for(waiter, patience)
            except TimeoutError:
                pass
            finally:
                del self.waiting[seq]
        arrivals = self.arrivals.pop(seq, Arrivals())
        return {
            "count": arrivals.count,
            "first": arrivals.first,
            "last": arrivals.last,
            "viewers": self.connected,
        }

    async def drop(self, spread: float) -> dict[str, Any]:
        self.reconnecting = True
        for viewer in self.viewers:
            if viewer.protocol is not None:
                viewer.protocol.abort()
        await asyncio.sleep(0.05)
        before = self.failed
        await self.connect_many(self.viewers, spread)
        self.reconnecting = False
        return {"reconnected": self.connected, "failed": self.failed - before}

    def check(self, first: int, last: int) -> dict[str, Any]:
        complete = missing = snapshots = duplicates = 0
        for viewer in self.viewers:
            got = [seq for seq in viewer.seqs if abs(seq) >= first]
            snapshots += sum(1 for seq in got if seq < 0)
            numbers = [seq for seq in got if seq > 0]
            duplicates += len(numbers) - len(set(numbers))
            lacking = set(range(first, last + 1)) - set(numbers)
            if lacking:
                missing += 1
            else:
                complete += 1
        resyncs = sum(viewer.resyncs for viewer in self.viewers)
        return {
            "complete": complete,
            "missing": missing,
            "snapshots": snapshots,
            "duplicates": duplicates,
            "resyncs": resyncs,
        }


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    pool = Pool(port)
    while line := await reader.readline():
        order = json.loads(line)
        answer = await pool.command(order)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
        if order["cmd"] == "close":
            return


def main() -> None:
    raise_open_files()
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(int(sys.argv[1])))
    else:
        uvloop.run(serve(int(sys.argv[1])))


if __name__ == "__main__":
    main()
