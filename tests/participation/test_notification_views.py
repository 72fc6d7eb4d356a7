"""The notification pages as a user sees them: the unread badge, the list, marking read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlmodel import select
from starlette.applications import Starlette

from participation.database import Database
from participation.notifications import (
    PAGE_SIZE,
    Notification,
    notify,
)
from tests.helpers import Browser, create_user, flashes, select_one, soup
from tests.participation.notifying import tell, unread

# Pages


@contextmanager
def notification_queries(app: Starlette) -> Iterator[list[str]]:
    """The SQL statements on the notifications table while the block runs."""
    seen: list[str] = []
    engine = app.state.db.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "notifications" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_nav_shows_the_unread_count_with_one_query_and_none_for_visitors(
    browser: Browser, db: Database, app: Starlette
) -> None:
    ann = create_user(db)
    with notification_queries(app) as queries:
        page = browser.get("/")
    assert soup(page).select_one("a[href='/notifications']") is None
    assert queries == []

    browser.login("ann@example.be")
    link = select_one(browser.get("/"), "nav a[href='/notifications']")
    assert link.select_one(".badge") is None

    for number in range(3):
        tell(db, ann, f"Message {number}")
    with notification_queries(app) as queries:
        page = browser.get("/account")
    assert len(queries) == 1
    link = select_one(page, "nav a[href='/notifications']")
    badge = select_one(page, "nav a[href='/notifications'] .badge")
    hidden = badge.select_one(".visually-hidden")
    assert hidden is not None
    assert hidden.get_text(strip=True)  # "unread", said in words
    assert badge.get_text(" ", strip=True).startswith("3 ")
    assert link.get_text(" ", strip=True).split()[1] == "3"


def test_the_badge_stops_counting_at_99_plus(browser: Browser, db: Database) -> None:
    ann = create_user(db)
    assert ann.id is not None
    with db.write() as session:
        for _ in range(101):
            notify(
                session,
                [ann.id],
                kind="k",
                subject="idea",
                subject_id=1,
                link="/",
                message=lambda: "Again",
            )
    browser.login("ann@example.be")
    badge = select_one(browser.get("/"), "nav a[href='/notifications'] .badge")
    assert badge.get_text(" ", strip=True).startswith("99+ ")


def test_the_page_lists_newest_first_and_pages_back(browser: Browser, db: Database) -> None:
    ann = create_user(db)
    bob = create_user(db, email="bob@example.be", name="Bob")
    for number in range(1, PAGE_SIZE + 6):
        tell(db, ann, f"Message {number}")
    tell(db, bob, "Only for Bob")
    browser.login("ann@example.be")

    first = browser.get("/notifications")
    assert first.status_code == 200
    items = soup(first).select(".notification-list > li")
    texts = [select_one_in(item, "a").get_text(strip=True) for item in items]
    assert texts == [f"Message {n}" for n in range(PAGE_SIZE + 5, 5, -1)]
    assert all(item.select_one(".notification__new") for item in items)  # unread, in words
    assert "Only for Bob" not in first.text
    stamp = str(select_one_in(items[0], "time")["datetime"])
    assert dt.datetime.fromisoformat(stamp).utcoffset() == dt.timedelta(0)

    older = select_one(first, "a[rel='next']")
    second = browser.get(str(older["href"]))
    texts = [a.get_text(strip=True) for a in soup(second).select(".notification-list a")]
    assert texts == [f"Message {n}" for n in range(5, 0, -1)]
    assert soup(second).select_one("a[rel='next']") is None

    assert browser.get("/notifications?before=nonsense").status_code == 400


def select_one_in(tag: Any, selector: str) -> Any:
    found = tag.select_one(selector)
    assert found is not None
    return found


def test_an_empty_list_says_so(browser: Browser, db: Database) -> None:
    create_user(db)
    browser.login("ann@example.be")
    page = browser.get("/notifications")
    assert select_one(page, "main .empty").get_text(strip=True)
    assert soup(page).select_one(".notification-list") is None
    assert soup(page).select_one("form[action='/notifications/read']") is None


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(
    browser: Browser, db: Database
) -> None:
    ann = create_user(db)
    bob = create_user(db, email="bob@example.be", name="Bob")
    tell(db, ann, "Someone answered", link="/account?tab=1")
    tell(db, bob, "For Bob")
    browser.login("ann@example.be")
    link = select_one(browser.get("/notifications"), ".notification-list a")

    opened = browser.get(str(link["href"]))
    assert opened.status_code == 303
    assert opened.headers["location"] == "/account?tab=1"
    assert unread(db, ann) == 0
    page = browser.get("/notifications")
    assert select_one(page, ".notification-list li").select_one(".notification__new") is None
    assert select_one(page, "nav a[href='/notifications']").select_one(".badge") is None

    with db.read() as session:
        bobs = session.exec(select(Notification.id).where(Notification.user_id == bob.id)).one()
    assert browser.get(f"/notifications/{bobs}").status_code == 404
    assert unread(db, bob) == 1
    assert browser.get("/notifications/999999").status_code == 404


def test_a_stored_link_off_the_site_is_not_followed(browser: Browser, db: Database) -> None:
    ann = create_user(db)
    with db.write() as session:
        stored = Notification(
            user_id=ann.id or 0,
            subject="idea",
            subject_id=1,
            kind="k",
            text="Odd",
            link="https://evil.example/",
        )
        session.add(stored)
    browser.login("ann@example.be")
    opened = browser.get(f"/notifications/{stored.id}")
    assert opened.headers["location"] == "/notifications"


def test_mark_all_as_read(browser: Browser, db: Database) -> None:
    ann = create_user(db)
    for number in range(3):
        tell(db, ann, f"Message {number}")
    browser.login("ann@example.be")
    page = browser.get("/notifications")
    form = select_one(page, "form[action='/notifications/read']")
    assert form["method"] == "post"
    assert form.select_one("input[name='csrf_token']")

    done = browser.post("/notifications/read")
    assert done.status_code == 303
    assert done.headers["location"] == "/notifications"
    after = browser.get("/notifications")
    assert flashes(after)
    assert unread(db, ann) == 0
    assert soup(after).select(".notification__new") == []
    assert len(soup(after).select(".notification-list li")) == 3
    assert soup(after).select_one("form[action='/notifications/read']") is None


def test_a_hostile_text_is_shown_as_text(browser: Browser, db: Database) -> None:
    ann = create_user(db)
    hostile = "<script>alert(1)</script>"
    tell(db, ann, hostile)
    browser.login("ann@example.be")
    page = browser.get("/notifications")
    assert soup(page).find("script", string="alert(1)") is None
    assert select_one(page, ".notification-list a").get_text() == hostile


def test_a_visitor_is_sent_to_log_in(browser: Browser) -> None:
    for path in ("/notifications", "/notifications/1"):
        response = browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=%2Fnotifications")


def test_marking_read_without_a_csrf_token_is_refused(browser: Browser, db: Database) -> None:
    ann = create_user(db)
    tell(db, ann, "Hello")
    browser.login("ann@example.be")
    response = browser.client.post("/notifications/read")
    assert response.status_code == 403
    assert unread(db, ann) == 1
