"""The supports of bench/ideas.py: CONNECTIONS logged-in residents support random ideas at
once (now and then one they already support), a bare POST of the same size is the baseline,
and the database is then checked for exactly once: one new row per new support, and every
touched idea's support_count equal to its number of rows.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

from bench._client import Connection, Resident, Sample, load
from bench._pages import CONNECTIONS, MAX_REQUESTS, mark
from bench._seed import Seeded, sqlite

SUPPORT_SECONDS = 10.0
BARE_SUPPORT_SECONDS = 4.0
REPEAT_SHARE = 0.05  # supports sent again for an idea the resident already supports
SUPPORTS_PER_SECOND = 800.0


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


async def run_supports(
    app_port: int, bare_port: int, seeded: Seeded, residents: list[Resident]
) -> tuple[SupportRun, SupportRun, Check]:
    """The residents' supports for SUPPORT_SECONDS, then bare POSTs of the same size."""
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
    return run, bare, check


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
