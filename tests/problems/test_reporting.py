"""The reporting actions: who may report, routing and due date, rate limits, "me too" once
(also under concurrency), and nearby open reports."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import func, select

from participation.checks import Refused
from participation.database import Database
from participation.events import EventBus
from participation.models import User
from participation.notifications import Notification
from participation.ratelimit import RateLimited
from participation.settings import Settings
from participation.visibility import Visibility
from problems import admin, handling, reporting
from problems.models import MeToo, ProblemCategory, ProblemReport
from tests.helpers import HoldAll, create_user, mute
from tests.problems.reporting_world import CENTER, add_category, report, with_settings


def test_a_report_is_routed_with_its_due_date_and_neighbourhood(
    db: Database, settings: Settings, clerk: User, resident: User
) -> None:
    lights = add_category(db, clerk, slug="street-light", department="Verlichting", days=5)
    places = with_settings(settings, neighbourhoods=(("Zuid", 51.04, 3.72), ("Noord", 51.06, 3.72)))
    stored = report(db, places, resident, lights, latitude=51.058)
    assert stored.department_id == lights.department_id
    assert (stored.due_at - stored.created_at).days == 5
    assert stored.neighbourhood == "Noord"
    assert stored.status == "new"
    assert stored.me_too_count == 0


def test_published_after_commit(
    db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> None:
    seen: list[int] = []
    bus: EventBus = db.bus
    bus.subscribe("problem.reported", lambda event: seen.append(event.data["report_id"]))
    stored = report(db, settings, resident, category)
    assert seen == [stored.id]


def test_the_department_hears_of_a_new_report_and_a_held_one_waits(
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    category: ProblemCategory,
    hold_all: HoldAll,
) -> None:
    worker = create_user(db, email="wout@example.be", name="Wout", language="fr")
    with db.write() as session:
        admin.do_add_worker(session, clerk, category.department_id, "wout@example.be")
    anonymous = with_settings(settings, problems_anonymous=True)
    stored = report(db, anonymous, None, category)
    held = report(db, settings, resident, category)
    with db.read() as session:
        told = session.exec(select(Notification).where(Notification.user_id == worker.id)).all()
        assert [(n.kind, n.subject_id, n.link) for n in told] == [
            ("problem.new", stored.id, f"/problems/{stored.id}"),
            ("problem.new", held.id, f"/problems/{held.id}"),
        ]
        assert "pothole fr" in told[0].text  # the category in the worker's own language
        stored_held = session.get(ProblemReport, held.id)
        assert stored_held is not None
        assert stored_held.visibility == Visibility.held
    # Only the account's report was screened: an anonymous one has no account to judge.
    assert [entry[:2] for entry in hold_all.screened] == [("problem", held.id)]


def test_who_may_report(db: Database, settings: Settings, category: ProblemCategory) -> None:
    with pytest.raises(Refused) as refused:
        reporting.check_can_report(None, settings)
    assert refused.value.status_code == 403
    reporting.check_can_report(None, with_settings(settings, problems_anonymous=True))
    unverified = create_user(db, email="x@example.be", name="X", verified=False)
    with pytest.raises(Refused, match="Confirm your email"):
        reporting.check_can_report(unverified, settings)
    import datetime as dt

    from participation.database import utcnow

    muted = create_user(db, email="m@example.be", name="M")
    mute(db, muted, utcnow() + dt.timedelta(days=1))
    with db.read() as session:
        fresh = session.get(User, muted.id)
    with pytest.raises(Refused, match="muted"):
        reporting.check_can_report(fresh, settings)


def test_the_action_refuses_a_place_outside_the_boundary_and_an_inactive_category(
    db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> None:
    bounded = with_settings(settings, municipality_boundary=((51.0, 3.6), (51.0, 3.8), (51.1, 3.8)))
    with pytest.raises(Refused, match="outside the municipality"):
        report(db, bounded, resident, category, latitude=51.09, longitude=3.61)
    with db.write() as session:
        stored = session.get(ProblemCategory, category.id)
        assert stored is not None
        stored.active = False
    with pytest.raises(Refused, match="kind of problem"):
        report(db, settings, resident, category)


def test_anonymous_reports_count_per_address(
    db: Database, settings: Settings, category: ProblemCategory
) -> None:
    anonymous = with_settings(settings, problems_anonymous=True)
    for _ in range(reporting.REPORT_PER_ADDRESS.limit):
        report(db, anonymous, None, category, address="192.0.2.1")
    with pytest.raises(RateLimited):
        report(db, anonymous, None, category, address="192.0.2.1")
    report(db, anonymous, None, category, address="192.0.2.2")
    with db.read() as session:
        with pytest.raises(RateLimited):
            reporting.check_rate(session, None, "192.0.2.1")
        reporting.check_rate(session, None, "192.0.2.2")


def count_me_too(db: Database, report_id: int) -> tuple[int, int]:
    with db.read() as session:
        stored = session.get(ProblemReport, report_id)
        rows = session.exec(select(func.count()).where(MeToo.report_id == report_id)).one()
        assert stored is not None
        return stored.me_too_count, rows


def test_me_too_once_under_concurrency(db: Database, reported_id: int) -> None:
    people = [create_user(db, email=f"p{n}@example.be", name=f"P{n}") for n in range(4)]
    start = threading.Barrier(12)

    def me_too(person: User) -> int:
        start.wait()
        with db.write() as session:
            return reporting.do_me_too(session, reported_id, person).me_too_count

    # Each of four residents three times, all at once.
    with ThreadPoolExecutor(max_workers=12) as pool:
        counts = list(pool.map(me_too, [p for p in people for _ in range(3)]))
    assert max(counts) == 4
    assert count_me_too(db, reported_id) == (4, 4)


def test_me_too_refusals(
    db: Database, clerk: User, resident: User, neighbour: User, reported_id: int
) -> None:
    with db.write() as session, pytest.raises(Refused) as own:
        reporting.do_me_too(session, reported_id, resident)
    assert own.value.status_code == 409
    with db.write() as session:
        handling.do_set_status(session, clerk, reported_id, "rejected", "Private ground.")
    with db.write() as session, pytest.raises(Refused) as closed:
        reporting.do_me_too(session, reported_id, neighbour)
    assert closed.value.status_code == 409
    with db.write() as session, pytest.raises(Refused) as missing:
        reporting.do_me_too(session, 999, neighbour)
    assert missing.value.status_code == 404


def test_nearby_open_reports_nearest_first(
    db: Database, settings: Settings, clerk: User, resident: User, category: ProblemCategory
) -> None:
    litter = add_category(db, clerk, slug="litter")
    at_100 = report(db, settings, resident, category, latitude=CENTER[0] + 0.0009)
    at_20 = report(db, settings, resident, category, latitude=CENTER[0] + 0.00018)
    report(db, settings, resident, category, latitude=CENTER[0] + 0.0016)  # 178 m
    report(db, settings, resident, litter)
    done = report(db, settings, resident, category)
    with db.write() as session:
        assert done.id is not None
        handling.do_set_status(session, clerk, done.id, "fixed", "")
    with db.read() as session:
        assert category.id is not None
        found = reporting.nearby_open(session, category.id, *CENTER)
    assert [(n.report.id, n.metres) for n in found] == [(at_20.id, 20), (at_100.id, 100)]
