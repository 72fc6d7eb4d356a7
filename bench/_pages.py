"""The page cases of bench/ideas.py, and how each is measured against the bare baseline.

A case is a URL found the way a visitor finds it (following "More ideas" links, or a cursor
90% down a list), with the size of its answer; bench/_bare.py answers a page or JSON of that
size. `measure` times every case on both servers at 1 connection and, in interleaved rounds,
at CONNECTIONS connections; `report_pages` prints the table with the p95 target.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench._client import Resident, Sample, fetch, load
from bench._seed import CENTER, Seeded, sqlite
from ideas import queries

CONNECTIONS = 32
WARMUP_SECONDS = 0.5
ROUNDS = 3
ROUND_SECONDS = 1.5  # per round, server and connection count
MAX_REQUESTS = 50_000
DEEP_PAGES = 50  # "More ideas" links followed for the deep page
DEEP_SHARE = 0.9  # the deepest page: this far down the whole list
PAGE_P95_MS = 50.0
NEXT_LINK = re.compile(r'rel="next" href="([^"]+)"')
DISTRICT = (CENTER[1] - 0.02, CENTER[0] - 0.01, CENTER[1] + 0.02, CENTER[0] + 0.01)
EMPTY_AREA = (4.40, 50.80, 4.45, 50.85)  # Brussels: no idea there


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


async def follow_next(port: int, path: str, headers: dict[str, str], pages: int) -> str:
    """The URL of the page `pages` clicks on "More ideas" after `path`."""
    for _ in range(pages):
        found = NEXT_LINK.search((await fetch(port, path, headers)).body.decode())
        if found is None:
            raise RuntimeError(f"{path} has no next link")
        path = html.unescape(found.group(1))
    return path


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
        Case(
            f"4 search, common '{seeded.common_word}', supported",
            f"/ideas?q={seeded.common_word}&sort=supported",
            anonymous,
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
    """Fresh copies of the cases the growth check repeats: the list, deep pages, a common
    word's search, the idea."""
    keep = ("1 ", "2 ", "4 search, common", "6 idea, 200 comments")
    return [Case(c.name, c.path, c.headers, c.json) for c in cases if c.name.startswith(keep)]


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
