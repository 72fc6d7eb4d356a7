"""Fan-out of a meeting's live events to this worker's viewers.

One `MeetingHub` per meeting with viewers in this worker, made for the first viewer and
dropped with the last. It remembers the last sequence number it read; when the broker says
the log grew, or when it polls (every second, so a lost signal costs a second, not an
event), it reads the new events in a thread, and hands each batch to every viewer:

- JSON viewers get each event's `{"seq", "type", "data"}`, encoded once for all of them;
- HTML viewers get the fragments `streaming.fragments.render_update` renders once per
  language from one `load_state`, the same string to every viewer of that language.

`streaming.viewers` sends each batch to the viewers: in one task, without a task wake-up
per viewer, a viewer whose socket cannot take more handed to a task of its own, never
delaying the others; a bounded queue per viewer, and one that falls behind is dropped and
closed with code 4000 ("resync"): it reconnects with `since=` (JSON) or gets the whole page
again (htmx).

`ballot.tally` events are coalesced: at most one every `TALLY_INTERVAL` per meeting, the
latest one, and always before a following event of another kind, so order is kept (JSON
clients see gaps in `seq` only there). Every `VIEWERS_INTERVAL` the hub pushes the number
of viewers in this worker when it changed: `{"type": "viewers", "data": {"count": n}}`,
without `seq`, as it is not part of the log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from anyio import to_thread

from participation.database import Database
from participation.templating import Templates
from streaming import feed, fragments
from streaming.state import LiveState
from streaming.viewers import QUEUE_SIZE, RESYNC_CODE, Batch, FanOut, Viewer

T = TypeVar("T")
READS_TIMEOUT = 10.0  # seconds closing waits for a read stuck in the database

__all__ = ["QUEUE_SIZE", "RESYNC_CODE", "TALLY", "Hubs", "MeetingHub", "Viewer"]

log = logging.getLogger(__name__)

TALLY = "ballot.tally"
TALLY_INTERVAL = 0.1
POLL_INTERVAL = 1.0
VIEWERS_INTERVAL = 5.0


class MeetingHub:
    def __init__(self, hubs: Hubs, meeting_id: int) -> None:
        self.hubs = hubs
        self.meeting_id = meeting_id
        self.viewers: set[Viewer] = set()
        self.languages: Counter[str] = Counter()  # HTML viewers per language
        self.last_seq = 0
        self._woken = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        now = hubs.clock()
        self._poll_at = now + hubs.poll_interval
        self._viewers_at = now + VIEWERS_INTERVAL
        self._viewers_pushed = 0
        self._pending: feed.Logged | None = None  # the latest tally not pushed yet
        self._tally_at = -math.inf
        self._state: LiveState | None = None
        self._loading: asyncio.Future[LiveState] | None = None
        self._pages: dict[str, str] = {}  # render_all of `_state`, per language
        self._snapshot: str | None = None
        self._fan_out = FanOut(hubs.drop, f"live-fan-out-{meeting_id}")
        # True once the meeting is known to be public, False if it is not.
        self.ready: asyncio.Task[bool] = asyncio.create_task(self._open())

    async def _open(self) -> bool:
        found = await self.hubs.read(feed.read_start, self.hubs.db, self.meeting_id)
        if found is None:
            return False
        self.last_seq = found
        self._runner = asyncio.create_task(self._run(), name=f"live-hub-{self.meeting_id}")
        return True

    def close(self) -> None:
        self.ready.cancel()
        if self._runner is not None:
            self._runner.cancel()
        self._fan_out.close()

    def wake(self, seq: int) -> None:
        if seq > self.last_seq:
            self._woken.set()

    # The state for joining viewers: loaded once per sequence number, shared by all.

    async def state(self) -> LiveState:
        if self._state is not None and self._state.seq >= self.last_seq:
            return self._state
        if self._loading is None:
            self._loading = asyncio.ensure_future(
                self.hubs.read(feed.read_state, self.hubs.db, self.meeting_id)
            )
            self._loading.add_done_callback(self._loaded)
        return await asyncio.shield(self._loading)

    def _loaded(self, loading: asyncio.Future[LiveState]) -> None:
        self._loading = None
        if not loading.cancelled() and loading.exception() is None:
            self._remember(loading.result())

    def _remember(self, state: LiveState) -> None:
        if self._state is None or state.seq >= self._state.seq:
            self._state, self._pages, self._snapshot = state, {}, None

    async def snapshot(self) -> tuple[int, str]:
        """The `snapshot` message for a JSON viewer, and the sequence number it shows."""
        state = await self.state()
        if self._state is not state:
            return state.seq, feed.snapshot_text(state)
        if self._snapshot is None:
            self._snapshot = feed.snapshot_text(state)
        return state.seq, self._snapshot

    async def page(self, language: str) -> tuple[int, str]:
        """Every panel for an HTML viewer, and the sequence number they show."""
        state = await self.state()
        if self._state is not state:
            return state.seq, fragments.render_all(self.hubs.templates, state, language)
        if language not in self._pages:
            self._pages[language] = fragments.render_all(self.hubs.templates, state, language)
        return state.seq, self._pages[language]

    # The runner: wait for a signal or a deadline, read, coalesce, push.

    async def _run(self) -> None:
        clock = self.hubs.clock
        while True:
            due = min(self._poll_at, self._viewers_at, self._flush_at()) - clock()
            if not self._woken.is_set() and due > 0:
                try:
                    async with asyncio.timeout(due):
                        await self._woken.wait()
                except TimeoutError:
                    pass
            woken = self._woken.is_set()
            self._woken.clear()
            try:
                await self._step(woken)
            except Exception:
                log.exception("live hub of meeting %s failed; retrying", self.meeting_id)
                await asyncio.sleep(self.hubs.poll_interval)

    def _flush_at(self) -> float:
        return math.inf if self._pending is None else self._tally_at + TALLY_INTERVAL

    async def _step(self, woken: bool) -> None:
        clock = self.hubs.clock
        events: list[feed.Logged] = []
        if woken or clock() >= self._poll_at:
            self._poll_at = clock() + self.hubs.poll_interval
            events = await self.hubs.read(
                feed.read_events, self.hubs.db, self.meeting_id, self.last_seq
            )
            if events:
                self.last_seq = events[-1].seq
            if len(events) == feed.READ_LIMIT:
                self._woken.set()  # more to read
            events = [event for event in events if event.public]
        out = self._coalesce(events, clock())
        if out:
            await self._push(out)
        if clock() >= self._viewers_at:
            self._viewers_at = clock() + VIEWERS_INTERVAL
            if len(self.viewers) != self._viewers_pushed:
                self._push_viewers(len(self.viewers))

    def _coalesce(self, events: list[feed.Logged], now: float) -> list[feed.Logged]:
        out = []
        for event in events:
            if event.kind == TALLY:
                self._pending = event
                continue
            if self._pending is not None:
                out.append(self._pending)
                self._pending, self._tally_at = None, now
            out.append(event)
        if self._pending is not None and now - self._tally_at >= TALLY_INTERVAL:
            out.append(self._pending)
            self._pending, self._tally_at = None, now
        return out

    async def _push(self, events: list[feed.Logged]) -> None:
        html: dict[str, str] = {}
        html_seq = 0
        languages = [language for language, count in self.languages.items() if count]
        if languages:
            kinds = frozenset(event.kind for event in events)
            state, html = await self.hubs.read(
                feed.render_update,
                self.hubs.db,
                self.hubs.templates,
                self.meeting_id,
                kinds,
                languages,
            )
            self._remember(state)
            html_seq = state.seq
        self._fan_out.push(Batch.of(events, html, html_seq), list(self.viewers))

    def _push_viewers(self, count: int) -> None:
        self._viewers_pushed = count
        text = json.dumps({"type": "viewers", "data": {"count": count}})
        html = {
            language: fragments.render_viewers(self.hubs.templates, count, language)
            for language, present in self.languages.items()
            if present
        }
        batch = Batch.of((feed.Logged(0, "viewers", text),), html, 0)
        self._fan_out.push(batch, list(self.viewers))


class Hubs:
    """This worker's hubs, by meeting; the brokers call `wake`, the sockets `join`/`leave`."""

    def __init__(
        self,
        db: Database,
        templates: Templates,
        *,
        poll_interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.templates = templates
        self.poll_interval = POLL_INTERVAL if poll_interval is None else poll_interval
        self.clock = clock
        self.hubs: dict[int, MeetingHub] = {}
        # Open live sockets per client address, for INSPRAAK_LIVE_MAX_CONNECTIONS_PER_IP.
        self.addresses: Counter[str] = Counter()
        # Database reads running in threads: a cancelled hub abandons its read, and closing
        # waits for them so that the database is not disposed under a running read.
        self._reads = 0
        self._idle = threading.Condition()

    async def read(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a worker thread, never on the event loop."""
        return await to_thread.run_sync(self._counted, function, *args)

    def _counted(self, function: Callable[..., T], *args: Any) -> T:
        with self._idle:
            self._reads += 1
        try:
            return function(*args)
        finally:
            with self._idle:
                self._reads -= 1
                self._idle.notify_all()

    def _wait_for_reads(self) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._reads == 0, timeout=READS_TIMEOUT)

    def wake(self, meeting_id: int, seq: int) -> None:
        """A broker's signal: the meeting's log reached `seq`. Called on the event loop."""
        hub = self.hubs.get(meeting_id)
        if hub is not None:
            hub.wake(seq)

    async def join(self, meeting_id: int, viewer: Viewer) -> MeetingHub | None:
        """Add the viewer to the meeting's hub (None: no such public meeting). Events read
        from now on reach its queue; the caller sends what came before, then starts it."""
        hub = self.hubs.get(meeting_id)
        if hub is None:
            hub = self.hubs[meeting_id] = MeetingHub(self, meeting_id)
        viewer.hub = hub
        hub.viewers.add(viewer)
        if viewer.language is not None:
            hub.languages[viewer.language] += 1
        try:
            public = await asyncio.shield(hub.ready)
        except BaseException:
            self.leave(viewer)
            raise
        if not public:
            self.leave(viewer)
            return None
        return hub

    def leave(self, viewer: Viewer) -> None:
        """The viewer's socket is gone (or never opened)."""
        self._remove(viewer)
        viewer.stop()

    def drop(self, viewer: Viewer) -> None:
        """A viewer that fell behind: out of the hub, and told to resynchronise."""
        self._remove(viewer)
        viewer.resync()

    def _remove(self, viewer: Viewer) -> None:
        hub, viewer.hub = viewer.hub, None
        if hub is None or viewer not in hub.viewers:
            return
        hub.viewers.remove(viewer)
        if viewer.language is not None:
            hub.languages[viewer.language] -= 1
        if not hub.viewers and self.hubs.get(hub.meeting_id) is hub:
            del self.hubs[hub.meeting_id]
            hub.close()

    def viewer_count(self, meeting_id: int) -> int:
        """Viewers of the meeting in this worker."""
        hub = self.hubs.get(meeting_id)
        return len(hub.viewers) if hub is not None else 0

    async def aclose(self) -> None:
        """Stop every hub, and wait for the database reads they leave running."""
        for hub in self.hubs.values():
            hub.close()
        self.hubs.clear()
        await to_thread.run_sync(self._wait_for_reads)
