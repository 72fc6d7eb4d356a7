"""Live council sessions at scale: thousands of websocket viewers of one meeting, each chair
action timed to the last of them, beside a bare `websockets` broadcast in the same run.

Run from the project root: `.venv/bin/python bench/live.py [--viewers N] [--quick]
[--postgresql URL] [--ws IMPL]`. bench/_live_seed.py fills a database migrated by the real
migrations (a temporary SQLite file, or with --postgresql the database at URL, dropped and
created again) through the real actions: a clerk who chairs, a published meeting in session
with two agenda items. The app then runs under uvicorn as `inspraak serve` runs it (one
worker, no per-message deflate, the `memory://` broker), the viewers in processes of their own
(bench/_live_viewers.py, a lean client), all of them on `WS /api/v1/meetings/{id}/live`:

- (a) the clerk, logged in for real, switches the current item with the console's
  `POST /meetings/{id}/current-item`; each action's latency runs from just before the POST
  to the moment the last viewer received its event (`time.monotonic()`, one clock for every
  process on Linux); p50 and p99 over the actions;
- (b) the server's resident memory with the viewers connected, less that with none, per viewer;
- (e) every viewer's connection is cut at once and reopened within `--spread` seconds with
  `since=` the last number it received, while the chair goes on acting every 0.2 s; then each
  viewer's numbers must run without gap from the first action of that phase to the last;
- (c) bench/_live_bare.py, a bare `websockets` server on uvloop, broadcasts the same bytes to
  as many viewers of the same client, triggered by a plain GET: its latencies, memory and CPU
  beside the app's. The CPU per message per viewer is the server's /proc CPU time over the
  actions, less that of as many actions without viewers, divided by actions × viewers;
- (d) with --postgresql: two app processes with the PostgreSQL broker, half the viewers on
  each, the chair on the first; p50 and p99 to the last viewer of both.

The figures are printed with PASS or MISS against the issue's targets; nothing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, this file's folder heads sys.path, where bench/http.py would hide the standard
# library's `http` package; the project root goes there instead.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

# ruff: noqa: E402 - the imports must follow the sys.path repair above
import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib.metadata import version

from bench._client import app_env
from bench._live_drive import (
    Chair,
    Viewers,
    bare_server,
    rss_kib,
    server_pids,
    timed,
)
from bench._live_report import Figures, Reconnection, report
from bench._live_seed import LiveSeed, seed
from bench._live_viewers import raise_open_files
from bench._votes_seed import recreate_postgresql
from tests.server import free_port, served

ACTIONS = 30
WARM_ACTIONS = 10  # without viewers: the CPU an action costs the server by itself
GAP = 0.2  # seconds between actions
SPREAD = 10.0


@dataclass
class Plan:
    viewers: int
    actions: int
    clients: int  # viewer processes
    spread: float
    ws: str
    url: str
    tmp: Path
    seeded: LiveSeed
    log_paths: list[Path] = field(default_factory=list)


def server_args(ws: str) -> list[str]:
    # `inspraak serve`'s flags (participation/cli.py); served() sets host, port and log level.
    return ["--ws-per-message-deflate", "false", "--ws", ws, "--proxy-headers"]


def env_for(plan: Plan, port: int, broker: str) -> dict[str, str]:
    env = app_env(plan.url, str(plan.tmp / f"var-{port}"), port)
    env["INSPRAAK_LIVE_MAX_CONNECTIONS_PER_IP"] = "1000000"
    env["INSPRAAK_BROKER_URL"] = broker
    return env


async def without_viewers(trigger: Callable[[], Awaitable[int]], pids: list[int]) -> float:
    """Server CPU seconds per action with nobody watching."""
    await trigger()  # the first one warms caches
    warm = await timed(trigger, [], WARM_ACTIONS, pids, GAP)
    return warm.cpu / WARM_ACTIONS


async def watched(
    plan: Plan, port: int, trigger: Callable[[], Awaitable[int]], figures: Figures, name: str
) -> Viewers:
    """Connect the viewers to `port` and time the actions; the viewers stay connected."""
    pids = server_pids(port)
    idle_cpu = await without_viewers(trigger, pids)
    idle_rss = rss_kib(pids)
    viewers = await Viewers.start(port, plan.clients)
    started = time.monotonic()
    connected, failed = await viewers.connect(plan.seeded.json_path, plan.viewers)
    connecting = time.monotonic() - started
    await asyncio.sleep(1.0)  # let the handshakes' garbage go
    rss = rss_kib(pids)
    print(f"  {name}: {connected} viewers connected in {connecting:.1f} s ({failed} failed)")
    timings = await timed(trigger, [viewers], plan.actions, pids, GAP)
    figures.runs[name] = timings
    figures.memory[name] = (idle_rss, rss, connected)
    figures.idle_cpu[name] = idle_cpu
    return viewers


async def reconnect(plan: Plan, chair: Chair, viewers: Viewers) -> Reconnection:
    """Cut every viewer and let them come back with `since=` while the chair acts."""
    first = chair.seq + 1
    acting = True

    async def keep_acting() -> None:
        while acting:
            await chair.act()
            await asyncio.sleep(GAP)

    actor = asyncio.create_task(keep_acting())
    await asyncio.sleep(1.0)
    started = time.monotonic()
    answers = await viewers.ask({"cmd": "drop", "spread": plan.spread})
    wave = time.monotonic() - started
    await asyncio.sleep(1.0)
    acting = False
    await actor
    last = await chair.act()
    got, present, *_times = await viewers.arrived(last)
    checks = await viewers.ask({"cmd": "check", "first": first, "last": last})
    total = {key: sum(c[key] for c in checks) for key in checks[0]}
    return Reconnection(
        events=last - first + 1,
        reconnected=sum(a["reconnected"] for a in answers),
        failed=sum(a["failed"] for a in answers),
        seconds=wave,
        final=(got, present),
        **total,
    )


async def one_worker(plan: Plan, port: int, figures: Figures) -> None:
    chair = await Chair.log_in(port, plan.seeded, plan.url)
    viewers = await watched(plan, port, chair.act, figures, "app")
    try:
        print(f"  reconnecting every viewer within {plan.spread:g} s...", flush=True)
        figures.reconnection = await reconnect(plan, chair, viewers)
    finally:
        await viewers.close()


async def bare(plan: Plan, port: int, figures: Figures) -> None:
    chair = Chair(0, plan.seeded, clerk=None, seq=0)
    viewers = await watched(plan, port, lambda: chair.publish(port), figures, "bare")
    await viewers.close()


async def two_workers(plan: Plan, ports: list[int], figures: Figures) -> None:
    chair = await Chair.log_in(ports[0], plan.seeded, plan.url)
    pids = [pid for port in ports for pid in server_pids(port)]
    half = max(1, plan.clients // 2)
    groups = [await Viewers.start(port, half) for port in ports]
    try:
        for group in groups:
            connected, failed = await group.connect(plan.seeded.json_path, plan.viewers // 2)
            print(f"  port {group.port}: {connected} viewers connected ({failed} failed)")
        figures.runs["2 workers"] = await timed(chair.act, groups, plan.actions, pids, GAP)
    finally:
        for group in groups:
            await group.close()


def run(plan: Plan, postgresql: bool) -> Figures:
    figures = Figures(viewers=plan.viewers, ws=plan.ws)
    port = free_port()
    log = plan.tmp / "app.log"
    plan.log_paths.append(log)
    print("(a, b, e) the app, one worker, memory:// broker:", flush=True)
    with served(
        "participation.app:create_app",
        env_for(plan, port, "memory://"),
        port,
        log_path=log,
        extra_args=server_args(plan.ws),
    ):
        asyncio.run(one_worker(plan, port, figures))
    print("(c) the bare websockets server:", flush=True)
    port = free_port()
    with bare_server(port):
        asyncio.run(bare(plan, port, figures))
    if not postgresql:
        return figures
    print("(d) two app processes, PostgreSQL broker:", flush=True)
    with ExitStack() as stack:
        ports = [free_port(), free_port()]
        for number, worker in enumerate(ports):
            log = plan.tmp / f"worker{number}.log"
            plan.log_paths.append(log)
            stack.enter_context(
                served(
                    "participation.app:create_app",
                    env_for(plan, worker, plan.url),
                    worker,
                    log_path=log,
                    extra_args=server_args(plan.ws),
                )
            )
        asyncio.run(two_workers(plan, ports, figures))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--viewers", type=int, default=5000, help="viewers (default 5000)")
    parser.add_argument("--actions", type=int, default=ACTIONS, help="timed chair actions")
    parser.add_argument("--clients", type=int, default=2, help="viewer processes (default 2)")
    parser.add_argument("--spread", type=float, default=SPREAD, help="reconnection window, s")
    parser.add_argument("--quick", action="store_true", help="500 viewers, 10 actions, 3 s")
    parser.add_argument("--postgresql", metavar="URL", help="a database to drop and refill")
    parser.add_argument(
        "--ws",
        default="auto",
        choices=["auto", "websockets", "websockets-sansio", "wsproto"],
        help="uvicorn's websocket implementation (default auto, as inspraak serve)",
    )
    args = parser.parse_args()
    if args.quick:
        args.viewers, args.actions, args.spread = 500, 10, 3.0
    raise_open_files()  # the servers, started from here, inherit it
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="inspraak-live-") as tmp:
        url = args.postgresql or f"sqlite:///{Path(tmp) / 'inspraak.db'}"
        if args.postgresql:
            recreate_postgresql(url)
        database = "PostgreSQL" if args.postgresql else "SQLite"
        print(
            f"Inspraak live benchmark: uvicorn {version('uvicorn')} (--ws {args.ws}), "
            f"websockets {version('websockets')}, {database}, {args.viewers} viewers in "
            f"{args.clients} processes, {os.cpu_count()} CPUs (load average "
            f"{', '.join(f'{v:.1f}' for v in os.getloadavg())})",
            flush=True,
        )
        plan = Plan(
            args.viewers,
            args.actions,
            args.clients,
            args.spread,
            args.ws,
            url,
            Path(tmp),
            seed(url),
        )
        figures = run(plan, bool(args.postgresql))
        report(figures)
        for log in plan.log_paths:
            logged = log.read_text(errors="replace")
            if "Traceback" in logged:
                print(f"\n{log.name} logged errors; the last of it:\n{logged[-3000:]}")
    print(f"\ntook {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
