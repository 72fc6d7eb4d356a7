"""The hottest writes (a vote, a support) run on the event loop when the database is SQLite.

A sync view normally runs in a worker thread. For a SQLite write of a handful of statements
that hand-off costs more than the write: each SQLite call lets go of the GIL, and the event
loop, busy with the other connections, takes it every time, so the two threads trade it a dozen
times a vote (measured: 1.56 ms of CPU per advisory vote in a thread, 1.09 ms on the loop).
SQLite writes queue on one lock anyway, so nothing is lost by running them one after the other
on the loop, as long as the loop never waits: the view runs inline only when this process's
write lock is free, and if another process holds SQLite's lock the write raises WriterBusy at
its first statement and the view runs again in a thread, where waiting is harmless.

A view wrapped here must make its changes in one `Database.write()` and do nothing before it
that cannot be done twice. PostgreSQL, reached over a socket, always uses the thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from participation.auth import database
from participation.database import WriterBusy

View = Callable[[Request], Response]


def inline_on_sqlite(view: View) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        with database(request).writing_inline() as inline:
            if inline:
                try:
                    return view(request)
                except WriterBusy:
                    pass  # another process is writing: wait for it in a thread
        return await run_in_threadpool(view, request)

    endpoint.__name__ = endpoint.__qualname__ = view.__name__
    endpoint.__doc__ = view.__doc__
    return endpoint
