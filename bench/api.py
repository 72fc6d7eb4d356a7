"""The open-data API at the issue's scale: list and meeting latency, and 304 answers per second.

Run from the project root: `.venv/bin/python bench/api.py [--postgresql URL] [--seconds S]`.
bench/_api_seed.py fills a database (a temporary SQLite file, or the PostgreSQL database at URL,
dropped and created afresh) with 100,000 ideas and a published meeting of 40 agenda items with
council and advisory tallies. The real app then runs in one uvicorn worker, with the API rate
limit off, and a second one on the same database with the limit on (so high that it never
refuses): the difference is what counting every request costs. Each case is measured with the
keep-alive client of bench/_client.py at one connection (the latency of one request on its
own); `/healthz` on the same server is the baseline each figure is compared with. Then
conditional requests (If-None-Match with the current ETag) at 8 connections, for 304s per
second. The targets are printed with PASS or MISS; nothing is asserted.
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
import json
import os
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from time import perf_counter
from urllib.parse import urlsplit

from bench._api_seed import ApiSeed, seed
from bench._client import Sample, app_env, fetch, load
from bench._votes_seed import recreate_postgresql
from tests.server import free_port, served

P95_MS = 50.0  # the target, one worker
REQUESTS = 400  # per case and round, at most
ROUNDS = 3
NOT_MODIFIED_CONNECTIONS = 8


@dataclass
class Case:
    name: str
    path: str
    port: int
    sample: Sample = field(default_factory=Sample)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def cases(port: int, limited_port: int, seeded: ApiSeed) -> list[Case]:
    """The cases, with the cursors the app itself hands out."""
    filtered = f"/api/v1/ideas?status=new&category={seeded.category_id}&limit=20"
    first = json.loads((await fetch(port, filtered)).body)
    later = _path(first["next"])
    deep = json.loads((await fetch(port, "/api/v1/ideas?sort=supported&limit=100")).body)
    return [
        Case("baseline: /healthz", "/healthz", port),
        Case("ideas, first page", "/api/v1/ideas", port),
        Case("ideas, filtered, page 2 (cursor)", later, port),
        Case("ideas, filtered, deep cursor", f"{filtered}&cursor=50000", port),
        Case("ideas, most supported, page 2", _path(deep["next"]), port),
        Case("ideas.geojson, bbox", "/api/v1/ideas.geojson?bbox=3.70,51.04,3.74,51.06", port),
        Case("meeting, 40 items", f"/api/v1/meetings/{seeded.meeting_id}", port),
        Case("ideas, first page, rate limit on", "/api/v1/ideas", limited_port),
        Case("baseline, rate limit on", "/healthz", limited_port),
    ]


async def measure(all_cases: list[Case], seconds: float) -> None:
    for case in all_cases:  # warm up: the first requests fill caches and the pool
        await load(case.port, case.path, {}, 1, 1.0, 20)
    for _ in range(ROUNDS):  # interleaved, so the machine's other load falls on every case
        for case in all_cases:
            case.sample.add(await load(case.port, case.path, {}, 1, seconds, REQUESTS))


async def not_modified(port: int, path: str, seconds: float) -> tuple[Sample, Counter[int]]:
    etag = (await fetch(port, path)).header("etag")[0]
    statuses: Counter[int] = Counter()
    sample = await load(
        port,
        path,
        {"If-None-Match": etag},
        NOT_MODIFIED_CONNECTIONS,
        seconds,
        10**9,
        statuses=statuses,
    )
    return sample, statuses


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(all_cases: list[Case], conditional: list[tuple[str, Sample, Counter[int]]]) -> bool:
    baseline = all_cases[0].sample.percentile_ms(0.5)
    print(f"\n{'case (one connection)':<38}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p50/base':>10}")
    for case in all_cases:
        s = case.sample
        p50 = s.percentile_ms(0.5)
        print(
            f"{case.name:<38}{len(s.latencies):>6}{p50:>9.2f}{s.percentile_ms(0.95):>9.2f}"
            f"{p50 / baseline:>10.1f}"
        )
    print(f"\n304 answers (If-None-Match), {NOT_MODIFIED_CONNECTIONS} connections:")
    for name, sample, statuses in conditional:
        print(
            f"  {name:<36}{sample.rps:>8.0f}/s  p50 {sample.percentile_ms(0.5):.2f} ms"
            f"  statuses {dict(statuses)}"
        )
    measured = [c for c in all_cases if c.path.startswith("/api/") and "rate limit" not in c.name]
    passed = all(c.sample.percentile_ms(0.95) < P95_MS for c in measured)
    only_304 = all(set(statuses) == {304} for _, _, statuses in conditional)
    print(f"\nTargets (one worker): API p95 < {P95_MS:g} ms: {mark(passed)}")
    for case in measured:
        if case.sample.percentile_ms(0.95) >= P95_MS:
            print(f"    MISS {case.name}: p95 {case.sample.percentile_ms(0.95):.1f} ms")
    print(f"  conditional requests answered 304 only: {mark(only_304)}")
    return passed and only_304


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgresql", metavar="URL", help="a PostgreSQL database to (re)create")
    parser.add_argument("--seconds", type=float, default=3.0, help="per case and round")
    args = parser.parse_args()
    started = perf_counter()
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Inspraak API benchmark: {os.cpu_count()} CPUs (load average {load_average})")
    with tempfile.TemporaryDirectory(prefix="inspraak-bench-api-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        if args.postgresql:
            recreate_postgresql(args.postgresql)
            url = args.postgresql
        else:
            url = f"sqlite:///{folder / 'inspraak.db'}"
        print(f"\nseeding {urlsplit(url).scheme}:", flush=True)
        seeded = seed(url)
        port, limited_port = free_port(), free_port()
        env = app_env(url, str(folder), port)
        limited_env = {**app_env(url, str(folder), limited_port)}
        limited_env["INSPRAAK_API_RATE_LIMIT"] = str(10**9)
        factory = "participation.app:create_app"
        stack.enter_context(served(factory, env, port, log_path=folder / "app.log"))
        stack.enter_context(
            served(factory, limited_env, limited_port, log_path=folder / "limited.log")
        )

        async def run() -> tuple[list[Case], list[tuple[str, Sample, Counter[int]]]]:
            all_cases = await cases(port, limited_port, seeded)
            print("measuring latency...", flush=True)
            await measure(all_cases, args.seconds)
            print("measuring 304 answers...", flush=True)
            conditional = []
            for name, path in (
                ("ideas, first page", "/api/v1/ideas"),
                ("meeting, 40 items", f"/api/v1/meetings/{seeded.meeting_id}"),
            ):
                sample, statuses = await not_modified(port, path, args.seconds * 2)
                conditional.append((name, sample, statuses))
            return all_cases, conditional

        all_cases, conditional = asyncio.run(run())
        stack.close()
        print(f"\nseeded in {seeded.seconds:.1f} s")
        ok = report(all_cases, conditional)
    print(f"\ntook {perf_counter() - started:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
