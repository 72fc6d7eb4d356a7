"""The scheduler: providers catch up before serving, jobs run and replace each other, a
failing job stays alone, and shutdown leaves no thread behind."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from starlette.testclient import TestClient

from participation import scheduler as scheduler_module
from participation.app import create_app
from participation.database import Database, utcnow
from participation.scheduler import Scheduler
from participation.settings import Settings

WAIT = 10  # seconds; only a bound on a hang, never a measure


class Recorder:
    """A fake provider: writes down each call, in order, into a shared list."""

    def __init__(self, name: str, calls: list[str]) -> None:
        self.name = name
        self.calls = calls

    def catch_up(self, _db: Database, _settings: Settings) -> None:
        self.calls.append(f"{self.name}.catch_up")

    def register(self, _scheduler: Scheduler, _db: Database, _settings: Settings) -> None:
        self.calls.append(f"{self.name}.register")


class Seen(logging.Handler):
    """Lets a test wait for a log record, containing `wanted`, written in another thread."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted = wanted
        self.records: list[logging.LogRecord] = []
        self.arrived = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.wanted in record.getMessage():
            self.records.append(record)
            self.arrived.set()


@contextmanager
def seen(logger_name: str, wanted: str) -> Iterator[Seen]:
    handler = Seen(wanted)
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def scheduler(db: Database, settings: Settings) -> Iterator[Scheduler]:
    running = Scheduler(db, settings, providers=[])
    running.start()
    yield running
    running.shutdown()


def test_every_provider_catches_up_before_any_registers(db: Database, settings: Settings) -> None:
    calls: list[str] = []
    providers = [Recorder("first", calls), SimpleNamespace(), Recorder("second", calls)]
    scheduler = Scheduler(db, settings, providers=providers)
    scheduler.start()
    try:
        assert calls == ["first.catch_up", "second.catch_up", "first.register", "second.register"]
    finally:
        scheduler.shutdown()


def test_a_failing_hook_is_logged_and_the_others_still_run(
    db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_db: Database, _settings: Settings) -> None:
        raise RuntimeError("the database went away")

    calls: list[str] = []
    providers = [SimpleNamespace(__name__="broken", catch_up=broken), Recorder("next", calls)]
    scheduler = Scheduler(db, settings, providers=providers)
    scheduler.start()
    scheduler.shutdown()
    assert calls == ["next.catch_up", "next.register"]
    assert "broken.catch_up failed" in caplog.text


def test_the_app_catches_up_before_it_serves(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(scheduler_module, "default_providers", lambda: [Recorder("p", calls)])
    app = create_app(settings)
    assert calls == []
    with TestClient(app) as client:
        assert calls == ["p.catch_up", "p.register"]
        assert client.get("/healthz").status_code == 200


def test_the_app_schedules_the_shells_purge(client: TestClient) -> None:
    scheduler: Scheduler = client.app.state.scheduler  # type: ignore[attr-defined]
    assert "participation.purge-expired" in scheduler.job_ids()


def test_a_date_job_runs_with_its_arguments(scheduler: Scheduler) -> None:
    received: list[object] = []
    done = threading.Event()

    def job(*args: object) -> None:
        received.extend(args)
        done.set()

    scheduler.at(utcnow() + dt.timedelta(milliseconds=50), job, "close", 7, job_id="close-7")
    assert done.wait(WAIT)
    assert received == ["close", 7]


def test_a_date_job_whose_time_has_passed_runs_at_once(scheduler: Scheduler) -> None:
    done = threading.Event()
    scheduler.at(utcnow() - dt.timedelta(hours=1), done.set, job_id="overdue")
    assert done.wait(WAIT)


def test_an_interval_job_runs(scheduler: Scheduler) -> None:
    done = threading.Event()
    scheduler.every(0.05, done.set, job_id="tick")
    assert done.wait(WAIT)


def test_a_job_id_scheduled_again_is_replaced(scheduler: Scheduler) -> None:
    never = threading.Event()
    done = threading.Event()
    tomorrow = utcnow() + dt.timedelta(days=1)
    scheduler.at(tomorrow, never.set, job_id="close-7")
    scheduler.at(tomorrow + dt.timedelta(hours=1), never.set, job_id="close-7")
    assert scheduler.job_ids() == ["close-7"]
    scheduler.at(utcnow(), done.set, job_id="close-7")  # moved forward: runs now
    assert done.wait(WAIT)
    assert not never.is_set()


def test_a_failing_job_is_logged_and_later_jobs_still_run(scheduler: Scheduler) -> None:
    def broken() -> None:
        raise RuntimeError("the database went away")

    with seen("participation.scheduler", "failed") as failure:
        scheduler.at(utcnow(), broken, job_id="broken")
        assert failure.arrived.wait(WAIT)
    [record] = failure.records
    assert record.levelno == logging.ERROR
    assert "broken" in record.getMessage()
    assert record.exc_info is not None
    done = threading.Event()
    scheduler.at(utcnow(), done.set, job_id="after")
    assert done.wait(WAIT)


def test_a_naive_time_is_refused(scheduler: Scheduler) -> None:
    with pytest.raises(ValueError, match="naive"):
        scheduler.at(dt.datetime(2030, 1, 1, 18), print, job_id="naive")


def test_shutdown_leaves_no_thread_behind(db: Database, settings: Settings) -> None:
    before = set(threading.enumerate())
    scheduler = Scheduler(db, settings, providers=[])
    scheduler.start()
    done = threading.Event()
    scheduler.at(utcnow(), done.set, job_id="one")  # a job, so a worker thread exists
    assert done.wait(WAIT)
    scheduler.shutdown()
    assert [thread for thread in threading.enumerate() if thread not in before] == []


def test_a_job_that_schedules_another_does_not_hold_up_shutdown(
    db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="apscheduler.scheduler")
    scheduler = Scheduler(db, settings, providers=[])
    scheduler.start()
    started, release = threading.Event(), threading.Event()

    def opens_a_window() -> None:
        started.set()
        release.wait(WAIT)
        scheduler.at(utcnow() + dt.timedelta(hours=1), print, job_id="close-window")

    scheduler.at(utcnow(), opens_a_window, job_id="open-window")
    assert started.wait(WAIT)
    stopper = threading.Thread(target=scheduler.shutdown, daemon=True)  # a hang fails, not blocks
    with seen("apscheduler.scheduler", "shut down") as stopped:
        stopper.start()
        assert stopped.arrived.wait(WAIT)  # stopped while the job still runs
    release.set()
    stopper.join(WAIT)
    assert not stopper.is_alive()


def test_overlapping_starts_share_one_run_and_a_later_start_runs_again(
    db: Database, settings: Settings
) -> None:
    calls: list[str] = []
    scheduler = Scheduler(db, settings, providers=[Recorder("p", calls)])
    scheduler.start()
    scheduler.start()  # a second TestClient on the same app
    assert calls == ["p.catch_up", "p.register"]
    scheduler.shutdown()
    done = threading.Event()
    scheduler.at(utcnow(), done.set, job_id="still-running")
    assert done.wait(WAIT)
    scheduler.shutdown()
    scheduler.start()  # the app started again after a full stop
    scheduler.shutdown()
    assert calls == ["p.catch_up", "p.register"] * 2
