"""Advisory votes per second through the real endpoint, and the results page of an item with
50,000 votes, each beside the bare baseline in the same run.

Run from the project root: `.venv/bin/python bench/votes.py [--postgresql URL] [--workers N]
[--residents N]`. bench/_votes_seed.py fills a database migrated by the real migrations (a
temporary SQLite file, or with --postgresql the database at URL, dropped and created again):
a published meeting whose first item has an open advisory ballot without votes, and whose
second item has one with 50,000 votes; both show their results live, so the page counts them.
The real app then runs under uvicorn (one worker unless --workers), and bench/_bare.py beside
it with as many workers. With the keep-alive client of bench/_client.py:

- residents log in for real (argon2, not timed), each taking a page's CSRF token;
- first votes: 64 clients post `POST /items/{id}/advisory-vote` (`choice`, `csrf_token`, the
  session cookie; no htmx, so 303 is success), each resident exactly once: inserts;
- changes: 64 clients, each with its own share of the residents, vote again and again for
  VOTE_SECONDS in interleaved rounds with bare POSTs, every vote a different choice than the
  resident's last: updates. The voting rate limit (`ratelimit.VOTE_PER_ACCOUNT`, 30 a minute)
  holds each resident to that many votes in the whole run, so that no answer is a 429 and the
  load is what many residents make, not what one script makes;
- the database is checked: one row per resident who voted, each holding the last choice
  answered 303, `audit.verify` clean, and one audit link per cast or change;
- the results page of the 50,000-vote item, anonymous, at 1 and 32 connections, against a
  bare page of the same size (bench/_pages.py's `measure`).

Beside the timings, the CPU seconds the servers' processes spent per vote and per bare POST
(from /proc) show the work each costs, which the machine's other load does not change much.
With --workers N, each worker sets TCP_NODELAY itself (see `_nagle_off`). The figures are
printed with PASS or MISS against the issue's targets; nothing is asserted. The parts are
bench/_votes_seed.py (the database and the checks after) and bench/_votes_load.py (the voters).
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
import socket
import sqlite3
import tempfile
from asyncio import base_events
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib.metadata import version
from time import perf_counter

from sqlalchemy import text
from starlette.applications import Starlette

from bench._bare import create_app as create_bare_app
from bench._client import (
    Connection,
    Resident,
    Sample,
    app_env,
    fetch,
    load,
    log_in,
    session_cookie,
)
from bench._pages import CONNECTIONS as PAGE_CONNECTIONS
from bench._pages import MAX_REQUESTS, Case, mark, measure
from bench._votes_load import CLIENTS, Voter, VoteRun, changes, first_votes, links_of
from bench._votes_seed import (
    VOTERS,
    Finding,
    VoteSeed,
    check,
    reading,
    recreate_postgresql,
    seed,
)
from participation.app import create_app
from participation.ratelimit import VOTE_PER_ACCOUNT
from tests.server import free_port, served

RESIDENTS = 512  # logged in; each votes once, then up to the rate limit again
LOGINS_AT_ONCE = 16
ROUNDS = 3
VOTE_SECONDS = 10.0  # changes, over all rounds
BARE_SECONDS = 1.5  # per round
VOTES_PER_SECOND = 1_000.0
RESULTS_P95_MS = 30.0


def server_cpu(port: int) -> float:
    """CPU seconds used so far by the uvicorn serving `port` and its worker processes, from
    Linux's /proc (0 elsewhere): the work each request costs, whatever the machine's load."""
    wanted = [b"--port", str(port).encode()]
    processes: dict[int, tuple[list[bytes], int, int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        processes[int(entry.name)] = (command, int(fields[1]), int(fields[11]) + int(fields[12]))
    roots = {
        pid
        for pid, (command, _parent, _ticks) in processes.items()
        if any(command[i : i + 2] == wanted for i in range(len(command) - 1))
    }
    ours = roots | {pid for pid, (_c, parent, _t) in processes.items() if parent in roots}
    return sum(processes[pid][2] for pid in ours) / os.sysconf("SC_CLK_TCK")


@dataclass
class Figures:
    logins: float = 0.0
    first: VoteRun = field(default_factory=VoteRun)
    changes: VoteRun = field(default_factory=VoteRun)
    bare: Sample = field(default_factory=Sample)
    app_cpu: float = 0.0  # CPU seconds of the app during the changes
    bare_cpu: float = 0.0  # and of the bare app during its POSTs
    results: Case | None = None
    voters: list[Voter] = field(default_factory=list)


async def log_in_all(port: int, seeded: VoteSeed, residents: int) -> list[Resident]:
    gate = asyncio.Semaphore(LOGINS_AT_ONCE)

    async def logged_in(number: int) -> Resident:
        async with gate:
            user_id = seeded.residents[number - 1]
            return await log_in(port, VoteSeed.email(number), seeded.password, user_id)

    return list(await asyncio.gather(*(logged_in(n) for n in range(1, residents + 1))))


async def results_case(port: int, item: int) -> Case:
    """The results page as an anonymous visitor who has been here before sees it."""
    visitor = session_cookie((await fetch(port, "/login")).header("set-cookie"))
    case = Case(f"/items/{item}, anonymous", f"/items/{item}", {"Cookie": visitor})
    probe = await Connection.open(port)
    try:
        page = await probe.request("GET", case.path, case.headers)
    finally:
        await probe.close()
    case.size = len(page.body)
    return case


async def run_all(app_port: int, bare_port: int, seeded: VoteSeed, residents: int) -> Figures:
    figures = Figures()
    print(f"\nlogging in {residents} residents (argon2 each, {LOGINS_AT_ONCE} at once)...")
    started = perf_counter()
    logged = await log_in_all(app_port, seeded, residents)
    figures.logins = perf_counter() - started
    voters = [Voter(resident, turn=n) for n, resident in enumerate(logged)]
    figures.voters = voters
    print(f"first votes: {residents} residents, one each, {CLIENTS} clients...", flush=True)
    figures.first = await first_votes(app_port, seeded.live_item, voters)
    print(f"changes: {CLIENTS} clients, {ROUNDS} rounds, bare POSTs between...", flush=True)
    for _ in range(ROUNDS):
        before = server_cpu(app_port)
        got = await changes(app_port, seeded.live_item, voters, VOTE_SECONDS / ROUNDS)
        figures.app_cpu += server_cpu(app_port) - before
        figures.changes.add(got)
        path = f"/page?bytes={figures.changes.size}"
        before = server_cpu(bare_port)
        bare = await load(bare_port, path, {}, CLIENTS, BARE_SECONDS, MAX_REQUESTS, method="POST")
        figures.bare_cpu += server_cpu(bare_port) - before
        figures.bare.add(bare)
    print(f"results page of the item with {VOTERS:,} votes:", flush=True)
    figures.results = await results_case(app_port, seeded.results_item)
    await measure(app_port, bare_port, [figures.results])
    return figures


def ms(sample: Sample, q: float) -> str:
    return f"{sample.percentile_ms(q):.1f}" if sample.latencies else "-"


def report_votes(figures: Figures) -> None:
    bare = figures.bare
    print(
        f"\n{'POST /items/{id}/advisory-vote':<34}{'votes/s':>8}{'p50':>7}{'p99':>7}"
        f"{'bare/s':>8}{'p50':>6}{'p99':>6}{'ratio':>7}  statuses"
    )
    for name, run in (
        (f"first votes ({len(figures.voters)} residents)", figures.first),
        (f"changes ({CLIENTS} clients)", figures.changes),
    ):
        s = run.sample
        ratio = run.votes_per_second / bare.rps if bare.rps else 0.0
        print(
            f"{name:<34}{run.votes_per_second:>8.0f}{ms(s, 0.5):>7}{ms(s, 0.99):>7}"
            f"{bare.rps:>8.0f}{ms(bare, 0.5):>6}{ms(bare, 0.99):>6}{ratio:>7.2f}  "
            f"{dict(sorted(run.statuses.items()))}"
        )
    changed = figures.changes.statuses[303]
    per_vote = 1000 * figures.app_cpu / changed if changed else 0.0
    per_post = 1000 * figures.bare_cpu / len(bare.latencies) if bare.latencies else 0.0
    budget = sum(voter.budget for voter in figures.voters)
    print(
        f"  latencies in ms; bare: POST /page answering {figures.changes.size} bytes at "
        f"{CLIENTS} connections, in rounds between the changes\n"
        f"  server CPU: {per_vote:.2f} ms per vote changed, bare {per_post:.2f} ms per POST "
        f"(all worker processes; one core's worth is {1000 / per_vote if per_vote else 0:,.0f}"
        f" votes/s)\n"
        f"  logging in took {figures.logins:.1f} s (not timed above); {budget:,} votes were left"
        f" within the rate limit ({VOTE_PER_ACCOUNT.limit} a resident)"
    )


def report_results(case: Case) -> None:
    print(
        f"\n{'GET ' + case.name:<34}{'bytes':>7}{'p50':>7}{'p95':>7}{'req/s':>7}"
        f"{'bare p95':>9}{'bare/s':>8}{'ratio':>7}  errors"
    )
    for label, app, bare in (
        ("  1 connection", case.single, case.bare_single),
        (f"  {PAGE_CONNECTIONS} connections", case.loaded, case.bare),
    ):
        ratio = app.rps / bare.rps if bare.rps else 0.0
        print(
            f"{label:<34}{case.size:>7}{ms(app, 0.5):>7}{ms(app, 0.95):>7}{app.rps:>7.0f}"
            f"{ms(bare, 0.95):>9}{bare.rps:>8.0f}{ratio:>7.2f}  {case.errors}"
        )
    print("  bare: GET /page of the same size; the 1-connection req/s is one client's pace")


def report_targets(figures: Figures, findings: list[Finding]) -> None:
    rate = figures.changes.votes_per_second
    print("\nTargets:")
    print(
        f"  advisory votes >= {VOTES_PER_SECOND:,.0f}/s at {CLIENTS} clients (changes): "
        f"{rate:,.0f}/s {mark(rate >= VOTES_PER_SECOND)} (first votes "
        f"{figures.first.votes_per_second:,.0f}/s)"
    )
    for finding in findings:
        print(f"  {finding.name}: {mark(finding.ok)} ({finding.detail})")
    case = figures.results
    if case is None:
        return
    for connections, sample in ((1, case.single), (PAGE_CONNECTIONS, case.loaded)):
        p95 = sample.percentile_ms(0.95) if sample.latencies else float("inf")
        print(
            f"  results page p95 < {RESULTS_P95_MS:g} ms at {connections} connection(s): "
            f"{p95:.1f} ms {mark(not case.errors and p95 < RESULTS_P95_MS)}"
        )


def _nagle_off() -> None:
    """uvicorn --workers N binds its socket itself, without IPPROTO_TCP, so asyncio does not
    set TCP_NODELAY on the connections it accepts; each keep-alive request then waits ~40 ms
    for the client's delayed ACK (uvicorn issue #3149). In each worker: set it on every TCP
    connection, so that the figures are the app's, not this."""

    def set_nodelay(sock: socket.socket) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    setattr(base_events, "_set_nodelay", set_nodelay)  # noqa: B010 - private, untyped


def app_without_nagle() -> Starlette:
    _nagle_off()
    return create_app()


def bare_without_nagle() -> Starlette:
    _nagle_off()
    return create_bare_app()


def server_version(url: str) -> str:
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    with reading(url) as session:
        return f"PostgreSQL {session.execute(text('SHOW server_version')).scalar_one()}"


def load_average() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgresql", metavar="URL", help="a database to drop and refill")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (default 1)")
    parser.add_argument(
        "--residents",
        type=int,
        default=RESIDENTS,
        help=f"residents who log in and vote, {CLIENTS} to {VOTERS:,} (default {RESIDENTS})",
    )
    args = parser.parse_args()
    residents = max(CLIENTS, min(args.residents, VOTERS))
    started = perf_counter()
    with tempfile.TemporaryDirectory(prefix="inspraak-bench-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        url = args.postgresql or f"sqlite:///{folder / 'inspraak.db'}"
        if args.postgresql:
            recreate_postgresql(url)
        database = server_version(url)
        print(
            f"Inspraak votes benchmark: uvicorn {version('uvicorn')}, {database}, "
            f"{args.workers} worker(s) per server, {os.cpu_count()} CPUs (load average "
            f"{load_average()}), {CLIENTS} clients\nseeding:",
            flush=True,
        )
        app_port, bare_port = free_port(), free_port()
        env = app_env(url, tmp, app_port)
        seeded = seed(url, env["INSPRAAK_SECRET_KEY"])
        app, bare = "participation.app:create_app", "bench._bare:create_app"
        workers: tuple[str, ...] = ()
        if args.workers > 1:
            app, bare = "bench.votes:app_without_nagle", "bench.votes:bare_without_nagle"
            workers = ("--workers", str(args.workers))
            print("(TCP_NODELAY set in each worker: uvicorn issue #3149)")
        log = folder / "app.log"
        stack.enter_context(served(app, env, app_port, log_path=log, extra_args=workers))
        stack.enter_context(served(bare, env, bare_port, extra_args=workers))
        figures = asyncio.run(run_all(app_port, bare_port, seeded, residents))
        stack.close()
        last = {v.resident.user_id: v.accepted[-1] for v in figures.voters if v.accepted}
        findings = check(url, seeded.live_ballot, last, links_of(figures.voters))
        print(f"\n=== Results: {database}, {args.workers} worker(s) ===")
        print(
            f"seeding {seeded.seconds:.1f} s: "
            + ", ".join(f"{name.strip()} {s:.1f} s" for name, s in seeded.phases.items())
        )
        report_votes(figures)
        if figures.results is not None:
            report_results(figures.results)
        report_targets(figures, findings)
        logged = log.read_text(errors="replace")
        if "Traceback" in logged:
            print(f"\nthe app logged errors; the last of its log:\n{logged[-3000:]}")
    print(f"\ntook {perf_counter() - started:.1f} s (load average now {load_average()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
