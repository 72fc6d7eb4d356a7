"""Problem reports at a large city's scale: the department queue and the public map data.

Run from the project root: `.venv/bin/python bench/reports.py [--scale 0.1]` (BENCH_SCALE
works too). bench/_reports_seed.py fills a temporary SQLite database, migrated by the real
migrations, with 200,000 reports (times --scale) in plain inserts. The real app then runs in
one uvicorn worker, and bench/_bare.py beside it, a bare Starlette app that answers a page or
JSON of the same size as each case; bench/_pages.measure times every case on both, at 1
connection (what one visitor waits) and at 32 (throughput, queueing included).

Cases: GET /problems/queue as a clerk (every department, one department, its overdue
reports, and a page deep down the queue), the map data GET /api/v1/reports?bbox=... (a
district, the whole city, one street, a district with a status), and for reference the
public list, statistics and a report's page. Each statement behind the queue and the map is
printed with SQLite's query plan and its work in virtual machine steps, so that a plan which
reads the whole table shows even where the timing hides it.

Target (issue 10, "Measure"): the queue and the map data p95 < 50 ms on one worker, one
request at a time. Nothing is asserted; the targets are printed with PASS or MISS.
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, this file's folder heads sys.path, where bench/http.py would hide the standard
# library's `http` package; the project root goes there.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

# ruff: noqa: E402 - the imports must follow the sys.path repair above
import argparse
import asyncio
import html
import os
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from importlib.metadata import version
from typing import Any

from sqlmodel import Session

from bench._client import app_env, fetch, log_in, session_cookie
from bench._pages import NEXT_LINK, Case, bbox, mark, measure, report_pages
from bench._plans import TABLE, captured_sql, vm_steps
from bench._reports_seed import CLERK_EMAIL, CLERK_ID, REPORTS, Seeded, seed
from bench._seed import CENTER, sqlite
from participation.database import Database
from problems import queries, queue
from tests.server import free_port, served

P95_MS = 50.0
DISTRICT = (CENTER[1] - 0.02, CENTER[0] - 0.01, CENTER[1] + 0.02, CENTER[0] + 0.01)
CITY = (CENTER[1] - 0.09, CENTER[0] - 0.06, CENTER[1] + 0.09, CENTER[0] + 0.06)
STREET = (CENTER[1] - 0.002, CENTER[0] - 0.001, CENTER[1] + 0.002, CENTER[0] + 0.001)
DEEP_PAGES = 40
PLAN_WIDTH = 160  # characters of a plan shown; a union of 18 ranges repeats itself
TARGETED = ("queue", "map")  # the cases the issue sets the target for


async def run(app_port: int, seeded: Seeded) -> list[Case]:
    visitor = {"Cookie": session_cookie((await fetch(app_port, "/login")).header("set-cookie"))}
    clerk = await log_in(app_port, CLERK_EMAIL, seeded.clerk_password, CLERK_ID)
    as_clerk = {"Cookie": clerk.cookie}
    deep = await deep_page(app_port, "/problems/queue?department=1", as_clerk, DEEP_PAGES)
    cases = [
        Case("queue: all departments", "/problems/queue", as_clerk),
        Case("queue: one department", "/problems/queue?department=1", as_clerk),
        Case("queue: overdue", "/problems/queue?department=1&overdue=1", as_clerk),
        Case("queue: a page far down", deep, as_clerk),
        Case(
            "map: district bbox",
            f"/api/v1/reports?limit=100&bbox={bbox(DISTRICT)}",
            visitor,
            json=True,
        ),
        Case(
            "map: whole city bbox",
            f"/api/v1/reports?limit=100&bbox={bbox(CITY)}",
            visitor,
            json=True,
        ),
        Case(
            "map: one street bbox",
            f"/api/v1/reports?limit=100&bbox={bbox(STREET)}",
            visitor,
            json=True,
        ),
        Case(
            "map: district, status=new",
            f"/api/v1/reports?limit=100&status=new&bbox={bbox(DISTRICT)}",
            visitor,
            json=True,
        ),
        Case("public list /problems", "/problems", visitor),
        Case("/problems/statistics", "/problems/statistics", visitor),
        Case("a report's page", f"/problems/{seeded.reports // 2}", visitor),
    ]
    for case in cases:
        case.size = len((await fetch(app_port, case.path, case.headers)).body)
    return cases


async def deep_page(port: int, path: str, headers: dict[str, str], pages: int) -> str:
    """The page `pages` clicks on "Next reports" after `path`, or the last there is."""
    for _ in range(pages):
        found = NEXT_LINK.search((await fetch(port, path, headers)).body.decode())
        if found is None:
            break
        path = html.unescape(found.group(1))
    return path


def _plans(seeded: Seeded) -> None:
    """The statements behind the queue and the map, with their plans and VM steps."""
    work: dict[str, Callable[[Session], Any]] = {
        "queue, one department": lambda s: queue.queue_page(s, queue.QueueFilter((1,))),
        "queue, all departments": lambda s: queue.queue_page(
            s, queue.QueueFilter(tuple(range(1, 7)))
        ),
        "map, district": lambda s: queries.map_points(
            s, queries.ReportFilter(sort="new"), DISTRICT, 101, None
        ),
        "map, street": lambda s: queries.map_points(
            s, queries.ReportFilter(sort="new"), STREET, 101, None
        ),
        "map photos": lambda s: queries.public_photos(s, list(range(1000, 1100))),
        "statistics (once a minute)": queries.compute_statistics,
    }
    db = Database(seeded.url)
    print(f"\nQuery plans and work (VM steps; {seeded.reports:,} reports):")
    try:
        with sqlite(seeded.path) as connection:
            for name, job in work.items():
                statements = captured_sql(db, job)
                big = [
                    (q, p)
                    for q, p in statements
                    if (TABLE.findall(q) or ["?"])[0].startswith("problem_")
                ]
                steps = sum(vm_steps(connection, q, p) for q, p in big)
                print(f"  {name}: {len(statements)} statements, {steps:,} steps")
                for sql, parameters in big[:3]:
                    plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters).fetchall()
                    line = "; ".join(row[3] for row in plan)
                    print("      " + (line if len(line) <= PLAN_WIDTH else line[:PLAN_WIDTH] + "…"))
    finally:
        db.dispose()


def report(cases: list[Case], seeded: Seeded) -> None:
    report_pages(cases)
    print(f"\nTargets (SQLite, one worker, {seeded.reports:,} reports, one connection):")
    for case in cases:
        if not case.name.startswith(TARGETED):
            continue
        p95 = case.single.percentile_ms(0.95)
        ok = not case.errors and p95 < P95_MS
        print(
            f"  {case.name:<32} p95 {p95:6.1f} ms < {P95_MS:g} ms {mark(ok)}  ({case.size:,} bytes)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE", "1")),
        help=f"share of the issue's size (default 1: {REPORTS:,} reports)",
    )
    args = parser.parse_args()
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"Inspraak problem reports benchmark: uvicorn {version('uvicorn')}, SQLite"
        f" {sqlite3.sqlite_version}, {os.cpu_count()} CPUs (load average {load_average}),"
        " one worker per server"
    )
    with tempfile.TemporaryDirectory(prefix="inspraak-bench-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        seeded = seed(folder / "inspraak.db", max(1_000, int(REPORTS * args.scale)))
        print(
            f"seeded {seeded.reports:,} reports: "
            + ", ".join(f"{name} {s:.1f} s" for name, s in seeded.phases.items())
            + f" ({(folder / 'inspraak.db').stat().st_size / 2**20:.0f} MiB)"
        )
        _plans(seeded)
        app_port, bare_port = free_port(), free_port()
        env = app_env(seeded.url, str(folder), app_port)
        stack.enter_context(
            served("participation.app:create_app", env, app_port, log_path=folder / "app.log")
        )
        stack.enter_context(served("bench._bare:create_app", env, bare_port))
        cases = asyncio.run(run(app_port, seeded))
        print("\nmeasuring (app and bare in turn):", flush=True)
        asyncio.run(measure(app_port, bare_port, cases))
        stack.close()
        report(cases, seeded)
    return 0


if __name__ == "__main__":
    sys.exit(main())
