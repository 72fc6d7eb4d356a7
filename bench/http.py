"""GET /login through Inspraak's full middleware stack, against a bare Starlette + Jinja2 page.

Run from the project root: `.venv/bin/python bench/http.py` (or `make bench`). Two uvicorn
servers (one worker each) run on loopback ports: the real app on a fresh migrated SQLite
database, and bench/_bare.py, a bare app rendering a page of the same size. One closed-loop
load generator drives each in turn, in interleaved rounds, and the figures are printed with
the ratio app/bare. Then argon2 hashing and the full POST /login round trip are timed.
Nothing is asserted: the figures are for reading.
"""

from __future__ import annotations

import sys
from pathlib import Path

# As a script, this file's folder heads sys.path, where this `http.py` would hide the standard
# library's `http` package from everything imported below; the project root goes there instead.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

# ruff: noqa: E402 - the imports must follow the sys.path repair above
import asyncio
import secrets
import statistics
import tempfile
from contextlib import ExitStack
from importlib.metadata import version
from time import perf_counter

from bench._client import Connection, Sample, app_env, fetch, load, login_form, session_cookie
from participation import migrate, passwords
from participation.actions import do_create_user
from participation.database import Database
from tests.server import free_port, served

CONNECTIONS = 32
WARMUP_SECONDS = 1.0
ROUNDS = 3
ROUND_SECONDS = 2.0
MAX_REQUESTS = 50_000  # per round and server, a bound should the servers be very fast
LOGINS = 20
ARGON2_RUNS = 20
TIMED_SECONDS = 8.0  # at most this long each for the logins and for the argon2 runs
TARGET_RATIO = 0.6
EMAIL = "bench@example.be"
PASSWORD = "bench-password-" + secrets.token_hex(8)


async def measure_pages(app_port: int, bare_port: int, cookie: str) -> dict[str, Sample]:
    """Each case gets a warm-up, then ROUNDS rounds, the cases taking turns within a round."""
    cases = {
        "bare Starlette + Jinja2": (bare_port, {}),
        "app, new visitor": (app_port, {}),
        "app, returning visitor": (app_port, {"Cookie": cookie}),
    }
    for port, headers in cases.values():
        await load(port, "/login", headers, CONNECTIONS, WARMUP_SECONDS, MAX_REQUESTS)
    samples = {name: Sample() for name in cases}
    for _ in range(ROUNDS):
        for name, (port, headers) in cases.items():
            got = await load(port, "/login", headers, CONNECTIONS, ROUND_SECONDS, MAX_REQUESTS)
            samples[name].add(got)
    return samples


async def measure_logins(port: int) -> list[float]:
    """Seconds per POST /login round trip, each from a new visitor with a fresh cookie."""
    times: list[float] = []
    deadline = perf_counter() + TIMED_SECONDS
    while len(times) < LOGINS and perf_counter() < deadline:
        connection = await Connection.open(port)
        try:
            page = await connection.request("GET", "/login")
            headers, body = login_form(page, EMAIL, PASSWORD)
            sent = perf_counter()
            reply = await connection.request("POST", "/login", headers, body)
            times.append(perf_counter() - sent)
        finally:
            await connection.close()
        if reply.status != 303:
            raise RuntimeError(f"POST /login gave {reply.status}, not 303")
    return times


def time_argon2() -> tuple[list[float], list[float]]:
    """Seconds per hash_password and per verify_password call."""
    hashes: list[float] = []
    verifies: list[float] = []
    deadline = perf_counter() + TIMED_SECONDS
    while len(hashes) < ARGON2_RUNS and perf_counter() < deadline:
        started = perf_counter()
        hashed = passwords.hash_password(PASSWORD)
        hashes.append(perf_counter() - started)
        started = perf_counter()
        passwords.verify_password(hashed, PASSWORD)
        verifies.append(perf_counter() - started)
    return hashes, verifies


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms"


def p95(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(0.95 * len(values)))]


def report_pages(samples: dict[str, Sample]) -> None:
    print(f"\n{'GET /login':<26}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}")
    for name, sample in samples.items():
        p50, p99 = sample.percentile_ms(0.50), sample.percentile_ms(0.99)
        print(f"{name:<26}{sample.rps:>9.0f}{p50:>9.1f}{p99:>9.1f}{len(sample.latencies):>10}")
    bare = samples["bare Starlette + Jinja2"].rps
    for case in ("new visitor", "returning visitor"):
        ratio = samples[f"app, {case}"].rps / bare
        print(f"ratio (app/bare rps), {case + ':':<19}{ratio:.2f} (target >= {TARGET_RATIO})")


def main() -> int:
    started = perf_counter()
    print(
        f"Inspraak HTTP benchmark: uvicorn {version('uvicorn')}, one worker per server, "
        f"{CONNECTIONS} keep-alive connections, {WARMUP_SECONDS:g} s warm-up, "
        f"{ROUNDS} x {ROUND_SECONDS:g} s per case"
    )
    with tempfile.TemporaryDirectory(prefix="inspraak-bench-") as tmp, ExitStack() as stack:
        url = f"sqlite:///{tmp}/inspraak.db"
        migrate.upgrade(url)
        db = Database(url)
        with db.write() as session:
            do_create_user(
                session, email=EMAIL, display_name="Bench", password=PASSWORD, verified=True
            )
        db.dispose()
        app_port, bare_port = free_port(), free_port()
        env = app_env(url, tmp, app_port)
        stack.enter_context(served("participation.app:create_app", env, app_port))
        page = asyncio.run(fetch(app_port, "/login"))
        cookie = session_cookie(page.header("set-cookie"))
        bare_env = {**env, "BENCH_PAGE_BYTES": str(len(page.body))}
        stack.enter_context(served("bench._bare:create_app", bare_env, bare_port))
        bare_page = asyncio.run(fetch(bare_port, "/login"))
        print(f"page size: app {len(page.body)} bytes, bare {len(bare_page.body)} bytes")

        report_pages(asyncio.run(measure_pages(app_port, bare_port, cookie)))
        logins = asyncio.run(measure_logins(app_port))

    hashes, verifies = time_argon2()
    print(f"\nargon2 (participation.passwords, {len(hashes)} runs, in-process):")
    print(f"  hash_password   median {ms(statistics.median(hashes))}, p95 {ms(p95(hashes))}")
    print(f"  verify_password median {ms(statistics.median(verifies))}, p95 {ms(p95(verifies))}")
    print(f"POST /login round trip ({len(logins)} logins, 303 each):")
    print(f"  median {ms(statistics.median(logins))}, p95 {ms(p95(logins))}")
    print(f"\ntook {perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
