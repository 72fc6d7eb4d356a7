"""The chair's console page and its forms: plain POSTs answered with a 303 back to the console
and a flash, htmx answered with the console itself (a refusal inside it), and the refusals of
those who may not run the meeting. CSRF and logged-out visitors: tests/contracts."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from participation.database import Database
from participation.models import User
from tests.helpers import Browser, create_user, flashes, select_one, soup
from tests.voting.agenda_world import (
    HOSTILE,
    HTMX,
    add_item,
    id_of,
    log_in,
    mandate_id_of,
    open_ballot,
    seat,
    select_in,
    start_session,
    votes_of,
)
from voting.models import AgendaItem, Meeting

pytestmark = pytest.mark.usefixtures("english_messages")


def _console(meeting: Meeting) -> str:
    return f"/meetings/{meeting.id}/console"


def _texts(page: BeautifulSoup, selector: str) -> list[str]:
    return [tag.get_text(" ", strip=True) for tag in page.select(selector)]


def test_the_console_shows_the_session_before_it_starts(
    browser: Browser, clerk: User, council_members: list[User], meeting: Meeting, item: AgendaItem
) -> None:
    log_in(browser, clerk)
    page = browser.get(_console(meeting))
    assert page.status_code == 200
    html = soup(page)
    form = select_one(page, f"#console-session form[action='/meetings/{meeting.id}/session']")
    assert form.select_one("button[value='start']") is not None
    assert form.select_one("input[name='next']")["value"] == _console(meeting)  # type: ignore[index]
    assert len(html.select(".console-attendance__member--absent")) == 3
    assert html.select_one(f"#console-item-{item.id} .console-agenda__title").get_text() == (  # type: ignore[union-attr]
        item.title
    )
    # Before the session nothing can be made current.
    assert not html.select("form[action$='/current-item']")
    settings = select_one(page, "#console-settings form")
    assert settings["action"] == f"/meetings/{meeting.id}/live-settings"
    assert html.select_one("link[href='/static/css/console.css']") is not None


def test_the_chair_runs_the_item_from_the_console(
    browser: Browser,
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    in_session: int,
) -> None:
    log_in(browser, clerk)
    console = _console(meeting)
    page = browser.get(console)
    pause = select_one(page, "#console-session button[value='pause']")
    assert pause.get_text(strip=True) == "Pause the session"
    make_current = select_one(page, f"#console-item-{in_session} form")
    assert make_current["action"] == f"/meetings/{meeting.id}/current-item"
    assert make_current["hx-post"] == make_current["action"]
    response = browser.post(make_current["action"], {"item_id": str(in_session), "next": console})
    assert (response.status_code, response.headers["location"]) == (303, console)
    page = browser.get(console)
    assert flashes(page) == ["The item is now under discussion."]
    assert select_one(page, f"#console-item-{in_session}")["aria-current"] == "true"
    current = select_one(page, "#console-current")
    assert current["hx-trigger"] == "live-update from:body"
    assert current.select_one("form[action$='/ballot'] button[value='open']") is not None
    open_ballot(db, clerk, in_session)
    page = browser.get(console)
    count = select_one(page, "#console-voted").get_text(" ", strip=True)
    assert count == "0 of 3 members present have voted"
    # The clerk records the vote of a member without a device.
    record = select_one(page, "#console-current form.console-record")
    assert record["action"] == f"/items/{in_session}/recorded-vote"
    mandate_id = str(mandate_id_of(db, meeting, council_members[1]))
    response = browser.post(record["action"], {"mandate_id": mandate_id, "choice": "no"})
    assert response.status_code == 303
    page = browser.get(console)
    assert flashes(page) == ["The member's vote is recorded: No."]
    assert select_one(page, "#console-voted").get_text(" ", strip=True).startswith("1 of 3")
    [vote] = votes_of(db, in_session)
    assert (vote.choice, vote.recorded_by_id) == ("no", clerk.id)


def test_htmx_gets_the_console_back_with_the_message_or_the_refusal(
    browser: Browser, db: Database, clerk: User, meeting: Meeting, in_session: int
) -> None:
    log_in(browser, clerk)
    browser.get(_console(meeting))
    path = f"/meetings/{meeting.id}/current-item"
    response = browser.post(path, {"item_id": str(in_session)}, headers=HTMX)
    assert response.status_code == 200
    assert select_one(response, "#console .console__notice").get_text() == (
        "The item is now under discussion."
    )
    response = browser.post(path, {"item_id": "999999"}, headers=HTMX)
    assert response.status_code == 200
    assert select_one(response, "#console .console__error").get_text() == (
        "This agenda item does not exist."
    )
    # Without htmx the refusal is the error page, with its status.
    assert browser.post(path, {"item_id": "999999"}).status_code == 404
    assert browser.post(path, {"item_id": "x"}).status_code == 400


def test_the_chair_runs_the_speakers_queue(
    browser: Browser,
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    in_session: int,
) -> None:
    log_in(browser, clerk)
    console = _console(meeting)
    page = browser.get(console)
    add = select_one(page, "#console-speakers select[name='mandate_id']")
    assert len(add.select("option")) == 3
    path = f"/meetings/{meeting.id}/speakers"
    for member in council_members[:2]:
        mandate_id = str(mandate_id_of(db, meeting, member))
        assert (
            browser.post(path, {"action": "request", "mandate_id": mandate_id}).status_code == 303
        )
    page = browser.get(console)
    assert _texts(soup(page), ".console-queue__member [id$='-name']") == ["Member 0", "Member 1"]
    assert browser.post(path, {"action": "next"}).status_code == 303
    page = browser.get(console)
    assert flashes(page) == ["The next speaker has the floor."]
    speaker = select_one(page, ".console-speaker__name").get_text(" ", strip=True)
    assert speaker == "Member 0 has the floor (Groen)"
    assert select_one(page, ".speaking-clock")["data-started"]
    waiting = select_one(page, ".console-queue__member form")
    request_id = select_in(waiting, "input[name='request_id']")["value"]
    assert (
        browser.post(path, {"action": "remove", "request_id": str(request_id)}).status_code == 303
    )
    assert browser.post(path, {"action": "finish"}).status_code == 303
    assert browser.post(path, {"action": "finish"}).status_code == 409
    assert browser.post(path, {"action": "next"}).status_code == 409
    assert browser.post(path, {"action": "dance"}).status_code == 400
    assert browser.post(path, {"action": "grant", "request_id": "x"}).status_code == 400


def test_the_live_settings_form_saves_and_refuses(
    browser: Browser, clerk: User, meeting: Meeting
) -> None:
    log_in(browser, clerk)
    path = f"/meetings/{meeting.id}/live-settings"
    url = "https://video.example.be/embed/raad"
    form = {"video_kind": "embed", "video_url": url, "speaking_limit_seconds": "120"}
    assert browser.post(path, form).status_code == 303
    page = browser.get(_console(meeting))
    assert flashes(page) == ["The live settings are saved."]
    assert select_one(page, "#console-video-url")["value"] == url
    assert select_one(page, "#console-video-kind option[selected]")["value"] == "embed"
    assert select_one(page, "#console-limit")["value"] == "120"
    bad = {**form, "video_url": "http://video.example.be/"}
    assert browser.post(path, bad).status_code == 400
    assert browser.post(path, {**form, "speaking_limit_seconds": "many"}).status_code == 400


def test_only_the_chair_or_a_clerk_sees_the_console(
    browser: Browser, db: Database, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    log_in(browser, council_members[0])
    assert browser.get(_console(meeting)).status_code == 403
    path = f"/meetings/{meeting.id}"
    assert browser.post(f"{path}/current-item", {"item_id": str(in_session)}).status_code == 403
    assert browser.post(f"{path}/speakers", {"action": "next"}).status_code == 403
    assert browser.post(f"{path}/live-settings", {"video_kind": "none"}).status_code == 403
    mandate_id = str(mandate_id_of(db, meeting, council_members[1]))
    response = browser.post(
        f"/items/{in_session}/recorded-vote", {"mandate_id": mandate_id, "choice": "yes"}
    )
    assert response.status_code == 403
    assert votes_of(db, in_session) == []


def test_the_meetings_chair_runs_it_without_being_a_clerk(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    chair = council_members[0]
    with db.write() as session:
        stored = session.get(Meeting, id_of(meeting))
        assert stored is not None
        stored.chair_id = chair.id
        session.add(stored)
    log_in(browser, chair)
    page = browser.get(_console(meeting))
    assert page.status_code == 200
    # Registering members and recording votes are the clerk's.
    assert not soup(page).select("form[action$='/check-in']")


def test_hostile_names_and_titles_stay_text_on_the_console(
    browser: Browser, db: Database, clerk: User, meeting: Meeting
) -> None:
    member = create_user(db, email="evil@example.be", name=HOSTILE)
    seat(db, clerk, member, HOSTILE)
    item = add_item(db, clerk, meeting, title=HOSTILE)
    start_session(db, clerk, id_of(meeting), [member])
    log_in(browser, clerk)
    path = f"/meetings/{meeting.id}"
    browser.post(f"{path}/current-item", {"item_id": str(item.id)})
    browser.post(
        f"{path}/speakers",
        {"action": "request", "mandate_id": str(mandate_id_of(db, meeting, member))},
    )
    page = browser.get(_console(meeting))
    html = soup(page)
    assert not html.select("img[onerror]")
    assert not [s for s in html.select("script") if "alert" in s.get_text()]
    assert HOSTILE in select_one(page, ".console-current__title").get_text()
    assert HOSTILE in select_one(page, ".console-attendance__member").get_text()
    assert HOSTILE in select_one(page, ".console-queue__member").get_text()
