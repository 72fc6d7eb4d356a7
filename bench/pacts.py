"""Collaboration pacts at a large city's scale: the GeoJSON behind the map, a bounding box, the
whole map's data, the overview pages and one pact's page.

Run from the project root: `.venv/bin/python bench/pacts.py [--pacts 10000]`. A temporary
SQLite database, migrated by the real migrations, is filled with plain inserts (as
bench/_seed.py does): residents, organisations, 10,000 pacts in every status (90% with a place
around the city centre), their timelines, resources, progress reports, and one busy active
pact whose page is read (a pact text, 12 reports, 60 pieces of advice). The real app then runs
in one uvicorn worker, bench/_bare.py beside it answering a page or JSON of the same size, and
bench/_pages.measure times each case on both, at 1 and at 32 connections.

Targets (issue 5, "Measure"): GeoJSON for 10,000 pacts and a bounding-box query p95 < 100 ms,
with the payload size; the pact page p95 < 50 ms. The whole map's data is 10,000 pacts read
as the map reads them, page after page of the API's largest page (100), one after the other;
it is reported as a walk (total time and bytes) beside the same number of bare JSON answers.
Nothing is asserted; the targets are printed with PASS or MISS.
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, this file's folder heads sys.path, where bench/http.py would hide the standard
# library's `http` package and this very file the `pacts` package; the project root goes there.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

# ruff: noqa: E402 - the imports must follow the sys.path repair above
import argparse
import asyncio
import datetime as dt
import os
import random
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from time import perf_counter

from bench._client import Connection, app_env, fetch, session_cookie
from bench._pages import Case, bbox, mark, measure, report_pages
from bench._seed import CENTER, TIME_FORMAT
from bench._words import FIRST_NAMES, LAST_NAMES, Text
from pacts.models import PactCategory, PactStatus
from participation import migrate
from tests.server import free_port, served

SEED = 20_261_128
GEOJSON_P95_MS = 100.0
PAGE_P95_MS = 50.0
RESIDENTS = 3_000
ORGANISATIONS = 300
LOCATED = 0.9
WALKS = 8  # times the whole map's data is read
DISTRICT = (CENTER[1] - 0.02, CENTER[0] - 0.01, CENTER[1] + 0.02, CENTER[0] + 0.01)
# The statuses a city's pacts are in, roughly: most are active or done.
STATUS_WEIGHTS = {
    PactStatus.draft: 4,
    PactStatus.submitted: 3,
    PactStatus.in_assessment: 3,
    PactStatus.changes_requested: 2,
    PactStatus.rejected: 5,
    PactStatus.consultation: 3,
    PactStatus.awaiting_signatures: 2,
    PactStatus.active: 40,
    PactStatus.completed: 33,
    PactStatus.ended: 5,
}
# The timeline's steps up to each status, as pacts/steps.py names them.
PATH = (
    ("created", PactStatus.draft),
    ("submitted", PactStatus.submitted),
    ("assessment_started", PactStatus.in_assessment),
    ("consultation_opened", PactStatus.consultation),
    ("consultation_closed", PactStatus.awaiting_signatures),
    ("activated", PactStatus.active),
    ("completed", PactStatus.completed),
)
BRANCH = {  # a side status: the path up to the status before it, then this step
    PactStatus.changes_requested: (PactStatus.in_assessment, "changes_requested"),
    PactStatus.rejected: (PactStatus.in_assessment, "rejected"),
    PactStatus.ended: (PactStatus.active, "ended"),
}


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime(TIME_FORMAT)


def _steps(status: PactStatus) -> list[tuple[str, str]]:
    before, last = BRANCH.get(status, (status, None))
    path = []
    for kind, reached in PATH:
        path.append((kind, reached.value))
        if reached == before:
            break
    return path + ([(last, status.value)] if last else [])


@dataclass
class Seeded:
    path: Path
    pacts: int
    busy_pact: int
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def _pact_rows(
    rng: random.Random, text: Text, count: int, now: dt.datetime
) -> Iterator[tuple[object, ...]]:
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    categories = [c.value for c in PactCategory]
    for pact_id in range(1, count + 1):
        status = PactStatus.active if pact_id == count // 2 else rng.choices(statuses, weights)[0]
        located = pact_id == count // 2 or rng.random() < LOCATED
        created = now - dt.timedelta(days=rng.uniform(0, 5 * 365))
        yield (
            pact_id,
            text.title(),
            text.body(False),
            rng.choice(categories),
            round(CENTER[0] + rng.uniform(-0.05, 0.05), 6) if located else None,
            round(CENTER[1] + rng.uniform(-0.08, 0.08), 6) if located else None,
            text.body(False),
            status.value,
            rng.randint(1, RESIDENTS),
            rng.randint(1, ORGANISATIONS) if rng.random() < 0.4 else None,
            _stamp(created),
        )


def seed(path: Path, count: int) -> Seeded:
    rng = random.Random(SEED)
    text = Text(rng)
    now = dt.datetime.now(dt.UTC)
    started = perf_counter()
    phases: dict[str, float] = {}
    migrate.upgrade(f"sqlite:///{path}")
    phases["migrate"] = perf_counter() - started
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN")
        joined = _stamp(now - dt.timedelta(days=6 * 365))
        db.executemany(
            "INSERT INTO users (id, email, display_name, password_hash, language, created_at,"
            " email_verified_at, password_changed_at) VALUES (?, ?, ?, '!', 'nl', ?, ?, ?)",
            (
                (
                    i,
                    f"inwoner{i}@demostad.example",
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    joined,
                    joined,
                    joined,
                )
                for i in range(1, RESIDENTS + 1)
            ),
        )
        db.executemany(
            "INSERT INTO organisations (id, name, kind, description, created_by_id, created_at)"
            " VALUES (?, ?, 'association', '', ?, ?)",
            ((i, f"Buurtvereniging {i}", i, joined) for i in range(1, ORGANISATIONS + 1)),
        )
        db.executemany(
            "INSERT OR IGNORE INTO organisation_members (organisation_id, user_id, added_at)"
            " VALUES (?, ?, ?)",
            ((1 + i % ORGANISATIONS, rng.randint(1, RESIDENTS), joined) for i in range(1200)),
        )
        db.executemany(
            "INSERT INTO pacts (id, title, description, category, latitude, longitude,"
            " commitments, status, author_id, organisation_id, created_at, updated_at,"
            " department, consultation_days, advice_response, final_report, comment_count,"
            " visibility) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?11, 'Groendienst', 14, '',"
            " '', 0, 'public')",
            _pact_rows(rng, text, count, now),
        )
        pacts = db.execute("SELECT id, status, author_id, created_at FROM pacts").fetchall()
        db.executemany(
            "INSERT INTO pact_steps (pact_id, kind, status, actor_id, automatic, reason,"
            " created_at) VALUES (?, ?, ?, ?, ?, '', ?)",
            (
                (
                    pact_id,
                    kind,
                    status,
                    None if kind == "consultation_closed" else author,
                    kind == "consultation_closed",
                    created,
                )
                for pact_id, current, author, created in pacts
                for kind, status in _steps(PactStatus(current))
            ),
        )
        db.executemany(
            "INSERT INTO pact_resources (pact_id, position, kind, description, budget_eur,"
            " decision, city_note) VALUES (?, ?, ?, ?, ?, ?, '')",
            (
                (
                    pact_id,
                    position,
                    kind,
                    text.title(),
                    250 if kind == "budget" else None,
                    "requested" if current in ("submitted", "in_assessment") else "granted",
                )
                for pact_id, current, _author, _created in pacts
                for position, kind in enumerate(("materials", "budget"))
            ),
        )
        db.executemany(
            "INSERT INTO pact_progress_reports (pact_id, author_id, by_city, body, hours,"
            " created_at, visibility) VALUES (?, ?, 0, ?, ?, ?, 'public')",
            (
                (pact_id, author, text.comment(), rng.randint(1, 30), created)
                for pact_id, current, author, created in pacts
                if current in ("active", "completed", "ended")
                for _ in range(rng.randint(1, 4))
            ),
        )
        busy = count // 2
        moment = _stamp(now)
        db.executemany(
            "INSERT INTO pact_progress_reports (pact_id, author_id, by_city, body, hours,"
            " created_at, visibility) VALUES (?, ?, ?, ?, ?, ?, 'public')",
            ((busy, 1, i % 3 == 0, text.body(False), 5, moment) for i in range(12)),
        )
        db.execute(
            "INSERT INTO pact_texts (pact_id, version, body, created_at, frozen_at)"
            " VALUES (?, 1, ?, ?, ?)",
            (busy, "\n\n".join(text.body(False) for _ in range(8)), moment, moment),
        )
        db.executemany(
            "INSERT INTO comments (subject, subject_id, root_id, parent_id, depth, author_id,"
            " body, stance, created_at) VALUES ('pact', ?, NULL, NULL, 0, ?, ?, ?, ?)",
            (
                (
                    busy,
                    rng.randint(1, RESIDENTS),
                    text.comment(),
                    rng.choice(("for", "against")),
                    moment,
                )
                for _ in range(60)
            ),
        )
        db.execute("UPDATE comments SET root_id = id WHERE subject = 'pact'")
        db.execute("UPDATE pacts SET comment_count = 60 WHERE id = ?", (busy,))
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    phases["inserts"] = perf_counter() - started - phases["migrate"]
    return Seeded(path, count, busy, phases)


@dataclass
class Walk:
    """The whole map's data read page after page, WALKS times, on the app and the bare app."""

    pages: int = 0
    size: int = 0
    app: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)


async def _walk(port: int, first: str) -> tuple[int, int, float]:
    connection = await Connection.open(port)
    pages = size = 0
    started = perf_counter()
    try:
        path: str | None = first
        while path:
            reply = await connection.request("GET", path)
            if reply.status != 200:
                raise RuntimeError(f"GET {path} gave {reply.status}")
            pages += 1
            size += len(reply.body)
            body = reply.body.decode()
            marker = body.rfind('"next":"')
            path = None
            if marker != -1:
                path = body[marker + 8 : body.index('"', marker + 8)].split(str(port), 1)[1]
    finally:
        await connection.close()
    return pages, size, perf_counter() - started


async def walk_map(app_port: int, bare_port: int) -> Walk:
    walk = Walk()
    for _ in range(WALKS):
        walk.pages, walk.size, seconds = await _walk(app_port, "/api/v1/pacts?limit=100")
        walk.app.append(seconds)
        bare = f"/json?bytes={walk.size // walk.pages}"
        connection = await Connection.open(bare_port)
        started = perf_counter()
        for _page in range(walk.pages):
            await connection.request("GET", bare)
        walk.bare.append(perf_counter() - started)
        await connection.close()
    return walk


async def run(app_port: int, bare_port: int, seeded: Seeded) -> tuple[list[Case], Walk]:
    visitor = {"Cookie": session_cookie((await fetch(app_port, "/login")).header("set-cookie"))}
    pact_page = f"/pacts/{seeded.busy_pact}"
    cases = [
        Case("geojson, limit=100", "/api/v1/pacts?limit=100", visitor, json=True),
        Case(
            "geojson, district bbox",
            f"/api/v1/pacts?limit=100&bbox={bbox(DISTRICT)}",
            visitor,
            json=True,
        ),
        Case(
            "geojson, bbox + status=active",
            f"/api/v1/pacts?limit=100&status=active&bbox={bbox(DISTRICT)}",
            visitor,
            json=True,
        ),
        Case("api pact detail", f"/api/v1/pacts/{seeded.busy_pact}", visitor, json=True),
        Case("/pacts list", "/pacts", visitor),
        Case("/pacts?status=rejected", "/pacts?status=rejected", visitor),
        Case("/pacts/map", "/pacts/map", visitor),
        Case("/pacts/statistics", "/pacts/statistics", visitor),
        Case(f"pact page {pact_page}", pact_page, visitor),
    ]
    measured = []
    for case in cases:
        try:
            case.size = len((await fetch(app_port, case.path, case.headers)).body)
        except RuntimeError as problem:  # the pact page is another engineer's; it may be absent
            print(f"  not measured: {case.name}: {problem}")
            continue
        measured.append(case)
    print("\nmeasuring (app and bare in turn):", flush=True)
    await measure(app_port, bare_port, measured)
    print("\nreading the whole map's data, page after page:", flush=True)
    return measured, await walk_map(app_port, bare_port)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(cases: list[Case], walk: Walk, seeded: Seeded) -> None:
    report_pages(cases)
    print(
        f"\nThe whole map's data: {walk.pages} pages of up to 100 pacts, {walk.size:,} bytes"
        f" in all ({walk.size / 2**20:.1f} MiB), read {len(walk.app)} times on one connection:"
        f"\n  app p50 {_p(walk.app, 0.5):.0f} ms, max {_p(walk.app, 1):.0f} ms;"
        f" bare p50 {_p(walk.bare, 0.5):.0f} ms; per page {_p(walk.app, 0.5) / walk.pages:.1f} ms"
    )
    print(f"\nTargets (SQLite, one worker, {seeded.pacts:,} pacts, one connection):")
    for case in cases:
        target = PAGE_P95_MS if case.name.startswith(("pact page", "/pacts")) else GEOJSON_P95_MS
        p95 = case.single.percentile_ms(0.95)
        ok = not case.errors and p95 < target
        print(
            f"  {case.name:<36} p95 {p95:6.1f} ms < {target:g} ms {mark(ok)}  ({case.size:,} bytes)"
        )
    if not any(case.name.startswith("pact page") for case in cases):
        print("  pact page: not measured (the page did not answer 200)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pacts", type=int, default=10_000, help="pacts to seed (10,000)")
    args = parser.parse_args()
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"Inspraak pacts benchmark: SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs"
        f" (load average {load_average}), one worker per server"
    )
    with tempfile.TemporaryDirectory(prefix="inspraak-bench-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        seeded = seed(folder / "inspraak.db", args.pacts)
        print(
            f"seeded {seeded.pacts:,} pacts: "
            + ", ".join(f"{name} {s:.1f} s" for name, s in seeded.phases.items())
        )
        app_port, bare_port = free_port(), free_port()
        env = app_env(seeded.url, str(folder), app_port)
        stack.enter_context(
            served("participation.app:create_app", env, app_port, log_path=folder / "app.log")
        )
        stack.enter_context(served("bench._bare:create_app", env, bare_port))
        cases, walk = asyncio.run(run(app_port, bare_port, seeded))
        stack.close()
        report(cases, walk, seeded)
    return 0


if __name__ == "__main__":
    sys.exit(main())
