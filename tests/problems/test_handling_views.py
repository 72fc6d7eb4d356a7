"""Handling over HTTP: the queue page, the handling forms with their errors per field, the fix
photo, the photo check and the reporter's answer, and hostile text kept as text."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from participation.database import Database
from participation.models import User
from participation.settings import Settings
from problems import admin
from problems.models import ProblemCategory, ProblemPhoto, ProblemReport
from tests.helpers import HOSTILE, Browser, field_error, jpeg, select_one, soup
from tests.problems.reporting_world import add_category, report


def _age(db: Database, report_id: int | None, days: float) -> None:
    with db.write() as session:
        found = session.get(ProblemReport, report_id)
        assert found is not None
        found.created_at -= dt.timedelta(days=days)
        found.due_at -= dt.timedelta(days=days)
        session.add(found)


def test_the_queue_is_for_handlers_only(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    assert browser.get("/problems/queue").status_code in (302, 303)
    browser.login(resident.email)
    assert browser.get("/problems/queue").status_code == 403


def test_the_queue_lists_oldest_first_with_overdue_marked_and_text_escaped(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    category: ProblemCategory,
) -> None:
    late = report(db, settings, resident, category, description=HOSTILE)
    fresh = report(db, settings, resident, category)
    _age(db, late.id, 20)
    browser.login(clerk.email)
    page = browser.get("/problems/queue")
    assert page.status_code == 200
    rows = soup(page).select("[data-queue-report]")
    assert [r.select_one("a")["href"] for r in rows] == [  # type: ignore[index]
        f"/problems/{late.id}",
        f"/problems/{fresh.id}",
    ]
    assert "queue-row--overdue" in rows[0]["class"]
    assert rows[0].select_one(".badge--overdue") is not None
    assert rows[1].select_one(".badge--overdue") is None
    assert "<script>alert(1)</script>" not in page.text
    assert soup(page).select_one("script:-soup-contains('alert(1)')") is None
    assert soup(page).select("[hx-post='/logout']") == []
    overdue = browser.get("/problems/queue?overdue=1")
    assert len(soup(overdue).select("[data-queue-report]")) == 1


def test_a_worker_sees_only_their_department(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    neighbour: User,
    resident: User,
    category: ProblemCategory,
) -> None:
    other = add_category(db, clerk, "graffiti", "Netheid")
    mine = report(db, settings, resident, category)
    report(db, settings, resident, other)
    with db.write() as session:
        admin.do_add_worker(session, clerk, category.department_id, neighbour.email)
    browser.login(neighbour.email)
    page = browser.get(f"/problems/queue?department={other.department_id}")
    rows = soup(page).select("[data-queue-report] a")
    assert [r["href"] for r in rows] == [f"/problems/{mine.id}"]


def test_setting_a_status_over_http(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    category: ProblemCategory,
) -> None:
    found = report(db, settings, resident, category)
    browser.login(resident.email)
    refused = browser.post(f"/problems/{found.id}/status", {"status": "fixed"})
    assert refused.status_code == 403
    browser.login(clerk.email)
    missing = browser.post(
        f"/problems/{found.id}/status", {"status": "not_ours", "note": "Kept text"}
    )
    assert missing.status_code == 400
    assert field_error(missing, "referral") == "Say who handles it instead."
    assert select_one(missing, "#field-note").get_text() == "Kept text"
    reason = browser.post(f"/problems/{found.id}/status", {"status": "rejected"})
    assert field_error(reason, "note") == "Give the reason why it is not handled."
    done = browser.post(f"/problems/{found.id}/status", {"status": "fixed", "note": HOSTILE})
    assert done.status_code == 303
    back = browser.post(f"/problems/{found.id}/status", {"status": "acknowledged"})
    assert back.status_code == 409
    detail = browser.get(f"/problems/{found.id}")
    assert "<script>alert(1)</script>" not in detail.text
    assert soup(detail).select("[hx-post='/logout']") == []


def test_assign_merge_and_confirm_over_http(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    neighbour: User,
    category: ProblemCategory,
) -> None:
    other = add_category(db, clerk, "graffiti", "Netheid")
    target = report(db, settings, resident, category)
    duplicate = report(db, settings, neighbour, category)
    browser.login(clerk.email)
    bad = browser.post(f"/problems/{duplicate.id}/merge", {"into_id": "twelve"})
    assert bad.status_code == 400
    assert field_error(bad, "into_id")
    merged = browser.post(f"/problems/{duplicate.id}/merge", {"into_id": str(target.id)})
    assert merged.status_code == 303
    assert merged.headers["location"] == f"/problems/{target.id}#timeline"
    moved = browser.post(
        f"/problems/{target.id}/assign", {"department_id": str(other.department_id)}
    )
    assert moved.status_code == 303
    assert browser.post(f"/problems/{target.id}/status", {"status": "fixed"}).status_code == 303
    browser.login(neighbour.email)
    assert browser.post(f"/problems/{target.id}/confirm", {"action": "confirm"}).status_code == 403
    browser.login(resident.email)
    page = browser.get(f"/problems/{target.id}")
    assert soup(page).select_one("#confirm form") is not None
    answered = browser.post(f"/problems/{target.id}/confirm", {"action": "reopen"})
    assert answered.status_code == 303
    again = browser.post(f"/problems/{target.id}/confirm", {"action": "confirm"})
    assert again.status_code == 409
    assert "You have already answered." in again.text
    assert soup(browser.get(f"/problems/{target.id}")).select_one("#confirm") is None


def test_fix_photo_and_photo_check_over_http(
    browser: Browser, db: Database, clerk: User, resident: User, reported_id: int
) -> None:
    browser.login(clerk.email)
    none = browser.post(f"/problems/{reported_id}/photos", {})
    assert none.status_code == 400
    assert field_error(none, "fix-photos") == "Choose a photo of the fix."
    files = {"photos": ("fix.jpg", jpeg(), "image/jpeg")}
    added = browser.post(f"/problems/{reported_id}/photos", files=files)
    assert added.status_code == 303
    with db.write() as session:
        photos = session.exec(select(ProblemPhoto).where(ProblemPhoto.report_id == reported_id))
        fix = photos.one()
        assert fix.public
        waiting = ProblemPhoto(report_id=reported_id, name="a", thumb_name="b", width=1, height=1)
        session.add(waiting)
    browser.login(resident.email)
    refused = browser.post(f"/problems/photos/{waiting.id}/check", {"action": "publish"})
    assert refused.status_code == 403
    browser.login(clerk.email)
    checked = browser.post(f"/problems/photos/{waiting.id}/check", {"action": "publish"})
    assert checked.status_code == 303
    with db.read() as session:
        shown = session.get(ProblemPhoto, waiting.id)
    assert shown is not None
    assert shown.public
