"""Scheduled work: one APScheduler per app, fed by the `jobs` module of each package.

A job provider is a module, the shell's `participation.jobs` and each feature's
`<package>.jobs` (found by name, so the shell imports no feature), with either or both of:

- `catch_up(db, settings)`: applies every transition that came due while the server was down
  (a voting window that should have closed at 18:00 during a restart). It runs synchronously
  at start, before the first request is served.
- `register(scheduler, db, settings)`: adds interval jobs (`every`) and date jobs (`at`).

A hook that raises is logged and the app starts anyway: with the database down, /healthz
must still answer 503, and one broken feature must not keep the whole site down. So an
interval job should also apply what `catch_up` applies, and actions should check the clock
themselves rather than trust that a transition has run.

Every job must be idempotent: "make it so", never "do it once more" (close the windows that
are open and past their end, not "close this window"). A job may run more than once or late:
each worker process runs its own scheduler, `catch_up` and a date job may apply the same
transition, and a job that missed its time (a suspended host, a busy pool) still runs, once,
when the scheduler gets to it. The job store is in memory; `register` and `catch_up` rebuild
what a restart forgot.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from types import ModuleType

from apscheduler.executors.pool import ThreadPoolExecutor as PoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED

import participation.digests
import participation.jobs
from participation.database import Database
from participation.features import feature_modules
from participation.settings import Settings

log = logging.getLogger(__name__)


def default_providers() -> list[ModuleType]:
    """The shell's own jobs first, then each feature's."""
    return [participation.jobs, participation.digests, *feature_modules("jobs")]


class _BackgroundScheduler(BackgroundScheduler):  # type: ignore[misc]
    """APScheduler 3.11 with a shutdown race closed (a kin of agronholm/apscheduler#104).

    A date job is removed once it has fired; when it fires just as the scheduler stops, the
    removal looks among the pending jobs, finds nothing and kills the scheduler thread with
    JobLookupError. A job that is gone when the scheduler has stopped is simply gone.
    """

    def remove_job(self, job_id: str, jobstore: str | None = None) -> None:
        try:
            super().remove_job(job_id, jobstore)
        except JobLookupError:
            if self.state != STATE_STOPPED:
                raise


def _background_scheduler(executor: PoolExecutor) -> BackgroundScheduler:
    return _BackgroundScheduler(
        timezone=dt.UTC,
        jobstores={"default": MemoryJobStore()},
        executors={"default": executor},
        job_defaults={
            "coalesce": True,  # a job that fell behind runs once, not once per missed time
            "max_instances": 1,
            # No limit: jobs are idempotent, so late is always better than never (a window
            # that never closes). APScheduler's default of one second would skip them.
            "misfire_grace_time": None,
        },
    )


def _run(job_id: str, func: Callable[..., object], *args: object) -> None:
    """Log a failing job under its id, so that it neither stops the others nor goes unseen."""
    try:
        func(*args)
    except Exception:
        log.exception("scheduled job %s failed", job_id)


def _call_hook(provider: object, hook: str, *args: object) -> None:
    """Call the provider's hook if it has one, logging a failure (see the module docstring)."""
    function = getattr(provider, hook, None)
    if function is None:
        return
    try:
        function(*args)
    except Exception:
        log.exception("%s.%s failed", getattr(provider, "__name__", provider), hook)


class Scheduler:
    """Runs jobs in a background thread while at least one lifespan of the app is open.

    Tests open several lifespans on one app (two TestClients at once, or one after another),
    so starts are counted: the first runs the providers and starts a thread, the last
    shutdown stops it and leaves a fresh, unstarted scheduler for the next start.
    """

    def __init__(
        self, db: Database, settings: Settings, providers: Sequence[object] | None = None
    ) -> None:
        self._db = db
        self._settings = settings
        self._providers = default_providers() if providers is None else list(providers)
        self._lock = threading.Lock()
        self._users = 0
        self._fresh()

    def start(self) -> None:
        """Catch up, register every provider's jobs, then start running them."""
        with self._lock:
            if self._users == 0:
                self._run_providers()
                self._scheduler.start()
            self._users += 1

    def shutdown(self) -> None:
        """Stop when the last user leaves; no thread of ours outlives this call."""
        with self._lock:
            if self._users == 0:
                raise RuntimeError("the scheduler was not started")
            self._users -= 1
            if self._users == 0:
                self._stop()
                self._fresh()

    def at(
        self, when: dt.datetime, func: Callable[..., object], *args: object, job_id: str
    ) -> None:
        """Run `func(*args)` once at `when` (at once if that has passed); replaces `job_id`."""
        if when.tzinfo is None:
            raise ValueError("naive datetime: schedule times timezone-aware")
        self._add(job_id, func, args, trigger="date", run_date=when)

    def every(
        self, seconds: float, func: Callable[..., object], *args: object, job_id: str
    ) -> None:
        """Run `func(*args)` every `seconds`, the first time one interval from now."""
        self._add(job_id, func, args, trigger="interval", seconds=seconds)

    def job_ids(self) -> list[str]:
        """The ids of the jobs waiting to run: what is scheduled, for tests and debugging."""
        return sorted(job.id for job in self._scheduler.get_jobs())

    def _fresh(self) -> None:
        """A new, unstarted scheduler: APScheduler 3 cannot start again once shut down."""
        self._executor = PoolExecutor()
        self._scheduler = _background_scheduler(self._executor)

    def _stop(self) -> None:
        """Stop, then wait for running jobs outside APScheduler's lock.

        `shutdown(wait=True)` waits while holding the lock that adding a job takes, so a
        running job that schedules another (open a window, then plan its close) would
        deadlock it. Pausing first keeps jobs from starting while the executor shuts down.
        """
        self._scheduler.pause()
        self._scheduler.shutdown(wait=False)
        self._executor.shutdown(wait=True)

    def _add(
        self, job_id: str, func: Callable[..., object], args: tuple[object, ...], **trigger: object
    ) -> None:
        self._scheduler.add_job(
            _run, args=(job_id, func, *args), id=job_id, replace_existing=True, **trigger
        )

    def _run_providers(self) -> None:
        """All catch-ups before any registration: no job should see state still behind."""
        for provider in self._providers:
            _call_hook(provider, "catch_up", self._db, self._settings)
        for provider in self._providers:
            _call_hook(provider, "register", self, self._db, self._settings)
