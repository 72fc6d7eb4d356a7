"""The app factory: settings, database, templates and mail wired to every package's routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from anyio import to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from participation import errors
from participation import routes as participation_routes
from participation.api import ApiError, api_error
from participation.api_http import OpenDataMiddleware
from participation.checks import Refused
from participation.database import Database
from participation.emails import AccountEmails
from participation.features import feature_modules
from participation.links import Links
from participation.mail import Mailer
from participation.middleware import (
    BodyLimitMiddleware,
    CSRFMiddleware,
    SecurityHeadersMiddleware,
    SessionCookieMiddleware,
)
from participation.ratelimit import RateLimited
from participation.routing import SegmentRouter
from participation.scheduler import Scheduler
from participation.settings import Settings
from participation.templating import Templates

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    feature_modules("content")  # each feature registers its content types
    uploads = settings.uploads_path
    uploads.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    mailer = Mailer(settings)
    links = Links(settings.secret_key)
    AccountEmails(settings, db, mailer, links).subscribe(db.bus)
    scheduler = Scheduler(db, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Starlette runs each plain (non-async) view in this pool; the default of 40 threads
        # fight over the interpreter lock and SQLite's one writer, and a transaction then
        # waits for the lock in the middle of its work.
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        scheduler.start()  # catches up before the first request is served
        try:
            # Each feature's `lifespan(app)` module, if it has one, runs what it needs while
            # the app serves (the live session's broker), in each worker process.
            async with AsyncExitStack() as features:
                for module in feature_modules("lifespan"):
                    await features.enter_async_context(module.lifespan(app))
                yield
        finally:
            scheduler.shutdown()
            db.dispose()

    routes = [
        *participation_routes.routes,
        *(route for module in feature_modules("routes") for route in module.routes),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        Mount("/uploads", StaticFiles(directory=uploads, check_dir=False), name="uploads"),
    ]
    app = Starlette(
        middleware=[
            Middleware(SecurityHeadersMiddleware, settings=settings),
            Middleware(SessionCookieMiddleware, settings=settings),
            Middleware(BodyLimitMiddleware, settings=settings, error_page=errors.error_page),
            Middleware(CSRFMiddleware, settings=settings, error_page=errors.error_page),
            # Innermost: the visitor's language is known for its error message.
            Middleware(OpenDataMiddleware, settings=settings),
        ],
        exception_handlers={
            HTTPException: errors.http_exception,
            ApiError: api_error,
            RateLimited: errors.rate_limited,
            Refused: errors.refused,
            Exception: errors.server_error,
        },
        lifespan=lifespan,
    )
    app.router = SegmentRouter(routes, lifespan=lifespan)
    app.state.settings = settings
    app.state.db = db
    app.state.templates = Templates(settings)
    app.state.mailer = mailer
    app.state.links = links
    app.state.scheduler = scheduler
    return app
