"""bench/live.py's figures, and how they are printed against the issue's targets."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench._live_drive import Timings
from bench._pages import mark

P99_ONE_WORKER_MS = 250.0
P99_TWO_WORKERS_MS = 350.0
KIB_PER_VIEWER = 40.0
COST_RATIO = 1.5


@dataclass
class Reconnection:
    events: int  # appended from the phase's first action to its last
    reconnected: int
    failed: int
    seconds: float  # from the cut to the last viewer reconnected
    final: tuple[int, int]  # viewers that received the last event, viewers connected
    complete: int  # viewers holding every event of the phase
    missing: int  # viewers lacking at least one
    snapshots: int  # snapshots received instead of a replay
    duplicates: int
    resyncs: int  # closes with 4000 ("resync") the viewers answered by reconnecting


@dataclass
class Figures:
    viewers: int
    ws: str
    runs: dict[str, Timings] = field(default_factory=dict)
    memory: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # idle, with, viewers
    idle_cpu: dict[str, float] = field(default_factory=dict)  # seconds per action, no viewers
    reconnection: Reconnection | None = None

    def kib_per_viewer(self, name: str) -> float:
        idle, loaded, viewers = self.memory[name]
        return (loaded - idle) / viewers if viewers else float("inf")

    def us_per_delivery(self, name: str) -> float:
        """Server CPU per message per viewer, without what the action costs by itself."""
        run, viewers = self.runs[name], self.memory[name][2]
        per_action = run.cpu / run.actions - self.idle_cpu[name]
        return 1e6 * per_action / viewers if viewers else float("inf")


def _ratio(app: float, bare: float) -> float:
    return app / bare if bare > 0 else float("inf")


def _line(name: str, run: Timings) -> str:
    return (
        f"  {name:<34}{run.percentile_ms(0.5, first=True):>8.1f}"
        f"{run.percentile_ms(0.5):>8.1f}{run.percentile_ms(0.99):>8.1f}"
        f"{max(run.latencies, default=float('inf')) * 1000:>8.1f}{len(run.latencies):>8}"
        f"{run.short:>7}"
    )


def report(figures: Figures) -> None:
    runs, n = figures.runs, figures.viewers
    app, bare = runs.get("app"), runs.get("bare")
    print(f"\n=== Results: {n} viewers, uvicorn --ws {figures.ws} ===")
    print(
        f"  {'chair action → last viewer, ms':<34}{'first':>8}{'p50':>8}{'p99':>8}{'max':>8}"
        f"{'actions':>8}{'lost':>7}"
    )
    names = {
        "app": f"app, 1 worker, {n} viewers",
        "bare": f"bare websockets, {n} viewers",
        "2 workers": f"app, 2 workers (PG), 2 × {n // 2}",
    }
    for name, run in runs.items():
        print(_line(names[name], run))
    print(
        "  (first: p50 to the first viewer's receipt; lost: actions whose event some viewer"
        " had not received after 15 s)"
    )
    for name in figures.memory:
        idle, loaded, viewers = figures.memory[name]
        print(
            f"  {name}: RSS {idle / 1024:.1f} MiB idle, {loaded / 1024:.1f} MiB with {viewers} "
            f"viewers: {figures.kib_per_viewer(name):.1f} KiB per viewer; CPU "
            f"{1000 * runs[name].cpu / runs[name].actions:.1f} ms per action "
            f"({1000 * figures.idle_cpu[name]:.1f} ms without viewers): "
            f"{figures.us_per_delivery(name):.1f} µs per message per viewer"
        )
    print("\nTargets:")
    if app is not None:
        p99 = app.percentile_ms(0.99)
        ok = p99 <= P99_ONE_WORKER_MS and not app.short
        print(f"  (a) p99 ≤ {P99_ONE_WORKER_MS:g} ms, 1 worker: {p99:.1f} ms {mark(ok)}")
        kib = figures.kib_per_viewer("app")
        print(
            f"  (b) memory ≤ {KIB_PER_VIEWER:g} KiB per viewer: {kib:.1f} KiB "
            f"{mark(kib <= KIB_PER_VIEWER)}"
        )
    if app is not None and bare is not None:
        cpu = _ratio(figures.us_per_delivery("app"), figures.us_per_delivery("bare"))
        p50 = _ratio(app.percentile_ms(0.5), bare.percentile_ms(0.5))
        p99 = _ratio(app.percentile_ms(0.99), bare.percentile_ms(0.99))
        memory = _ratio(figures.kib_per_viewer("app"), figures.kib_per_viewer("bare"))
        print(
            f"  (c) cost per viewer ≤ {COST_RATIO:g}× bare websockets: CPU per message per "
            f"viewer {cpu:.2f}× {mark(cpu <= COST_RATIO)}; latency p50 {p50:.2f}×, "
            f"p99 {p99:.2f}× {mark(p99 <= COST_RATIO)}; memory per viewer {memory:.2f}×"
        )
    two = runs.get("2 workers")
    if two is None:
        print("  (d) 2 workers with the PostgreSQL broker: not run (needs --postgresql URL)")
    else:
        p99 = two.percentile_ms(0.99)
        ok = p99 <= P99_TWO_WORKERS_MS and not two.short
        print(f"  (d) p99 ≤ {P99_TWO_WORKERS_MS:g} ms, 2 workers: {p99:.1f} ms {mark(ok)}")
    found = figures.reconnection
    if found is not None:
        ok = not (found.missing or found.duplicates or found.failed) and found.complete == n
        print(
            f"  (e) {n} viewers cut and back within {found.seconds:.1f} s, none missing an "
            f"event: {found.complete} complete, {found.missing} missing some of the "
            f"{found.events} events, {found.duplicates} duplicates, {found.snapshots} "
            f"snapshots, {found.failed} failed reconnections, {found.resyncs} resyncs; the "
            f"last event reached {found.final[0]} of {found.final[1]} {mark(ok)}"
        )
