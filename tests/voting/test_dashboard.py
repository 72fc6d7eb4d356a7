"""The council member's dashboard and the session controls (start, end, check in) through
HTTP, as members, the chair or clerk, residents and visitors use them."""

from __future__ import annotations

import httpx2 as httpx
from bs4 import Tag
from sqlmodel import select

from participation.database import Database
from participation.models import User
from tests.helpers import Browser, create_user, flashes, select_one, soup
from tests.voting.agenda_world import (
    HOSTILE,
    HTMX,
    add_item,
    decide,
    decided,
    id_of,
    log_in,
    make_meeting,
    pre_vote_item,
    pressed,
    seat,
    select_in,
    start_session,
    votes_of,
)
from voting import actions, councils, documents
from voting.forms import CouncilDraft, DocumentDraft, RulesDraft
from voting.models import Attendance, Meeting, MeetingStatus


def part(response: httpx.Response, name: str) -> Tag:
    """The dashboard section headed `#<name>-title`."""
    return select_one(response, f"section[aria-labelledby='{name}-title']")


def present_ids(db: Database, meeting: Meeting) -> set[int]:
    with db.read() as session:
        rows = session.exec(
            select(Attendance.mandate_id).where(Attendance.meeting_id == meeting.id)
        )
        return set(rows)


def status_of(db: Database, meeting: Meeting) -> str:
    with db.read() as session:
        found = session.get(Meeting, meeting.id)
        assert found is not None
        return found.status


# Who may see it.


def test_a_visitor_logs_in_and_a_resident_is_refused(browser: Browser, resident: User) -> None:
    response = browser.get("/council")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fcouncil"
    log_in(browser, resident)
    assert browser.get("/council").status_code == 403


def test_a_new_member_sees_every_empty_state(browser: Browser, council_members: list[User]) -> None:
    page = log_in(browser, council_members[0]).get("/council")
    assert page.status_code == 200
    assert select_one(page, "h1").get_text() == "My council work"
    for name in ("meetings", "awaiting", "my-votes", "documents", "past"):
        assert part(page, name).select_one(".empty"), name


# What a member finds there.


def test_a_member_sees_the_meeting_what_awaits_the_vote_and_the_documents(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    voting = pre_vote_item(db, clerk, meeting, title="Begroting 2027")
    later = id_of(add_item(db, clerk, meeting, title="Later in de zaal"))
    with db.write() as session:
        link = DocumentDraft("Ontwerpbegroting", None, "https://example.be/begroting.pdf")
        document = documents.do_add_document(session, clerk, voting, link, None)
    page = log_in(browser, council_members[0]).get("/council")
    meetings = part(page, "meetings")
    assert meetings.select_one(f"a[href='/meetings/{meeting.id}']")
    assert not meetings.select("form")  # no check-in before the session starts
    awaiting = part(page, "awaiting")
    assert awaiting.select_one(f"a[href='/items/{voting}']")
    assert not awaiting.select_one(f"a[href='/items/{later}']")
    form = select_one(page, f"#council-vote-{voting} form")
    assert form["action"] == f"/items/{voting}/council-vote"
    assert select_one(page, f"#council-vote-{voting} input[name='next']")["value"] == (
        f"/council#council-vote-{voting}"
    )
    assert part(page, "documents").select_one(f"a[href='/documents/{document.id}']")


def test_one_tap_votes_from_the_dashboard(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    voting = pre_vote_item(db, clerk, meeting)
    log_in(browser, council_members[0])
    browser.get("/council")
    back = {"choice": "no", "next": f"/council#council-vote-{voting}"}
    fragment = browser.post(f"/items/{voting}/council-vote", back, headers=HTMX)
    assert pressed(fragment, f"council-vote-{voting}") == ["no"]
    assert select_one(fragment, "input[name='next']")["value"] == f"/council#council-vote-{voting}"
    response = browser.post(
        f"/items/{voting}/council-vote",
        {"choice": "yes", "next": f"/council#council-vote-{voting}"},
    )
    assert response.headers["location"] == f"/council#council-vote-{voting}"
    page = browser.get("/council")
    assert part(page, "awaiting").select_one(".empty")
    mine = part(page, "my-votes")
    assert mine.select_one(f"a[href='/items/{voting}']")
    assert pressed(page, f"council-vote-{voting}") == ["yes"]
    assert [v.choice for v in votes_of(db, voting)] == ["yes"]


def test_past_decisions_show_their_outcome(
    browser: Browser, db: Database, clerk: User, council_members: list[User], in_session: int
) -> None:
    decide(db, clerk, council_members, in_session, "ynn")
    past = part(log_in(browser, council_members[0]).get("/council"), "past")
    assert past.select_one(f"a[href='/items/{in_session}']")
    assert select_in(past, ".outcome").get_text(" ", strip=True) == "Voted down 1–2–0"


def test_a_member_sees_only_the_councils_they_sit_on(
    browser: Browser, db: Database, clerk: User, council_members: list[User]
) -> None:
    with db.write() as session:
        rules = RulesDraft("cast", "majority", "rejected", True)
        committee = councils.do_create_council(
            session, clerk, CouncilDraft("Commissie Mobiliteit", "committee", rules)
        )
    elsewhere = make_meeting(db, clerk, "Commissie", council_id=committee.id)
    pre_vote_item(db, clerk, elsewhere)
    page = log_in(browser, council_members[0]).get("/council")
    assert not soup(page).select(f"a[href='/meetings/{elsewhere.id}']")
    assert part(page, "awaiting").select_one(".empty")
    clerk_page = log_in(browser, clerk).get("/council")
    assert part(clerk_page, "meetings").select_one(f"a[href='/meetings/{elsewhere.id}']")


def test_a_closed_session_decision_is_for_the_members_only(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    closed = id_of(add_item(db, clerk, meeting, title="Personeelszaak", closed_session=True))
    decided(db, clerk, council_members, id_of(meeting), closed, "yyy")
    newcomer = create_user(db, email="nieuw@example.be", name="Nieuw")
    since = meeting.starts_at.date().replace(year=meeting.starts_at.year + 1)
    seat(db, clerk, newcomer, "Groen", since)
    member_page = log_in(browser, council_members[0]).get("/council")
    assert part(member_page, "past").select_one(f"a[href='/items/{closed}']")
    newcomer_page = log_in(browser, newcomer).get("/council")
    assert not part(newcomer_page, "past").select(f"a[href='/items/{closed}']")


def test_hostile_text_is_escaped_on_the_dashboard(
    browser: Browser, db: Database, clerk: User
) -> None:
    person = create_user(db, email="raad@example.be", name=HOSTILE)
    seat(db, clerk, person, HOSTILE)
    meeting = make_meeting(db, clerk, HOSTILE, location=HOSTILE)
    voting = pre_vote_item(db, clerk, meeting, title=HOSTILE)
    with db.write() as session:
        link = DocumentDraft(HOSTILE, None, "https://example.be/x.pdf")
        documents.do_add_document(session, clerk, voting, link, None)
    with db.write() as session:
        actions.do_start_session(session, clerk, id_of(meeting))
    for user in (person, clerk):
        page = log_in(browser, user).get("/council")
        assert page.status_code == 200
        assert "<script>alert(1)</script>" not in page.text
        assert not soup(page).select("main script, main img, main [onerror]")
        assert HOSTILE in part(page, "meetings").get_text()
    assert HOSTILE in part(page, "documents").get_text()
    option = select_one(page, f"#check-in-member-{meeting.id} option")
    assert option.get_text() == f"{HOSTILE} ({HOSTILE})"
    page = log_in(browser, person).get("/council")
    assert HOSTILE in select_one(page, ".desk-card__title").get_text()
    assert HOSTILE in part(page, "awaiting").get_text()


# The session controls.


def test_the_clerk_starts_and_ends_the_session_from_the_dashboard(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    log_in(browser, clerk)
    page = browser.get("/council")
    form = select_one(page, f"form[action='/meetings/{meeting.id}/session']")
    assert select_in(form, "button")["value"] == "start"
    assert select_in(form, "input[name='next']")["value"] == "/council"
    path = f"/meetings/{meeting.id}/session"
    response = browser.post(path, {"action": "start", "next": "/council"})
    assert response.status_code == 303
    assert response.headers["location"] == "/council"
    page = browser.get("/council")
    assert flashes(page) == ["The session has started. Members can check in."]
    assert status_of(db, meeting) == MeetingStatus.in_session
    assert "0 of 3 members present" in part(page, "meetings").get_text(" ", strip=True)
    for action in ("sleep", ""):
        assert browser.post(path, {"action": action}).status_code == 400
    response = browser.post(path, {"action": "end"})
    assert response.headers["location"] == f"/meetings/{meeting.id}"
    assert status_of(db, meeting) == MeetingStatus.closed
    assert browser.post(path, {"action": "start"}).status_code == 409


def test_a_member_cannot_run_the_session(
    browser: Browser, db: Database, council_members: list[User], meeting: Meeting
) -> None:
    log_in(browser, council_members[0])
    assert not soup(browser.get("/council")).select("form[action$='/session']")
    path = f"/meetings/{meeting.id}/session"
    assert browser.post(path, {"action": "start"}).status_code == 403
    assert status_of(db, meeting) == MeetingStatus.published


def test_a_member_checks_in_once_the_session_has_started(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    start_session(db, clerk, id_of(meeting), [])
    log_in(browser, council_members[0])
    page = browser.get("/council")
    form = select_one(page, f"form[action='/meetings/{meeting.id}/check-in']")
    assert select_in(form, "input[name='next']")["value"] == "/council"
    path = f"/meetings/{meeting.id}/check-in"
    response = browser.post(path, {"next": "/council"})
    assert response.headers["location"] == "/council"
    assert browser.post(path, {"next": "/council"}).status_code == 303  # idempotent
    page = browser.get("/council")
    assert flashes(page) == ["You are checked in."]
    assert "You are checked in." in part(page, "meetings").get_text()
    assert len(present_ids(db, meeting)) == 1


def test_the_clerk_registers_a_member_and_others_cannot(
    browser: Browser,
    db: Database,
    clerk: User,
    resident: User,
    council_members: list[User],
    meeting: Meeting,
) -> None:
    start_session(db, clerk, id_of(meeting), [])
    path = f"/meetings/{meeting.id}/check-in"
    log_in(browser, resident)
    assert browser.post(path).status_code == 403
    log_in(browser, council_members[0])
    with db.read() as session:
        mandates = actions.members_in_office(session, meeting)
    other = str(mandates[1].id)
    assert browser.post(path, {"mandate_id": other}).status_code == 403
    log_in(browser, clerk)
    page = browser.get("/council")
    options = soup(page).select(f"#check-in-member-{meeting.id} option")
    assert [o.get_text() for o in options] == [
        "Member 0 (Groen)",
        "Member 1 (Vooruit)",
        "Member 2 (N-VA)",
    ]
    assert browser.post(path, {"mandate_id": "abc"}).status_code == 400
    assert browser.post(path, {"mandate_id": "999999"}).status_code == 404
    response = browser.post(path, {"mandate_id": other, "next": "/council"})
    assert response.headers["location"] == "/council"
    assert present_ids(db, meeting) == {mandates[1].id}
    page = browser.get("/council")
    assert flashes(page) == ["The member's presence is registered."]
    assert "1 of 3 members present" in part(page, "meetings").get_text(" ", strip=True)


def test_a_visitor_is_sent_to_log_in_by_the_session_controls(
    browser: Browser, meeting: Meeting
) -> None:
    browser.get("/")
    for path in ("session", "check-in"):
        response = browser.post(f"/meetings/{meeting.id}/{path}", {"action": "start"})
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_the_item_page_has_the_session_controls_too(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    voting = pre_vote_item(db, clerk, meeting)
    log_in(browser, clerk)
    page = browser.get(f"/items/{voting}")
    form = select_one(page, f"form[action='/meetings/{meeting.id}/session']")
    assert select_in(form, "input[name='next']")["value"] == f"/items/{voting}"
    start_session(db, clerk, id_of(meeting), council_members[:2])
    page = log_in(browser, council_members[2]).get(f"/items/{voting}")
    assert select_one(page, f"form[action='/meetings/{meeting.id}/check-in']")
    assert not soup(page).select(".chair-controls")
