"""The live machinery of one worker, for the app's lifetime: its hubs, and the broker that
wakes them, subscribed to the commits of the worker's own database (`live.appended`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from participation.database import Database
from participation.events import Event
from participation.settings import Settings
from streaming.broker import make_broker
from streaming.hub import Hubs
from streaming.log import APPENDED


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    db: Database = app.state.db
    hubs = Hubs(db, app.state.templates)
    broker = make_broker(settings.broker_url)
    await broker.start(hubs.wake)

    def appended(event: Event) -> None:
        broker.publish(event.data["meeting_id"], event.data["seq"])

    db.bus.subscribe(APPENDED, appended, key="streaming.broker")
    app.state.live = hubs
    try:
        yield
    finally:
        await broker.stop()
        await hubs.aclose()
