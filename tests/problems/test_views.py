"""The public pages of problem reports: the list with its filters and pages, a report's page
with its timeline, photos and "me too", and the statistics. No page shows who reported."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from participation.database import Database, utcnow
from participation.models import User
from participation.photos import StoredPhoto
from participation.settings import Settings
from problems import handling, handling_photos, queries
from problems.models import ProblemCategory, ProblemPhoto, ProblemReport
from tests.helpers import HOSTILE, Browser, select_one, set_visible, soup
from tests.problems.reporting_world import add_category, report, with_settings

pytestmark = pytest.mark.usefixtures("english")

PHOTO = StoredPhoto(
    "problems/" + "a" * 32 + ".webp", "problems/" + "a" * 32 + "-thumb.webp", 64, 48
)
FIX = StoredPhoto("problems/" + "b" * 32 + ".webp", "problems/" + "b" * 32 + "-thumb.webp", 64, 48)


def make_named_report(
    db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> ProblemReport:
    """A report by a named resident who may be mailed, with one unchecked photo."""
    with db.write() as session:
        from problems import reporting
        from tests.problems.reporting_world import draft

        return reporting.do_report_problem(
            session,
            resident,
            draft(category, contact="email", address="Kerkstraat 12, at my house"),
            [PHOTO],
            settings=settings,
            address="203.0.113.9",
        )


def assert_no_personal_data(text: str, resident: User) -> None:
    assert resident.display_name not in text
    assert resident.email not in text
    assert "Kerkstraat 12" not in text
    assert PHOTO.name not in text
    assert PHOTO.thumb_name not in text


def test_public_pages_never_show_the_reporter_nor_unchecked_photos(
    browser: Browser, db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> None:
    stored = make_named_report(db, settings, resident, category)
    for path in ("/problems", f"/problems/{stored.id}", "/problems/statistics"):
        page = browser.get(path)
        assert page.status_code == 200, path
        assert_no_personal_data(page.text, resident)


def test_the_list_shows_reports_open_first_with_filters(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    category: ProblemCategory,
) -> None:
    litter = add_category(db, clerk, slug="litter")
    older = report(db, settings, resident, category)
    fixed = report(db, settings, resident, category, latitude=51.06)
    other = report(db, settings, resident, litter, description=HOSTILE)
    with db.write() as session:
        assert fixed.id is not None
        handling.do_set_status(session, clerk, fixed.id, "fixed", "Filled.")
    page = browser.get("/problems")
    ids = [a["href"] for a in soup(page).select(".problem-card h3 a")]
    assert ids == [f"/problems/{other.id}", f"/problems/{older.id}", f"/problems/{fixed.id}"]
    assert "<script>alert(1)" not in page.text
    assert "alert(1)" in select_one(page, ".problem-list").get_text()
    newest = browser.get("/problems?sort=new")
    ids = [a["href"] for a in soup(newest).select(".problem-card h3 a")]
    assert ids[0] == f"/problems/{other.id}"
    assert ids[1] == f"/problems/{fixed.id}"
    by_kind = browser.get(f"/problems?category={litter.id}")
    assert [a["href"] for a in soup(by_kind).select(".problem-card h3 a")] == [
        f"/problems/{other.id}"
    ]
    by_status = browser.get("/problems?status=fixed")
    assert [a["href"] for a in soup(by_status).select(".problem-card h3 a")] == [
        f"/problems/{fixed.id}"
    ]
    assert str(select_one(page, "[data-problems-map]")["data-source"]).startswith("/api/v1/")


def test_the_list_pages_with_a_cursor(
    browser: Browser, db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> None:
    open_to_all = with_settings(settings, problems_anonymous=True)
    made = [report(db, open_to_all, None, category, address=f"198.51.100.{n}") for n in range(23)]
    first = browser.get("/problems")
    assert len(soup(first).select(".problem-card")) == queries.PAGE_SIZE
    more = select_one(first, "a[rel=next]")["href"]
    second = browser.get(str(more))
    shown = [a["href"] for a in soup(second).select(".problem-card h3 a")]
    assert shown == [f"/problems/{r.id}" for r in reversed(made[:3])]
    assert soup(second).select_one("a[rel=next]") is None


def test_a_report_page_shows_status_timeline_checked_photos_and_me_too(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    neighbour: User,
    category: ProblemCategory,
) -> None:
    stored = make_named_report(db, settings, resident, category)
    assert stored.id is not None
    page = browser.get(f"/problems/{stored.id}")
    assert select_one(page, "#problem-status").get_text(strip=True) == "New"
    assert soup(page).select(".photos img") == []
    assert str(select_one(page, "#me-too a")["href"]).startswith("/login")
    with db.write() as session:
        handling.do_set_status(session, clerk, stored.id, "in_progress", "Crew planned.")
        handling_photos.do_add_fix_photos(session, clerk, stored.id, [FIX])
        photo_id = session.exec(
            select(ProblemPhoto.id).where(col(ProblemPhoto.kind) == "report")
        ).one()
        assert photo_id is not None
        handling_photos.do_check_photo(session, clerk, photo_id, approve=True)
    browser.login(neighbour.email)
    page = browser.get(f"/problems/{stored.id}")
    assert select_one(page, "#problem-status").get_text(strip=True) == "Being fixed"
    steps = soup(page).select("#timeline .timeline__step")
    assert "Crew planned." in steps[-1].get_text()
    assert "Wegen" in steps[-1].get_text()
    assert "Greet" not in page.text
    sources = [img["src"] for img in soup(page).select("#photos img")]
    assert sources == [f"/uploads/{PHOTO.thumb_name}", f"/uploads/{FIX.thumb_name}"]
    assert select_one(page, "#me-too-button")


def test_an_overdue_open_report_stands_out(
    browser: Browser, db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> None:
    stored = report(db, settings, resident, category)
    assert select_one(browser.get(f"/problems/{stored.id}"), "#problem-status")
    assert soup(browser.get(f"/problems/{stored.id}")).select_one("#problem-overdue") is None
    with db.write() as session:
        late = session.get(ProblemReport, stored.id)
        assert late is not None
        late.due_at = utcnow() - dt.timedelta(days=1)
    assert select_one(browser.get(f"/problems/{stored.id}"), "#problem-overdue")
    assert select_one(browser.get("/problems"), ".problem-card .problem-overdue")


def test_a_hostile_description_stays_text(
    browser: Browser, db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> None:
    stored = report(db, settings, resident, category, description=HOSTILE)
    page = browser.get(f"/problems/{stored.id}")
    description = select_one(page, "#problem-description")
    assert description.get_text() == HOSTILE
    assert description.find("script") is None
    assert description.find("a") is None


def test_a_hidden_description_is_withheld_but_the_report_stays(
    browser: Browser, db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> None:
    stored = report(db, settings, resident, category, description="Rude words here")
    set_visible(db, "problem", stored.id)
    page = browser.get(f"/problems/{stored.id}")
    assert page.status_code == 200
    assert "Rude words here" not in page.text
    assert select_one(page, "#problem-description-hidden")
    listed = browser.get("/problems")
    assert select_one(listed, ".problem-card")
    assert "Rude words here" not in listed.text


def test_statistics_per_category_and_neighbourhood(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    category: ProblemCategory,
) -> None:
    done = report(db, settings, resident, category)
    report(db, settings, resident, category)
    with db.write() as session:
        assert done.id is not None
        handling.do_set_status(session, clerk, done.id, "fixed", "")
        fixed = session.get(ProblemReport, done.id)
        assert fixed is not None
        assert fixed.fixed_at is not None
        fixed.created_at = fixed.fixed_at - dt.timedelta(days=3, hours=2)
    queries._cache.clear()
    page = browser.get("/problems/statistics")
    row = select_one(page, "#problems-by-category tbody tr")
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert row.th is not None
    assert row.th.get_text(strip=True) == "Pothole"
    assert cells == ["2", "1", "1", "3 days"]
    assert select_one(page, "#problems-by-neighbourhood tbody tr")


def test_handlers_see_the_handling_forms_and_the_reporter_does_not(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    category: ProblemCategory,
) -> None:
    stored = make_named_report(db, settings, resident, category)
    browser.login(resident.email)
    page = browser.get(f"/problems/{stored.id}")
    assert soup(page).select_one("#handling") is None
    assert soup(page).select_one("#me-too-button") is None  # not on one's own report
    browser.login(clerk.email)
    page = browser.get(f"/problems/{stored.id}")
    assert select_one(page, f"#handling form[action='/problems/{stored.id}/status']")
