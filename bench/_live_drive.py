"""What bench/live.py drives its runs with: the servers' processes as Linux's /proc shows them,
the viewer processes (bench/_live_viewers.py), and the chair, whose actions are timed from the
moment before it sends them to the moment the last viewer received their event."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bench._client import Connection, Resident, log_in
from bench._live_seed import CLERK_EMAIL, Item, LiveSeed, log_now

ROOT = Path(__file__).resolve().parent.parent
PATIENCE = 15.0  # seconds an event may take to reach every viewer before it counts as lost


def server_pids(port: int) -> list[int]:
    """The uvicorn (or bare) process serving `port` and its worker processes."""
    wanted = str(port).encode()
    parents: dict[int, int] = {}
    roots = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            parents[int(entry.name)] = int(
                (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            )
        except OSError:
            continue  # ended meanwhile
        if b"bench._live_viewers" in command:
            continue
        if (b"--port" in command and wanted in command) or command[-2:] == [wanted, b""]:
            roots.append(int(entry.name))
    return roots + [pid for pid, parent in parents.items() if parent in roots]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of the processes so far (utime + stime in /proc/PID/stat)."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


@contextmanager
def bare_server(port: int) -> Iterator[None]:
    """bench/_live_bare.py on `port`, until it listens; stopped afterwards."""
    command = [sys.executable, "-m", "bench._live_bare", str(port)]
    process = subprocess.Popen(command, cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the bare websockets server did not start") from None
                time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


class Viewers:
    """Viewer processes, each holding its share of the websockets to one port."""

    def __init__(self, port: int, processes: list[asyncio.subprocess.Process]) -> None:
        self.port = port
        self.processes = processes

    @classmethod
    async def start(cls, port: int, count: int) -> Viewers:
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench._live_viewers",
                str(port),
                cwd=ROOT,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            for _ in range(count)
        ]
        return cls(port, processes)

    async def _ask(self, process: asyncio.subprocess.Process, order: dict[str, Any]) -> Any:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(json.dumps(order).encode() + b"\n")
        await process.stdin.drain()
        line = await process.stdout.readline()
        if not line:
            raise RuntimeError(f"a viewer process exited ({await process.wait()})")
        return json.loads(line)

    async def ask(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        return list(await asyncio.gather(*(self._ask(p, order) for p in self.processes)))

    async def connect(self, path: str, count: int) -> tuple[int, int]:
        """Open `count` viewers of `path`, shared out; how many are open, how many failed."""
        shares = [count // len(self.processes)] * len(self.processes)
        shares[0] += count - sum(shares)
        answers = await asyncio.gather(
            *(
                self._ask(process, {"cmd": "connect", "path": path, "count": share})
                for process, share in zip(self.processes, shares, strict=True)
            )
        )
        return sum(a["connected"] for a in answers), sum(a["failed"] for a in answers)

    async def arrived(self, seq: int) -> tuple[int, int, float, float]:
        """Once every viewer has `seq` (or PATIENCE passed): how many have it, how many
        viewers there are, and when the first and the last received it."""
        answers = await self.ask({"cmd": "wait", "seq": seq, "timeout": PATIENCE})
        got = [a for a in answers if a["count"]]
        first = min((a["first"] for a in got), default=float("inf"))
        last = max((a["last"] for a in got), default=float("inf"))
        return sum(a["count"] for a in answers), sum(a["viewers"] for a in answers), first, last

    async def close(self) -> None:
        await self.ask({"cmd": "close"})
        for process in self.processes:
            await process.wait()


@dataclass
class Timings:
    """Per action, seconds from just before the chair sent it to the last viewer's receipt."""

    latencies: list[float] = field(default_factory=list)
    firsts: list[float] = field(default_factory=list)  # to the first viewer's receipt
    short: int = 0  # actions whose event some viewer never received
    cpu: float = 0.0  # server CPU seconds over the actions
    actions: int = 0

    def percentile_ms(self, q: float, *, first: bool = False) -> float:
        if not self.latencies:
            return float("inf")
        ordered = sorted(self.firsts if first else self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Chair:
    """The clerk chairing the meeting, logged in for real, switching the current item."""

    def __init__(self, port: int, seeded: LiveSeed, clerk: Resident | None, seq: int) -> None:
        self.port = port
        self.seeded = seeded
        self.clerk = clerk
        self.seq = seq  # the log's last number; each action appends exactly one event
        self.turn = 0

    @classmethod
    async def log_in(cls, port: int, seeded: LiveSeed, url: str) -> Chair:
        """Logged in, where the meeting's log stands: the same item again appends nothing, so
        the first action picks the other one."""
        clerk = await log_in(port, CLERK_EMAIL, seeded.password, seeded.clerk_id)
        seq, current = log_now(url, seeded.meeting_id)
        chair = cls(port, seeded, clerk, seq)
        if current == seeded.items[1].id:
            chair.turn = 1
        return chair

    def next_item(self) -> Item:
        self.turn += 1
        return self.seeded.items[self.turn % len(self.seeded.items)]

    async def act(self) -> int:
        """POST /meetings/{id}/current-item as the console's form does; the event's number."""
        assert self.clerk is not None, "the bare baseline's chair only publishes"
        item = self.next_item()
        body = urlencode({"item_id": item.id, "csrf_token": self.clerk.token}).encode()
        headers = {"Cookie": self.clerk.cookie, "Content-Type": "application/x-www-form-urlencoded"}
        connection = await Connection.open(self.port)
        try:
            path = f"/meetings/{self.seeded.meeting_id}/current-item"
            reply = await connection.request("POST", path, headers, body)
        finally:
            await connection.close()
        if reply.status != 303:
            raise RuntimeError(f"POST {path} gave {reply.status}: {reply.body[:300]!r}")
        self.seq += 1
        return self.seq

    async def publish(self, bare_port: int) -> int:
        """The same message, handed to the bare server to broadcast."""
        self.seq += 1
        message = self.seeded.message(self.seq, self.next_item())
        connection = await Connection.open(bare_port)
        try:
            reply = await connection.request("GET", f"/publish?message={quote(message)}")
        finally:
            await connection.close()
        if reply.status != 200:
            raise RuntimeError(f"the bare server answered {reply.status}")
        return self.seq


async def timed(
    trigger: Callable[[], Awaitable[int]],
    groups: list[Viewers],
    actions: int,
    pids: list[int],
    gap: float,
) -> Timings:
    """`actions` times: trigger one event, wait until every viewer in `groups` has it."""
    timings = Timings(actions=actions)
    before = cpu_seconds(pids)
    for _ in range(actions):
        sent = time.monotonic()
        seq = await trigger()
        found = await asyncio.gather(*(group.arrived(seq) for group in groups))
        if sum(got for got, *_rest in found) < sum(n for _got, n, *_rest in found):
            timings.short += 1
        elif found:
            timings.firsts.append(min(first for *_counts, first, _last in found) - sent)
            timings.latencies.append(max(last for *_rest, last in found) - sent)
        await asyncio.sleep(gap)
    timings.cpu = cpu_seconds(pids) - before
    return timings
