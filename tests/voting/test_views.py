"""Meeting pages through HTTP, as visitors, residents, council members and clerks use them:
the list of meetings, planning and publishing one, and who may do what. The agenda on the
meeting page is in `test_agenda_views.py`."""

from __future__ import annotations

import pytest
from bs4 import Tag
from sqlmodel import select

from participation.database import Database, utcnow
from participation.models import Role, User
from tests.helpers import Browser, create_user, field_error, flashes, select_one, soup
from tests.voting.agenda_world import DAY, HOSTILE, make_meeting, text_in
from voting.models import AgendaItem, Mandate, Meeting, MeetingStatus


def _titles(page: Tag, selector: str) -> list[str]:
    return [a.get_text(strip=True) for a in page.select(selector)]


# The list of meetings


def test_the_list_shows_upcoming_meetings_first_then_past_ones(
    browser: Browser, db: Database, clerk: User
) -> None:
    now = utcnow()
    make_meeting(db, clerk, "Later", starts_at=now + 10 * DAY)
    make_meeting(db, clerk, "Soon", starts_at=now + 2 * DAY)
    make_meeting(db, clerk, "Last month", starts_at=now - 30 * DAY)
    make_meeting(db, clerk, "Last week", starts_at=now - 7 * DAY, location="Zaal De Kring")
    make_meeting(db, clerk, "Draft", starts_at=now + 3 * DAY, publish=False)
    page = soup(browser.get("/meetings"))
    upcoming = page.select_one("[aria-labelledby='upcoming-title']")
    past = page.select_one("[aria-labelledby='past-title']")
    assert upcoming is not None
    assert past is not None
    assert _titles(upcoming, ".meeting-card__title") == ["Soon", "Later"]
    assert _titles(past, ".meeting-card__title") == ["Last week", "Last month"]
    card = page.select(".meeting-card")[2]
    assert "Zaal De Kring" in card.get_text()
    assert "Gemeenteraad" in text_in(card, ".meeting-card__council")
    assert card.select_one("time") is not None
    assert "Published" in text_in(card, ".status")
    assert page.select_one("a[href='/meetings/new']") is None


def test_a_clerk_also_sees_the_drafts_and_the_way_to_plan_one(
    browser: Browser, db: Database, clerk: User
) -> None:
    make_meeting(db, clerk, "Draft", publish=False)
    make_meeting(db, clerk, "Public")
    browser.login("greet@example.be")
    page = browser.get("/meetings")
    assert select_one(page, "a[href='/meetings/new']")
    draft = select_one(page, ".meeting-card--draft")
    assert draft.select_one(".badge--draft") is not None
    assert "Draft" in draft.get_text()
    assert len(soup(page).select(".meeting-card")) == 2


def test_an_empty_list_says_so(browser: Browser) -> None:
    page = browser.get("/meetings")
    assert page.status_code == 200
    assert "No meetings" in select_one(page, ".empty").get_text()


def test_the_list_comes_in_pages_of_twenty(browser: Browser, db: Database, clerk: User) -> None:
    now = utcnow()
    for day in range(12):
        make_meeting(db, clerk, f"Coming {day:02d}", starts_at=now + (day + 1) * DAY)
    for day in range(13):
        make_meeting(db, clerk, f"Past {day:02d}", starts_at=now - (day + 1) * DAY)
    first = soup(browser.get("/meetings"))
    second = soup(browser.get("/meetings?page=2"))
    shown = _titles(first, ".meeting-card__title") + _titles(second, ".meeting-card__title")
    expected = [f"Coming {d:02d}" for d in range(12)] + [f"Past {d:02d}" for d in range(13)]
    assert shown == expected
    assert first.select_one("a[rel='next']") is not None
    assert first.select_one("a[rel='prev']") is None
    assert second.select_one("a[rel='next']") is None
    assert second.select_one("a[rel='prev']") is not None
    assert browser.get("/meetings?page=zero").status_code == 400
    assert browser.get("/meetings?page=0").status_code == 400


def test_hostile_meeting_titles_and_locations_are_escaped(
    browser: Browser, db: Database, clerk: User
) -> None:
    meeting = make_meeting(db, clerk, HOSTILE, location=HOSTILE)
    for url in ("/meetings", f"/meetings/{meeting.id}"):
        page = browser.get(url)
        assert "<script>alert(1)" not in page.text
        assert soup(page).select("main script, main img") == []
        assert HOSTILE in text_in(soup(page), "main")


# Planning and publishing a meeting


def test_a_clerk_plans_and_publishes_a_meeting(
    browser: Browser, db: Database, clerk: User, resident: User
) -> None:
    browser.login("greet@example.be")
    form = browser.get("/meetings/new")
    names = {
        str(f["name"]) for f in select_one(form, "main form[action='/meetings']").select("[name]")
    }
    assert {"title", "starts_at", "location", "council_id", "csrf_token"} <= names
    response = browser.post(
        "/meetings",
        {"title": "Gemeenteraad december", "starts_at": "2030-12-14T19:30", "location": "Raadzaal"},
    )
    assert response.status_code == 303
    url = response.headers["location"]
    page = browser.get(url)
    assert select_one(page, "h1").get_text() == "Gemeenteraad december"
    assert select_one(page, ".facts time")["datetime"] == "2030-12-14T18:30:00+00:00"
    assert select_one(page, ".draft-notice")
    publish = select_one(page, "details.confirm form")
    assert publish["action"] == f"{url}/publish"

    assert browser.post(f"{url}/publish").status_code == 303
    assert soup(browser.get(url)).select_one(".draft-notice") is None
    browser.post("/logout")
    assert browser.get(url).status_code == 200


def test_meeting_form_errors_keep_the_text(browser: Browser, clerk: User) -> None:
    browser.login("greet@example.be")
    browser.get("/meetings/new")
    response = browser.post(
        "/meetings",
        {
            "title": "x" * 201,
            "starts_at": "volgende week",
            "location": "Raadzaal",
            "council_id": "99",
        },
    )
    assert response.status_code == 400
    for name in ("title", "starts_at"):
        assert field_error(response, name), name
    assert select_one(response, "#field-title")["value"] == "x" * 201
    assert select_one(response, "#field-starts_at")["value"] == "volgende week"
    assert select_one(response, "#field-location")["value"] == "Raadzaal"


def test_a_meeting_goes_to_the_chosen_committee(
    browser: Browser, db: Database, clerk: User
) -> None:
    browser.login("greet@example.be")
    browser.get("/councils")
    assert browser.post("/councils", {"name": "Gemeenteraad", "kind": "council"}).status_code == 303
    response = browser.post("/councils", {"name": "Commissie mobiliteit", "kind": "committee"})
    committee_id = int(response.headers["location"].rsplit("/", 1)[1])
    form = browser.get("/meetings/new")
    options = select_one(form, "#field-council_id").select("option")
    assert [o.get_text() for o in options] == ["Gemeenteraad", "Commissie mobiliteit"]
    response = browser.post(
        "/meetings",
        {"title": "Commissie", "starts_at": "2030-01-10T20:00", "council_id": str(committee_id)},
    )
    assert response.status_code == 303
    with db.read() as session:
        stored = session.exec(select(Meeting).where(Meeting.title == "Commissie")).one()
    assert stored.council_id == committee_id


def test_a_planned_meeting_is_for_clerks_only(
    browser: Browser, db: Database, clerk: User, council_members: list[User]
) -> None:
    draft = make_meeting(db, clerk, "Draft", publish=False)
    assert browser.get(f"/meetings/{draft.id}").status_code == 404
    browser.login("member0@example.be")
    assert browser.get(f"/meetings/{draft.id}").status_code == 404
    assert "Draft" not in browser.get("/meetings").text
    browser.login("greet@example.be")
    assert browser.get(f"/meetings/{draft.id}").status_code == 200


# Who may do what


CLERK_POSTS = [
    "/meetings",
    "/meetings/{meeting}/publish",
    "/meetings/{meeting}/roles",
    "/meetings/{meeting}/items",
    "/items/{item}/move",
    "/items/{item}/documents",
    "/items/{item}/links",
    "/councils",
    "/councils/{council}",
    "/councils/{council}/mandates",
    "/mandates/{mandate}/end",
]


@pytest.mark.parametrize("path", CLERK_POSTS)
def test_every_clerk_post_refuses_other_roles(
    path: str,
    browser: Browser,
    db: Database,
    clerk: User,
    council_members: list[User],
    item: AgendaItem,
) -> None:
    create_user(db, email="all@example.be", roles=tuple(r for r in Role if r != Role.clerk))
    with db.read() as session:
        mandate = session.exec(select(Mandate)).first()
    assert mandate is not None
    url = path.format(
        meeting=item.meeting_id, item=item.id, council=mandate.council_id, mandate=mandate.id
    )
    browser.login("all@example.be")
    data = {
        "title": "Mag niet",
        "starts_at": "2030-01-01T10:00",
        "direction": "up",
        "name": "Raad",
        "kind": "committee",
        "email": "ann@example.be",
        "starts_on": "2030-01-01",
        "url": "https://example.be/x.pdf",
        "subject": "idea",
        "subject_id": "1",
    }
    response = browser.post(url, data)
    assert response.status_code == 403
    with db.read() as session:
        stored = session.get(Meeting, item.meeting_id)
        assert stored is not None
        assert stored.status == MeetingStatus.published
        assert len(session.exec(select(AgendaItem)).all()) == 1


@pytest.mark.parametrize("path", ["/meetings/new", "/councils", "/councils/1"])
def test_clerk_pages_refuse_others(path: str, browser: Browser, db: Database) -> None:
    create_user(db, email="all@example.be", roles=tuple(r for r in Role if r != Role.clerk))
    browser.login("all@example.be")
    assert browser.get(path).status_code == 403


def test_a_visitor_is_asked_to_log_in_for_the_meeting_form(browser: Browser) -> None:
    response = browser.get("/meetings/new")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_the_navigation_leads_to_the_meetings(browser: Browser) -> None:
    page = browser.get("/meetings")
    link = select_one(page, ".site-nav a[href='/meetings']")
    assert link["aria-current"] == "page"
    assert flashes(page) == []
