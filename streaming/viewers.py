"""A meeting's viewers in this worker, and the fan-out of each batch of live messages to them.

A viewer is its socket's raw ASGI `send`: every batch carries its messages as ASGI dicts,
built once and handed as they are to every viewer (the same `text` object for all).

The fan-out is one task per meeting that walks the viewers and awaits each one's `send` in
turn. uvicorn's send writes to the transport and returns without suspending unless the
transport is paused (its buffer full: a client that does not read), so thousands of viewers
cost one task step, not a task wake-up each. A send that does suspend must not delay the
others: when the fan-out task first suspends, a callback it scheduled on starting runs (the
event loop runs callbacks in order, so before the task can resume), hands that task over to
the viewer it waits for, and starts another task that goes on with the remaining viewers.
The first task, once its send is done, sends that viewer what was queued for it meanwhile,
and ends.

A viewer busy with a send (or not started yet: its socket first sends what it missed) gets
batches queued, at most `QUEUE_SIZE`; one more and it is dropped: out of the hub, and
closed with 4000 ("resync") once its send in flight is done. It reconnects with `since=`
(JSON) or gets the whole page again (htmx).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from streaming import feed

if TYPE_CHECKING:
    from streaming.hub import MeetingHub

log = logging.getLogger(__name__)

QUEUE_SIZE = 32  # batches, not events: a viewer this far behind reconnects instead
RESYNC_CODE = 4000

Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]  # an ASGI websocket's `send`

RESYNC: Message = {"type": "websocket.close", "code": RESYNC_CODE, "reason": "resync"}


def _text(text: str) -> Message:
    return {"type": "websocket.send", "text": text}


@dataclass(frozen=True, slots=True)
class Batch:
    """What one push sends: for JSON viewers each event's message, in order, with its
    sequence number; for HTML viewers one message per language."""

    events: tuple[tuple[int, Message], ...]
    every_event: tuple[Message, ...]  # the messages of `events`
    first_seq: int  # the lowest sequence number in `events` but 0 (viewer counts); 0: none
    html: dict[str, Message]  # language → fragments
    html_seq: int  # the sequence number the fragments show; 0 for the viewer count

    @classmethod
    def of(cls, events: Iterable[feed.Logged], html: dict[str, str], html_seq: int) -> Batch:
        numbered = tuple((event.seq, _text(event.text)) for event in events)
        return cls(
            numbered,
            tuple(message for _seq, message in numbered),
            min((seq for seq, _message in numbered if seq), default=0),
            {language: _text(text) for language, text in html.items() if text},
            html_seq,
        )

    def messages(self, viewer: Viewer) -> Sequence[Message]:
        """The messages for this viewer: none that its `floor` says it has already."""
        floor = viewer.floor
        if viewer.language is None:
            if floor < self.first_seq or not self.first_seq:
                return self.every_event
            return [message for seq, message in self.events if seq > floor or not seq]
        if self.html_seq and self.html_seq <= floor:
            return ()
        message = self.html.get(viewer.language)
        return () if message is None else (message,)


class Viewer:
    """One websocket: JSON when `language` is None, else HTML fragments in that language.
    `floor`: the last sequence number the viewer already has (from its replay or snapshot);
    queued events up to it are skipped. Batches wait in its queue until `start`."""

    __slots__ = (
        "_holder",
        "_queue",
        "_resync",
        "busy",
        "failed",
        "floor",
        "hub",
        "language",
        "send",
    )

    def __init__(self, send: Send, language: str | None = None) -> None:
        self.send = send
        self.language = language
        self.floor = 0
        self.hub: MeetingHub | None = None  # None once it left (or was dropped)
        self.busy = True  # a send in flight, or not started: batches go to the queue
        self.failed = False  # its socket failed: nothing more is sent
        self._queue: deque[Batch] = deque()
        self._resync = False
        self._holder: asyncio.Task[Any] | None = None  # a task that serves it alone

    def queue(self, batch: Batch) -> bool:
        """Keep the batch until the send in flight is done; False when the queue is full."""
        if len(self._queue) >= QUEUE_SIZE:
            return False
        self._queue.append(batch)
        return True

    async def start(self) -> None:
        """Send what was queued since the viewer joined; from then on batches go straight
        to the socket. The caller has sent what the viewer missed before."""
        await self.drain()

    def resync(self) -> None:
        """Forget what is queued and close the socket with "resync" after the send in flight."""
        self._queue.clear()
        self._resync = True
        if not self.busy:  # nobody is sending to it: close it now
            self.busy = True
            self._holder = asyncio.get_running_loop().create_task(self.drain())

    def stop(self) -> None:
        """Its socket is gone: nothing more is sent, and a task that serves it alone ends."""
        self.failed = True
        self._queue.clear()
        holder, self._holder = self._holder, None
        if holder is not None and holder is not asyncio.current_task():
            holder.cancel()

    def hold(self, task: asyncio.Task[Any]) -> None:
        """The task waiting on this viewer's send now serves it alone (see `FanOut`)."""
        self._holder = task

    async def drain(self) -> None:
        """Send the queue, then "resync" if due; the caller holds the viewer (`busy`)."""
        try:
            while self._queue and not self.failed:
                for message in self._queue.popleft().messages(self):
                    await self.send(message)
            if self._resync and not self.failed:
                self.failed = True
                await self.send(RESYNC)
        except Exception:
            # A socket that cannot take a message is gone: its handler sees the disconnect.
            self.failed = True
            log.debug("live viewer's socket failed", exc_info=True)
        finally:
            self.busy = False
            if self._holder is asyncio.current_task():
                self._holder = None


class FanOut:
    """A meeting's batches, each sent to the viewers it was pushed for, in order (see the
    module's docstring). `drop` takes a viewer whose queue is full out of the hub."""

    def __init__(self, drop: Callable[[Viewer], None], name: str) -> None:
        self._drop = drop
        self._name = name
        self._batches: deque[tuple[Batch, list[Viewer]]] = deque()
        self._batch: Batch | None = None
        self._cursor: Iterator[Viewer] = iter(())  # the viewers `_batch` has yet to reach
        self._worker: asyncio.Task[None] | None = None  # the task going through them
        self._sending: Viewer | None = None  # whose send the worker is in
        self._tasks: set[asyncio.Task[None]] = set()

    def push(self, batch: Batch, viewers: list[Viewer]) -> None:
        self._batches.append((batch, viewers))
        if self._worker is None:
            self._worker = self._spawn(self._work())

    def close(self) -> None:
        """No more batches (the hub has no viewers left). Tasks that serve one viewer alone
        end with it (`Viewer.stop`), or once they sent it "resync"."""
        self._batches.clear()
        self._cursor = iter(())
        worker = self._worker
        if worker is not None and worker is not asyncio.current_task():
            worker.cancel()

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work, name=self._name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _watch(self, worker: asyncio.Task[Any] | None) -> None:
        """Called once the worker's first step is over: if it is waiting on a viewer's send,
        it keeps that viewer and a new worker goes on with the others."""
        if worker is None or self._worker is not worker or self._sending is None:
            return
        viewer, self._sending = self._sending, None
        viewer.hold(worker)
        self._worker = self._spawn(self._work())

    async def _work(self) -> None:
        me = asyncio.current_task()
        asyncio.get_running_loop().call_soon(self._watch, me)
        while True:
            batch = self._batch
            for viewer in self._cursor:
                if viewer.hub is None or viewer.failed:
                    continue  # left meanwhile
                assert batch is not None
                if viewer.busy:
                    if not viewer.queue(batch):
                        self._drop(viewer)
                    continue
                messages = batch.messages(viewer)
                if not messages:
                    continue
                viewer.busy = True
                self._sending = viewer
                try:
                    for message in messages:
                        await viewer.send(message)
                except Exception:
                    viewer.failed = True  # its handler sees the disconnect and leaves
                    log.debug("live viewer's socket failed", exc_info=True)
                if self._sending is not viewer:  # handed over by `_watch` while it waited
                    await viewer.drain()
                    return
                self._sending = None
                viewer.busy = False
            if not self._batches:
                self._worker = self._batch = None
                return
            self._batch, viewers = self._batches.popleft()
            self._cursor = iter(viewers)
