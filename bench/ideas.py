"""Ideas at the issue's scale: the list, search, map data and an idea page, and supports/s.

Run from the project root: `.venv/bin/python bench/ideas.py [--scale 0.1] [--no-growth]`
(BENCH_SCALE works too). bench/_seed.py fills a temporary SQLite database, migrated by the
real migrations, with 50,000 residents, 100,000 ideas, 1,000,000 supports and 300,000 comments
(times --scale). The real app then runs in one uvicorn worker, and bench/_bare.py beside it, a
bare Starlette app that answers a page (or JSON) of the same size as each case; every case is
measured on both, in interleaved rounds, with the keep-alive client of bench/_client.py:

- at 1 connection, for the latency of one request on its own (what a visitor waits), and
- at 32 connections, for throughput; there the latency also holds the time spent queueing.

Then 32 residents, each logged in once, support random ideas for ten seconds, after which the
database is checked: one new row per new support, and every touched idea's support_count equal
to its number of rows. Last, whether pages stay as fast while the tables grow: the SQL of each
query behind the pages is captured, its plan printed with the work SQLite does for it (virtual
machine steps), and, unless --no-growth, the main pages are also measured on a database ten
times smaller. The targets are printed with PASS or MISS; nothing is asserted.

This file parses the arguments, runs the parts in order and prints the summary and targets;
the parts are bench/_pages.py, bench/_supports.py and bench/_plans.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, this file's folder heads sys.path, where bench/http.py would hide the standard
# library's `http` package and this very file the `ideas` package; the project root goes there.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

# ruff: noqa: E402 - the imports must follow the sys.path repair above
import argparse
import asyncio
import os
import sqlite3
import tempfile
from contextlib import ExitStack
from importlib.metadata import version
from time import perf_counter

from bench._client import app_env, fetch, log_in, session_cookie
from bench._pages import (
    CONNECTIONS,
    PAGE_P95_MS,
    Case,
    growth_cases,
    mark,
    measure,
    page_cases,
    report_pages,
)
from bench._plans import Statement, explain, report_plans
from bench._seed import Seeded, seed
from bench._supports import (
    SUPPORTS_PER_SECOND,
    Check,
    SupportRun,
    check_supports,
    report_supports,
    run_supports,
)
from tests.server import free_port, served

GROWTH_SCALE = 0.1  # the smaller database, as a share of the one measured


def seeded_at(folder: Path, factor: float) -> Seeded:
    print(f"\nseeding at scale {factor:g} into {folder}:", flush=True)
    result = seed(folder / "inspraak.db", factor)
    scale = result.scale
    print(
        f"  seeded {scale.users:,} users, {scale.ideas:,} ideas, {scale.supports:,} supports, "
        f"{scale.comments:,} comments in {result.seconds:.1f} s "
        f"({(folder / 'inspraak.db').stat().st_size / 2**20:.0f} MiB)"
    )
    return result


async def small_run(port: int, seeded: Seeded) -> list[Case]:
    visitor = session_cookie((await fetch(port, "/login")).header("set-cookie"))
    cases = growth_cases(await page_cases(port, seeded, visitor, None))
    await measure(port, None, cases)
    return cases


async def full_run(
    app_port: int, bare_port: int, seeded: Seeded
) -> tuple[list[Case], SupportRun, SupportRun, Check, float]:
    visitor = session_cookie((await fetch(app_port, "/login")).header("set-cookie"))
    print(f"\nlogging in {CONNECTIONS} residents (argon2, once each)...", flush=True)
    started = perf_counter()
    residents = list(
        await asyncio.gather(
            *(
                log_in(app_port, Seeded.email(user), seeded.password, user)
                for user in range(1, CONNECTIONS + 1)
            )
        )
    )
    login_seconds = perf_counter() - started
    cases = await page_cases(app_port, seeded, visitor, residents[0])
    print("\nmeasuring pages (app and bare in turn):", flush=True)
    await measure(app_port, bare_port, cases)
    run, bare, check = await run_supports(app_port, bare_port, seeded, residents)
    return cases, run, bare, check, login_seconds


def report_growth(small: list[Case], full: list[Case], factor: float) -> None:
    print(f"\nThe same pages on a database {1 / GROWTH_SCALE:g} times smaller (scale {factor:g}):")
    print(f"{'case':<40}{'p50 small':>10}{'p50 full':>10}{'p95 small':>10}{'p95 full':>10}")
    by_name = {case.name: case for case in full}
    for case in small:
        big = by_name.get(case.name)
        if big is None:
            continue
        print(
            f"{case.name:<40}{case.single.percentile_ms(0.5):>10.1f}"
            f"{big.single.percentile_ms(0.5):>10.1f}{case.single.percentile_ms(0.95):>10.1f}"
            f"{big.single.percentile_ms(0.95):>10.1f}"
        )
    print(
        "  one connection, ms; timings move with the machine's other load, the VM steps above"
        " are the exact measure of the work"
    )


def report_targets(
    cases: list[Case], run: SupportRun, problems: list[str], growing: list[str]
) -> None:
    passed = [c for c in cases if not c.errors and c.single.percentile_ms(0.95) < PAGE_P95_MS]
    rate = run.statuses[200] / run.sample.elapsed
    print("\nTargets (SQLite, one worker):")
    print(
        f"  pages p95 < {PAGE_P95_MS:g} ms, one request at a time, no errors: "
        f"{len(passed)} of {len(cases)} pages {mark(len(passed) == len(cases))}"
    )
    for c in cases:
        if c not in passed:
            reason = f"{c.errors} errors, " if c.errors else ""
            print(f"    MISS {c.name}: {reason}p95 {c.single.percentile_ms(0.95):.1f} ms")
    print(
        f"  supports >= {SUPPORTS_PER_SECOND:g}/s at {CONNECTIONS} clients: {rate:.0f}/s "
        f"{mark(rate >= SUPPORTS_PER_SECOND)}; exactly once: {mark(not problems)}"
    )
    print(
        f"  no page slower as the tables grow: {mark(not growing)}"
        + (f" (work grows for: {', '.join(dict.fromkeys(growing))})" if growing else "")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE", "1")),
        help="share of the issue's sizes (default 1: 100,000 ideas)",
    )
    parser.add_argument(
        "--no-growth", action="store_true", help="skip the run on a 10 times smaller database"
    )
    args = parser.parse_args()
    started = perf_counter()
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"Inspraak ideas benchmark: uvicorn {version('uvicorn')}, SQLite "
        f"{sqlite3.sqlite_version}, {os.cpu_count()} CPUs (load average {load_average}), "
        f"one worker per server, {CONNECTIONS} keep-alive connections"
    )
    with tempfile.TemporaryDirectory(prefix="inspraak-bench-") as tmp, ExitStack() as stack:
        small_cases: list[Case] | None = None
        small_plans: list[Statement] | None = None
        if not args.no_growth:
            folder = Path(tmp) / "small"
            folder.mkdir()
            small = seeded_at(folder, args.scale * GROWTH_SCALE)
            small_plans = explain(small)
            port = free_port()
            with served(
                "participation.app:create_app",
                app_env(small.url, str(folder), port),
                port,
                log_path=folder / "app.log",
            ):
                print("\nmeasuring the main pages on the small database:", flush=True)
                small_cases = asyncio.run(small_run(port, small))
            (folder / "inspraak.db").unlink()

        folder = Path(tmp) / "full"
        folder.mkdir()
        seeded = seeded_at(folder, args.scale)
        plans = explain(seeded)
        app_port, bare_port = free_port(), free_port()
        env = app_env(seeded.url, str(folder), app_port)
        stack.enter_context(
            served("participation.app:create_app", env, app_port, log_path=folder / "app.log")
        )
        stack.enter_context(served("bench._bare:create_app", env, bare_port))
        cases, run, bare, check, logins = asyncio.run(full_run(app_port, bare_port, seeded))
        new_supports, problems = check_supports(seeded.path, check, run)
        stack.close()

        print(f"\n=== Results at scale {args.scale:g} ===")
        print(
            f"seeding: {seeded.seconds:.1f} s for {seeded.scale.ideas:,} ideas, "
            f"{seeded.scale.supports:,} supports, {seeded.scale.comments:,} comments, "
            f"{seeded.scale.users:,} users ("
            + ", ".join(f"{name.strip()} {s:.1f} s" for name, s in seeded.phases.items())
            + ")"
        )
        report_pages(cases)
        report_supports(run, bare, new_supports, problems, logins)
        growing = report_plans(plans, small_plans, seeded.scale.ideas)
        if small_cases is not None:
            report_growth(small_cases, cases, args.scale * GROWTH_SCALE)
        report_targets(cases, run, problems, growing)
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\ntook {perf_counter() - started:.1f} s (load average now {load_average})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
