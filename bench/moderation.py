"""The moderators' queue with 10,000 open reports on 5,000 items, beside the bare baseline.

Run from the project root: `.venv/bin/python bench/moderation.py [--scale 0.1] [--items N]
[--reports N]`. bench/_moderation_seed.py fills a temporary SQLite database, migrated by the
real migrations, with residents, ideas and comments (bench/_seed.py at --scale) and, on ITEMS
of those ideas and comments, REPORTS open reports, each item with its moderation case; items
that reached the app's auto-hide threshold are hidden pending review, and earlier, dismissed
cases sit closed beside them. The real app then runs in one uvicorn worker, and bench/_bare.py
beside it; a moderator logs in for real (argon2, not timed).

The pages, each reached as the moderator reaches it: `GET /moderation`, page 2 by its "next"
link (keyset), the page 90% down the queue by following those links, `?content_type=comment`
and `?reason=spam`. On the way they are checked through the app: page 1 starts with an item
with the most open reports, page 2 lists none of page 1's items and none with more reports than
page 1's last, each filter lists only what it asks for. Each page is then measured with the
keep-alive client of bench/_client.py at 1 connection (what the moderator waits) and at 32
(throughput, queueing included), against a bare page of the same size served in the same run
(bench/_pages.py's `measure`). Beside the timings, which move with the machine's other load,
the SQL that `moderation.queries.queue_page` sends for each page is run again for its work in
SQLite VM steps, and compared with the same pages of a queue ten times smaller.

The target, p95 < 50 ms at one connection, is printed with PASS or MISS; nothing is asserted.
If the queue page does not answer 200 yet, the run says so, measures nothing and exits with 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, this file's folder heads sys.path, where bench/http.py would hide the standard
# library's `http` package and this very file the `moderation` package; the project root goes
# there instead.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

# ruff: noqa: E402 - the imports must follow the sys.path repair above
import argparse
import asyncio
import html
import os
import re
import sqlite3
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import version
from time import perf_counter
from urllib.parse import urlencode, urlsplit

from sqlmodel import Session

from bench._client import Connection, Reply, Resident, app_env, log_in
from bench._moderation_seed import (
    ITEMS,
    MODERATOR_EMAIL,
    REPORTS,
    ModerationSeed,
    open_cases,
    seed,
)
from bench._pages import CONNECTIONS, PAGE_P95_MS, Case, mark, measure, report_pages
from bench._plans import TABLE, Statement, captured_sql, vm_steps
from bench._seed import sqlite
from bench.votes import server_cpu
from moderation import queries
from participation.database import Database
from participation.settings import Settings
from tests.server import free_port, served

QUEUE = "/moderation"
FILTERS = {"content_type": "comment", "reason": "spam"}
DEEP_SHARE = 0.9  # the deep page: this far down the queue, by its "next" links
GROWTH = 10  # the smaller queue, whose work the full one's is compared with
# An item of the queue: its link to the item in context, or its bulk checkbox (`type:id`).
ITEM = re.compile(r'/moderation/items/(\w+)/(\d+)|value="(\w+):(\d+)"')
NEXT_TAG = re.compile(r'<(?:a|link)\b[^>]*\brel="next"[^>]*>')
HREF = re.compile(r'\bhref="([^"]+)"')

Ref = tuple[str, int]
Cases = dict[Ref, tuple[int, str | None]]


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str


@dataclass
class Run:
    problem: str = ""  # why nothing was measured
    cases: list[Case] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    cpu_ms: dict[str, float] = field(default_factory=dict)  # the app's, per request of a case


def listed(page: Reply) -> list[Ref]:
    """The queue's items in the order the page shows them."""
    found: dict[Ref, None] = {}
    for match in ITEM.finditer(page.body.decode()):
        kind, number = match.group(1) or match.group(3), match.group(2) or match.group(4)
        found[kind, int(number)] = None
    return list(found)


def next_link(page: Reply) -> str | None:
    """The path of the page's rel="next" link, whatever the order of its attributes."""
    tag = NEXT_TAG.search(page.body.decode())
    href = HREF.search(tag.group(0)) if tag else None
    if href is None:
        return None
    parts = urlsplit(html.unescape(href.group(1)))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def check_order(first: list[Ref], second: list[Ref], cases: Cases) -> list[Finding]:
    most = max(count for count, _reason in cases.values())
    tied = sum(1 for count, _reason in cases.values() if count == most)
    top = first[0] if first else None
    shown = cases[top][0] if top in cases else None
    findings = [
        Finding(
            "page 1 starts with an item with the most open reports",
            shown == most,
            f"first {top}: {shown} reports; the most is {most} ({tied:,} items)",
        )
    ]
    if second:
        again = set(first) & set(second)
        last = cases.get(first[-1], (0, None))[0] if first else 0
        higher = [ref for ref in second if cases.get(ref, (0, None))[0] > last]
        findings.append(
            Finding(
                "page 2 goes on where page 1 ends",
                not again and not higher,
                f"{len(first)} and {len(second)} items; {len(again)} on both, "
                f"{len(higher)} with more reports than page 1's last ({last})",
            )
        )
    return findings


def check_filter(name: str, value: str, shown: list[Ref], cases: Cases) -> Finding:
    if name == "content_type":
        wrong = [ref for ref in shown if ref[0] != value]
    else:
        wrong = [ref for ref in shown if cases.get(ref, (0, None))[1] != value]
    return Finding(
        f"?{name}={value} lists only such items",
        bool(shown) and not wrong,
        f"{len(shown)} items, {len(wrong)} not {value}" + (f", e.g. {wrong[0]}" if wrong else ""),
    )


@dataclass(frozen=True)
class Spec:
    """A queue page as the moderator reaches it: a filter, then `clicks` on "next"."""

    name: str
    params: dict[str, str]
    clicks: int = 0

    @property
    def path(self) -> str:
        return QUEUE + (f"?{urlencode(self.params)}" if self.params else "")


def specs(items: int) -> list[Spec]:
    deep = int(DEEP_SHARE * items / queries.PAGE_SIZE)
    return [
        Spec("page 1", {}),
        Spec("page 2 (next)", {}, 1),
        Spec(f"{DEEP_SHARE:.0%} down (next)", {}, deep),
        *(Spec(f"?{name}={value}", {name: value}) for name, value in FILTERS.items()),
    ]


async def get(port: int, path: str, headers: dict[str, str]) -> Reply:
    connection = await Connection.open(port)
    try:
        return await connection.request("GET", path, headers)
    finally:
        await connection.close()


async def reach(port: int, spec: Spec, headers: dict[str, str]) -> tuple[str, Reply]:
    """The page's path and answer, following its "next" links as a moderator would."""
    path = spec.path
    page = await get(port, path, headers)
    for _ in range(spec.clicks):
        following = next_link(page) if page.status == 200 else None
        if following is None:
            break
        path = following
        page = await get(port, path, headers)
    return path, page


async def queue_cases(port: int, moderator: Resident, cases: Cases, run: Run) -> None:
    """The pages to measure, found as the moderator finds them, and checked on the way."""
    headers = {"Cookie": moderator.cookie}
    shown: dict[str, list[Ref]] = {}
    for spec in specs(len(cases)):
        path, page = await reach(port, spec, headers)
        if page.status != 200:
            run.findings.append(
                Finding(f"{spec.name} answers 200", False, f"{path}: {page.status}")
            )
            if not spec.params and not spec.clicks:
                run.problem = f"GET {QUEUE} gave {page.status}"
                return
            continue
        if spec.clicks and path == spec.path:
            run.findings.append(Finding(f'{spec.name}: a rel="next" link', False, "none found"))
            continue
        shown[spec.name] = listed(page)
        if spec.params:
            name, value = next(iter(spec.params.items()))
            run.findings.append(check_filter(name, value, shown[spec.name], cases))
        run.cases.append(Case(f"{QUEUE} {spec.name}", path, headers, size=len(page.body)))
    run.findings += check_order(shown.get("page 1", []), shown.get("page 2 (next)", []), cases)


async def run_all(app_port: int, bare_port: int, seeded: ModerationSeed) -> Run:
    run = Run()
    print("\nlogging in the moderator (argon2, not timed)...", flush=True)
    moderator = await log_in(
        app_port, MODERATOR_EMAIL, seeded.moderator_password, seeded.moderator_id
    )
    await queue_cases(app_port, moderator, open_cases(seeded.url), run)
    if run.problem:
        return run
    print("\nmeasuring pages (app and bare in turn):", flush=True)
    for case in run.cases:
        before = server_cpu(app_port)
        await measure(app_port, bare_port, [case])
        requests = sum(case.statuses.values())  # warm-up included, as in the CPU time
        run.cpu_ms[case.name] = 1000 * (server_cpu(app_port) - before) / max(1, requests)
    return run


def _filter_after(session: Session, spec: Spec) -> queries.QueueFilter:
    flt = queries.QueueFilter.parse(spec.params)
    for _ in range(spec.clicks):
        cursor = queries.queue_page(session, flt).next_cursor
        if cursor is None:
            break
        flt = queries.QueueFilter.parse({**spec.params, "cursor": cursor})
    return flt


def explain(url: str, path: Path, items: int) -> dict[tuple[str, str], list[Statement]]:
    """Per page and table, the statements `queries.queue_page` sends, with SQLite's plan and
    work (VM steps): the same whatever the machine's load."""
    db = Database(url)
    found: dict[tuple[str, str], list[Statement]] = {}
    try:
        with sqlite(path) as connection:
            for spec in specs(items):
                with db.read() as session:
                    flt = _filter_after(session, spec)
                for sql, parameters in captured_sql(db, partial(queries.queue_page, flt=flt)):
                    plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters).fetchall()
                    steps = vm_steps(connection, sql, parameters)
                    table = (TABLE.findall(sql) or ["?"])[0]
                    statement = Statement(spec.name, table, sql, [row[3] for row in plan], steps)
                    found.setdefault((spec.name, table), []).append(statement)
    finally:
        db.dispose()
    return found


Plans = dict[tuple[str, str], list[Statement]]


def report_plans(full: Plans, small: Plans) -> list[str]:
    """Print the work per page and table, beside the same pages of a queue GROWTH times
    smaller; answer the pages whose work follows the queue's size."""
    print(
        "\nQueries behind the queue pages (moderation.queries.queue_page): SQLite's work (VM"
        f" steps)\n{'page / table':<44}{'statements':>11}{'steps':>9}{'at 1/' + str(GROWTH):>9}"
        f"{'growth':>8}  plan (of the costliest)"
    )
    growing: list[str] = []
    for (page, table), statements in full.items():
        steps = sum(s.steps for s in statements)
        before = sum(s.steps for s in small.get((page, table), []))
        growth = steps / before if before else 0.0
        grows = growth >= 3 and steps >= 5_000
        if grows:
            growing.append(page)
        costliest = max(statements, key=lambda s: s.steps)
        print(
            f"{page + ' / ' + table:<44}{len(statements):>11}{steps:>9,}{before:>9,}"
            f"{growth:>7.1f}x  {' | '.join(costliest.plan)}" + ("   <-- GROWS" if grows else "")
        )
    print(
        f"  steps: SQLite VM instructions (to 100), summed; GROWS: 3 times the work or more (and"
        f" at least 5,000 steps) for {GROWTH} times the open reports: the work follows the queue"
    )
    return list(dict.fromkeys(growing))


def report_seed(seeded: ModerationSeed, cases: Cases, auto_hide_at: int) -> None:
    spread = Counter(count for count, _reason in cases.values())
    reasons = Counter(reason for _count, reason in cases.values())
    scale = seeded.content.scale
    print(
        f"seeding {seeded.seconds:.1f} s: {scale.users:,} residents, {scale.ideas:,} ideas, "
        f"{scale.comments:,} comments; {seeded.reports:,} open reports on {len(cases):,} items ("
        + ", ".join(f"{n:,} {kind}s" for kind, n in seeded.by_type.items())
        + ")\n  items by open reports: "
        + ", ".join(f"{count}: {n:,}" for count, n in sorted(spread.items()))
        + "\n  newest reason: "
        + ", ".join(f"{reason}: {n:,}" for reason, n in reasons.most_common())
        + f"\n  hidden pending review (auto-hide at {auto_hide_at or 'off'}): "
        f"{seeded.auto_hidden:,}"
    )


def report_targets(run: Run, growing: list[str]) -> None:
    print("\nChecks (through the app, before timing):")
    for finding in run.findings:
        print(f"  {finding.name}: {mark(finding.ok)} ({finding.detail})")
    print(
        f"  no page's queries work more as the queue grows: {mark(not growing)}"
        + (f" (grows: {', '.join(growing)})" if growing else "")
    )
    print("\nTargets (SQLite, one worker):")
    for case in run.cases:
        for connections, sample in ((1, case.single), (CONNECTIONS, case.loaded)):
            p95 = sample.percentile_ms(0.95)
            target = connections == 1
            verdict = mark(not case.errors and p95 < PAGE_P95_MS) if target else "(context)"
            print(
                f"  {case.name:<38} p95 at {connections:>2} connection(s): {p95:7.1f} ms {verdict}"
            )
    print(
        f"  the target is p95 < {PAGE_P95_MS:g} ms for one request at a time; at {CONNECTIONS}"
        " connections one worker queues them, see the ratio to bare above.\n  Server CPU per"
        " page (the app's process, from /proc; moves less with the machine's load): "
        + ", ".join(
            f"{name.removeprefix(QUEUE).strip()} {ms:.1f} ms" for name, ms in run.cpu_ms.items()
        )
    )


def load_average() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=0.1,
        help="content at this share of bench/ideas.py's (default 0.1: 10,000 ideas)",
    )
    parser.add_argument("--items", type=int, default=ITEMS, help=f"reported (default {ITEMS:,})")
    parser.add_argument(
        "--reports", type=int, default=REPORTS, help=f"open reports (default {REPORTS:,})"
    )
    args = parser.parse_args()
    started = perf_counter()
    print(
        f"Inspraak moderation benchmark: uvicorn {version('uvicorn')}, SQLite "
        f"{sqlite3.sqlite_version}, {os.cpu_count()} CPUs (load average {load_average()}), "
        f"one worker per server\nseeding:",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="inspraak-bench-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        app_port, bare_port = free_port(), free_port()
        env = app_env(f"sqlite:///{folder / 'inspraak.db'}", tmp, app_port)
        auto_hide_at = Settings.from_env(env).moderation_auto_hide_reports
        seeded = seed(folder / "inspraak.db", args.scale, args.items, args.reports, auto_hide_at)
        cases = open_cases(seeded.url)
        plans = explain(seeded.url, seeded.content.path, len(cases))
        print(f"\nseeding a queue {GROWTH} times smaller, to compare the queries' work:")
        small_path = folder / "small.db"
        items = max(1, args.items // GROWTH)
        small = seed(
            small_path, args.scale, items, max(items, args.reports // GROWTH), auto_hide_at
        )
        small_plans = explain(small.url, small_path, small.items)
        small_path.unlink()
        log = folder / "app.log"
        stack.enter_context(served("participation.app:create_app", env, app_port, log_path=log))
        stack.enter_context(served("bench._bare:create_app", env, bare_port))
        run = asyncio.run(run_all(app_port, bare_port, seeded))
        stack.close()
        print("\n=== Results: SQLite, one worker ===")
        report_seed(seeded, cases, auto_hide_at)
        logged = log.read_text(errors="replace")
        if run.problem:
            print(
                f"\n{run.problem}: the queue page is not there yet; the benchmark is ready but"
                " measured nothing."
            )
        else:
            report_pages(run.cases)
            report_targets(run, report_plans(plans, small_plans))
        if "Traceback" in logged:
            print(f"\nthe app logged errors; the last of its log:\n{logged[-3000:]}")
    print(f"\ntook {perf_counter() - started:.1f} s (load average now {load_average()})")
    return 1 if run.problem else 0


if __name__ == "__main__":
    sys.exit(main())
