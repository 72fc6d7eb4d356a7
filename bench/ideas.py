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
import html
import os
import random
import re
import secrets
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from time import perf_counter
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import event
from sqlmodel import Session

from bench._client import Connection, Reply, Sample, load
from bench._seed import CENTER, Seeded, seed
from bench.http import CSRF_META, session_cookie
from ideas import queries
from participation import comments
from participation.database import Database
from tests.server import free_port, served

CONNECTIONS = 32
WARMUP_SECONDS = 0.5
ROUNDS = 3
ROUND_SECONDS = 1.5  # per round, server and connection count
MAX_REQUESTS = 50_000
DEEP_PAGES = 50  # "More ideas" links followed for the deep page
DEEP_SHARE = 0.9  # the deepest page: this far down the whole list
SUPPORT_SECONDS = 10.0
BARE_SUPPORT_SECONDS = 4.0
REPEAT_SHARE = 0.05  # supports sent again for an idea the resident already supports
PAGE_P95_MS = 50.0
SUPPORTS_PER_SECOND = 800.0
GROWTH_SCALE = 0.1  # the smaller database, as a share of the one measured
NEXT_LINK = re.compile(r'rel="next" href="([^"]+)"')
DISTRICT = (CENTER[1] - 0.02, CENTER[0] - 0.01, CENTER[1] + 0.02, CENTER[0] + 0.01)
EMPTY_AREA = (4.40, 50.80, 4.45, 50.85)  # Brussels: no idea there
WORLD = (-180.0, -90.0, 180.0, 90.0)


def bbox(box: tuple[float, float, float, float]) -> str:
    return ",".join(f"{value:g}" for value in box)


@dataclass
class Case:
    name: str
    path: str
    headers: dict[str, str]
    json: bool = False
    size: int = 0
    single: Sample = field(default_factory=Sample)
    loaded: Sample = field(default_factory=Sample)
    bare: Sample = field(default_factory=Sample)
    bare_single: Sample = field(default_factory=Sample)
    statuses: Counter[int] = field(default_factory=Counter)  # the app's, all loads

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)

    @property
    def bare_path(self) -> str:
        return f"/{'json' if self.json else 'page'}?bytes={self.size}"


@dataclass(frozen=True)
class Resident:
    user_id: int
    cookie: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": self.cookie, "X-CSRF-Token": self.token, "HX-Request": "true"}


@dataclass
class SupportRun:
    sample: Sample = field(default_factory=Sample)
    statuses: Counter[int] = field(default_factory=Counter)
    done: list[tuple[int, int]] = field(default_factory=list)  # (user, idea) per 200 reply
    size: int = 0


@dataclass
class Check:
    before_max_id: int
    existing: set[tuple[int, int]]  # (user, idea) supported before the run


# --- HTTP --------------------------------------------------------------------------------


async def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> Reply:
    connection = await Connection.open(port)
    try:
        reply = await connection.request("GET", path, headers)
    finally:
        await connection.close()
    if reply.status != 200:
        raise RuntimeError(f"GET {path} gave {reply.status}")
    return reply


async def follow_next(port: int, path: str, headers: dict[str, str], pages: int) -> str:
    """The URL of the page `pages` clicks on "More ideas" after `path`."""
    for _ in range(pages):
        found = NEXT_LINK.search((await fetch(port, path, headers)).body.decode())
        if found is None:
            raise RuntimeError(f"{path} has no next link")
        path = html.unescape(found.group(1))
    return path


async def log_in(port: int, email: str, password: str, user_id: int) -> Resident:
    """GET /login, POST /login, then GET /login again for the token of the new session."""
    connection = await Connection.open(port)
    try:
        page = await connection.request("GET", "/login")
        token = CSRF_META.search(page.body.decode())
        if token is None:
            raise RuntimeError("GET /login has no csrf-token meta tag")
        form = {"email": email, "password": password, "csrf_token": token.group(1)}
        headers = {
            "Cookie": session_cookie(page.header("set-cookie")),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        reply = await connection.request("POST", "/login", headers, urlencode(form).encode())
        if reply.status != 303:
            raise RuntimeError(f"POST /login for {email} gave {reply.status}, not 303")
        cookie = session_cookie(reply.header("set-cookie"))
        page = await connection.request("GET", "/login", {"Cookie": cookie})
        token = CSRF_META.search(page.body.decode())
        if token is None:
            raise RuntimeError("GET /login has no csrf-token meta tag")
        return Resident(user_id, cookie, token.group(1))
    finally:
        await connection.close()


# port, path, headers, the sample at 32 connections, at 1, and where statuses are counted
Target = tuple[int, str, dict[str, str], Sample, Sample, Counter[int] | None]


async def measure(app_port: int, bare_port: int | None, cases: list[Case]) -> None:
    """Per case: a warm-up, 1 connection on its own, then rounds at 32, app and bare in turn."""
    for number, case in enumerate(cases, start=1):
        print(f"  {number:>2}/{len(cases)} {case.name}", flush=True)
        servers: list[Target] = [
            (app_port, case.path, case.headers, case.loaded, case.single, case.statuses)
        ]
        if bare_port is not None:
            servers.append((bare_port, case.bare_path, {}, case.bare, case.bare_single, None))
        for port, path, headers, _loaded, single, statuses in servers:
            await load(
                port, path, headers, CONNECTIONS, WARMUP_SECONDS, MAX_REQUESTS, statuses=statuses
            )
            single.add(
                await load(
                    port, path, headers, 1, ROUND_SECONDS * 1.5, MAX_REQUESTS, statuses=statuses
                )
            )
        for _ in range(ROUNDS):
            for port, path, headers, loaded, _single, statuses in servers:
                got = await load(
                    port, path, headers, CONNECTIONS, ROUND_SECONDS, MAX_REQUESTS, statuses=statuses
                )
                loaded.add(got)


async def support_load(
    port: int, residents: list[Resident], ideas: list[int], seconds: float
) -> SupportRun:
    """Each resident on a connection of its own supports random ideas, now and then again."""
    run = SupportRun()
    rng = random.Random(7)
    pool = await asyncio.gather(*(Connection.open(port) for _ in residents))
    start = perf_counter()
    deadline = start + seconds

    async def client(resident: Resident, connection: Connection) -> None:
        mine: list[int] = []
        try:
            while perf_counter() < deadline:
                again = mine and rng.random() < REPEAT_SHARE
                idea = rng.choice(mine) if again else rng.choice(ideas)
                path = f"/ideas/{idea}/support"
                sent = perf_counter()
                try:
                    reply = await connection.request("POST", path, resident.headers)
                except (ConnectionError, asyncio.IncompleteReadError):
                    run.statuses[0] += 1  # dropped by the server, after an error
                    await connection.close()
                    connection = await Connection.open(port)
                    continue
                run.sample.latencies.append(perf_counter() - sent)
                run.statuses[reply.status] += 1
                if reply.status == 200:
                    run.done.append((resident.user_id, idea))
                    run.size = len(reply.body)
                    mine.append(idea)
        finally:
            await connection.close()

    await asyncio.gather(*(client(r, c) for r, c in zip(residents, pool, strict=True)))
    run.sample.elapsed = perf_counter() - start
    return run


# --- the database, seen from the benchmark -------------------------------------------------


@contextmanager
def sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


def deep_cursors(path: Path, ideas: int) -> tuple[str, str]:
    """Cursors as the app writes them, for the page DEEP_SHARE of the way down each list."""
    offset = int(DEEP_SHARE * ideas)
    visible = "FROM ideas WHERE withdrawn_at IS NULL"
    with sqlite(path) as db:
        (newest,) = db.execute(
            f"SELECT id {visible} ORDER BY id DESC LIMIT 1 OFFSET ?",
            (offset,),
        ).fetchone()
        count, idea = db.execute(
            f"SELECT support_count, id {visible}"
            " ORDER BY support_count DESC, id DESC LIMIT 1 OFFSET ?",
            (offset,),
        ).fetchone()
    return str(newest), f"{count}.{idea}"


def tie_cursor(path: Path) -> str:
    """The cursor for the page that follows the first page of the largest group of ideas
    with the same support_count, oldest last: most of that group comes before it."""
    visible = "FROM ideas WHERE withdrawn_at IS NULL"
    with sqlite(path) as db:
        (count,) = db.execute(
            f"SELECT support_count {visible} GROUP BY support_count ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        (idea,) = db.execute(
            f"SELECT id {visible} AND support_count = ? ORDER BY id LIMIT 1 OFFSET ?",
            (count, 2 * queries.PAGE_SIZE),
        ).fetchone()
    return f"{count}.{idea}"


def before_supports(path: Path, residents: list[Resident]) -> Check:
    users = [resident.user_id for resident in residents]
    marks = ", ".join("?" * len(users))
    with sqlite(path) as db:
        (before_max_id,) = db.execute("SELECT coalesce(max(id), 0) FROM idea_supports").fetchone()
        existing = db.execute(
            f"SELECT user_id, idea_id FROM idea_supports WHERE user_id IN ({marks})",  # noqa: S608
            users,
        ).fetchall()
    return Check(before_max_id, {(user, idea) for user, idea in existing})


def check_supports(path: Path, check: Check, run: SupportRun) -> tuple[int, list[str]]:
    """The number of new supports, and what is wrong in the database (nothing, one hopes)."""
    new_supports = 0
    seen = set(check.existing)
    for pair in run.done:
        if pair not in seen:
            seen.add(pair)
            new_supports += 1
    expected = seen - check.existing
    problems: list[str] = []
    with sqlite(path) as db:
        rows = db.execute(
            "SELECT user_id, idea_id FROM idea_supports WHERE id > ?", (check.before_max_id,)
        ).fetchall()
        added = {(user, idea) for user, idea in rows}
        if len(rows) != new_supports:
            problems.append(f"{len(rows)} new rows for {new_supports} new supports")
        if len(added) != len(rows):
            problems.append(f"{len(rows) - len(added)} duplicate (idea, user) rows")
        if added != expected:
            problems.append(
                f"{len(added - expected)} unexpected rows, {len(expected - added)} missing"
            )
        db.execute("CREATE TEMP TABLE touched (id INTEGER PRIMARY KEY)")
        db.executemany(
            "INSERT OR IGNORE INTO touched VALUES (?)", [(idea,) for _, idea in run.done]
        )
        (wrong,) = db.execute(
            "SELECT count(*) FROM ideas JOIN touched USING (id) WHERE support_count !="
            " (SELECT count(*) FROM idea_supports s WHERE s.idea_id = ideas.id)"
        ).fetchone()
        (touched,) = db.execute("SELECT count(*) FROM touched").fetchone()
    if wrong:
        problems.append(f"{wrong} of {touched} touched ideas have a wrong support_count")
    return new_supports, problems


# --- what SQLite does for each page ----------------------------------------------------------


@dataclass
class Statement:
    page: str
    table: str
    sql: str
    plan: list[str]
    steps: int


TABLE = re.compile(r"\bFROM (\w+)")


def captured_sql(db: Database, work: Callable[[Session], Any]) -> list[tuple[str, Any]]:
    """The SELECT statements (with parameters) that `work` sends to the database."""
    found: list[tuple[str, Any]] = []

    def capture(*args: Any) -> None:
        statement, parameters = args[2], args[3]
        if statement.lstrip().upper().startswith("SELECT"):
            found.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.read() as session:
            work(session)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return found


def vm_steps(connection: sqlite3.Connection, sql: str, parameters: Any) -> int:
    """Virtual machine instructions SQLite runs for the statement, to the nearest 100."""
    calls = 0

    def tick() -> int:
        nonlocal calls
        calls += 1
        return 0

    connection.set_progress_handler(tick, 100)
    try:
        connection.execute(sql, parameters).fetchall()
    finally:
        connection.set_progress_handler(None, 0)
    return calls * 100


def query_pages(seeded: Seeded) -> dict[str, Callable[[Session], Any]]:
    newest, supported = deep_cursors(seeded.path, seeded.scale.ideas)
    Filter = queries.IdeaFilter  # noqa: N806 - a class, under a shorter name

    def listed(**values: Any) -> Callable[[Session], Any]:
        return lambda session: queries.list_ideas(session, Filter(**values))

    def boxed(box: tuple[float, float, float, float]) -> Callable[[Session], Any]:
        return lambda session: queries.in_box(session, box, 101, None)

    return {
        "list, newest, page 1": listed(),
        "list, newest, 90% down": listed(cursor=newest),
        "list, most supported, page 1": listed(sort="supported"),
        "list, most supported, 90% down": listed(sort="supported", cursor=supported),
        "list, most supported, end of a tie": listed(
            sort="supported", cursor=tie_cursor(seeded.path)
        ),
        "list, most discussed, page 1": listed(sort="discussed"),
        "list, random order, page 1": listed(sort="random", seed=123_456_789),
        "list, one category, newest": listed(category_id=3),
        "list, status accepted, most supported": listed(status="accepted", sort="supported"),
        f"search '{seeded.common_word}'": listed(query=seeded.common_word),
        f"search '{seeded.rare_word}'": listed(query=seeded.rare_word),
        f"search '{seeded.common_word}', most supported": listed(
            query=seeded.common_word, sort="supported"
        ),
        "map, whole world": boxed(WORLD),
        "map, one district": boxed(DISTRICT),
        "map, an area without ideas": boxed(EMPTY_AREA),
        "idea page, comments": lambda session: comments.comment_page(
            session, "idea", seeded.busy_idea
        ),
    }


def explain(seeded: Seeded) -> list[Statement]:
    """Each page's statements on the big tables, with their plans and VM steps."""
    db = Database(seeded.url)
    found: list[Statement] = []
    try:
        with sqlite(seeded.path) as connection:
            for page, work in query_pages(seeded).items():
                for sql, parameters in captured_sql(db, work):
                    table = (TABLE.findall(sql) or ["?"])[0]
                    if table in ("idea_categories", "users"):
                        continue  # a handful of rows by primary key, or a short table
                    plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters).fetchall()
                    steps = vm_steps(connection, sql, parameters)
                    found.append(Statement(page, table, sql, [row[3] for row in plan], steps))
    finally:
        db.dispose()
    return found


# --- running it --------------------------------------------------------------------------


def app_env(seeded: Seeded, var_dir: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "INSPRAAK_DATABASE_URL": seeded.url,
        "INSPRAAK_VAR_DIR": var_dir,
        "INSPRAAK_SECRET_KEY": secrets.token_urlsafe(48),
        "INSPRAAK_BASE_URL": f"http://127.0.0.1:{port}",
    }


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


async def page_cases(
    port: int, seeded: Seeded, visitor: str, resident: Resident | None
) -> list[Case]:
    """The cases, with their URLs found the way a visitor finds them, and their sizes."""
    anonymous = {"Cookie": visitor}
    newest, supported = deep_cursors(seeded.path, seeded.scale.ideas)
    clicks = min(DEEP_PAGES, seeded.scale.ideas // (2 * queries.PAGE_SIZE))
    deep_new = await follow_next(port, "/ideas", anonymous, clicks)
    deep_supported = await follow_next(port, "/ideas?sort=supported", anonymous, clicks)
    idea = f"/ideas/{seeded.busy_idea}"
    cases = [
        Case("1 /ideas (newest), page 1", "/ideas", anonymous),
        Case(f"2 /ideas, page {clicks + 1} (links)", deep_new, anonymous),
        Case("2 /ideas, 90% down (cursor)", f"/ideas?cursor={newest}", anonymous),
        Case("3 /ideas?sort=supported, page 1", "/ideas?sort=supported", anonymous),
        Case(f"3 supported, page {clicks + 1} (links)", deep_supported, anonymous),
        Case(
            "3 supported, 90% down (cursor)", f"/ideas?sort=supported&cursor={supported}", anonymous
        ),
        Case(
            f"4 search, common '{seeded.common_word}'", f"/ideas?q={seeded.common_word}", anonymous
        ),
        Case(f"4 search, rare '{seeded.rare_word}'", f"/ideas?q={seeded.rare_word}", anonymous),
        Case("5 geojson, limit=100", "/api/v1/ideas.geojson?limit=100", anonymous, json=True),
        Case(
            "5 geojson, one district",
            f"/api/v1/ideas.geojson?limit=100&bbox={bbox(DISTRICT)}",
            anonymous,
            json=True,
        ),
        Case(
            "5 geojson, area without ideas",
            f"/api/v1/ideas.geojson?limit=100&bbox={bbox(EMPTY_AREA)}",
            anonymous,
            json=True,
        ),
        Case("6 idea, 200 comments", idea, anonymous),
    ]
    if resident is not None:
        cases.append(Case("6 idea, 200 comments, logged in", idea, {"Cookie": resident.cookie}))
    cases.append(Case("7 /api/v1/ideas?limit=20", "/api/v1/ideas?limit=20", anonymous, json=True))
    for case in cases:
        case.size = len((await fetch(port, case.path, case.headers)).body)
    return cases


def growth_cases(cases: list[Case]) -> list[Case]:
    """Fresh copies of the cases the growth check repeats: the list, deep pages, the idea."""
    keep = ("1 ", "2 ", "6 idea, 200 comments")
    return [Case(c.name, c.path, c.headers, c.json) for c in cases if c.name.startswith(keep)]


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

    print(f"\nsupports: {CONNECTIONS} residents for {SUPPORT_SECONDS:g} s...", flush=True)
    withdrawn = seeded.withdrawn
    ideas = [i for i in range(1, seeded.scale.ideas + 1) if i not in withdrawn]
    check = before_supports(seeded.path, residents)
    run = await support_load(app_port, residents, ideas, SUPPORT_SECONDS)
    bare = SupportRun(size=run.size)
    bare.sample = await load(
        bare_port,
        f"/page?bytes={run.size}",
        {},
        CONNECTIONS,
        BARE_SUPPORT_SECONDS,
        MAX_REQUESTS * 4,
        method="POST",
    )
    return cases, run, bare, check, login_seconds


# --- reporting -----------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report_pages(cases: list[Case]) -> None:
    print(
        f"\n{'':<38}{'':>7} {'app, 1 conn.':^13}|{'bare, 1':^7}|{'app, 32 conn.':^20}|"
        f"{'bare, 32 conn.':^13}|{'ratio':^6}|{'':>7}|{'p95 < 50 ms':^11}"
    )
    print(
        f"{'case':<38}{'bytes':>7} {'p50':>6}{'p95':>7}|{'p50':>7}|{'p50':>6}{'p95':>7}"
        f"{'req/s':>7}|{'p95':>6}{'req/s':>7}|{'req/s':>6}|{'errors':>7}|{'1c':>5}{'32c':>6}"
    )
    for c in cases:
        ratio = c.loaded.rps / c.bare.rps if c.bare.rps else 0.0
        single_p95 = c.single.percentile_ms(0.95)
        loaded_p95 = c.loaded.percentile_ms(0.95)
        clean = c.errors == 0
        print(
            f"{c.name:<38}{c.size:>7} {c.single.percentile_ms(0.5):>6.1f}{single_p95:>7.1f}|"
            f"{c.bare_single.percentile_ms(0.5):>7.1f}|{c.loaded.percentile_ms(0.5):>6.0f}"
            f"{loaded_p95:>7.0f}{c.loaded.rps:>7.0f}|{c.bare.percentile_ms(0.95):>6.0f}"
            f"{c.bare.rps:>7.0f}|{ratio:>6.2f}|{c.errors:>7}|"
            f"{mark(clean and single_p95 < PAGE_P95_MS):>5}"
            f"{mark(clean and loaded_p95 < PAGE_P95_MS):>6}"
        )
    print(
        "  latencies in ms. 1c: one request at a time (what one visitor waits); 32c: 32 clients"
        " at once, queueing included.\n  ratio: app req/s / bare req/s at 32 connections;"
        " errors: answers other than 200 (0: connection dropped), a MISS either way."
    )
    for c in cases:
        if c.errors:
            print(f"  {c.name}: {dict(sorted(c.statuses.items()))}")


def report_supports(
    run: SupportRun, bare: SupportRun, new_supports: int, problems: list[str], logins: float
) -> None:
    ok = run.statuses[200]
    rate = ok / run.sample.elapsed
    s = run.sample
    print(f"\nPOST /ideas/{{id}}/support, HX-Request, {CONNECTIONS} residents, one worker:")
    print(f"  logging the {CONNECTIONS} residents in took {logins:.1f} s (not timed below)")
    print(
        f"  {ok} supports in {s.elapsed:.1f} s: {rate:.0f} supports/s "
        f"(target >= {SUPPORTS_PER_SECOND:.0f}: {mark(rate >= SUPPORTS_PER_SECOND)}); "
        f"{new_supports} of them new ({new_supports / s.elapsed:.0f}/s), "
        f"the others repeats (idempotent)"
    )
    print(
        f"  latency p50 {s.percentile_ms(0.5):.1f} ms, p95 {s.percentile_ms(0.95):.1f} ms, "
        f"p99 {s.percentile_ms(0.99):.1f} ms; statuses {dict(sorted(run.statuses.items()))}"
    )
    b = bare.sample
    print(
        f"  bare POST of the same {run.size} bytes: {b.rps:.0f} req/s, p50 "
        f"{b.percentile_ms(0.5):.1f} ms, p95 {b.percentile_ms(0.95):.1f} ms; "
        f"ratio app/bare {rate / b.rps:.2f}"
    )
    verdict = "; ".join(problems) if problems else "exactly once: PASS"
    print(f"  database check (new rows = new supports, support_count = COUNT(*)): {verdict}")


def report_plans(full: list[Statement], small: list[Statement] | None, ideas: int) -> list[str]:
    """Print the plans; answer the pages whose work grows with the tables."""
    growing: list[str] = []
    print("\nQueries behind the pages: SQLite's plan and its work (VM steps) as the tables grow")
    header = f"{'page / table':<48}{'steps':>11}"
    if small is not None:
        header += f"{'at 1/10':>10}{'growth':>8}"
    print(header + "  plan")
    smaller = {(s.page, s.sql): s.steps for s in small or []}
    for s in full:
        line = f"{s.page + ' / ' + s.table:<48}{s.steps:>11,}"
        grows = s.steps > ideas  # about every row of a table of this size
        if small is not None:
            before = smaller.get((s.page, s.sql))
            growth = s.steps / before if before else 0.0
            grows = grows or (growth >= 3 and s.steps >= 5_000)
            line += f"{before or 0:>10,}{growth:>7.1f}x"
        print(f"{line}  {' | '.join(s.plan)}{'   <-- GROWS' if grows else ''}")
        if grows:
            growing.append(s.page)
    print(
        "  steps: SQLite VM instructions for the statement (to 100); GROWS: more steps than the"
        " table has ideas,\n  or (with the smaller database) 3 times the steps or more for 10"
        " times the rows: the work follows the table's size."
    )
    return growing


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
                app_env(small, str(folder), port),
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
        env = app_env(seeded, str(folder), app_port)
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
