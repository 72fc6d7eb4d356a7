"""A member's tablet: check in, ask for the floor, and the vote buttons on the current item,
shown only while its ballot is open, with the member's own vote pressed, gone at the close.
The panel comes alone for the page's refresh."""

from __future__ import annotations

import httpx2 as httpx
import pytest

from participation.database import Database
from participation.models import User
from tests.helpers import Browser, flashes, select_one, soup
from tests.streaming.live_world import set_current
from tests.voting.agenda_world import (
    HOSTILE,
    add_item,
    close_ballot,
    id_of,
    log_in,
    open_ballot,
    pressed,
    start_session,
)
from voting.models import AgendaItem, Meeting

pytestmark = pytest.mark.usefixtures("english_messages")


def _tablet(meeting: Meeting) -> str:
    return f"/meetings/{meeting.id}/tablet"


def _vote_buttons(response: httpx.Response) -> list[str]:
    return [str(b["value"]) for b in soup(response).select("#tablet-panel button[name='choice']")]


def test_a_member_checks_in_and_asks_for_the_floor(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    start_session(db, clerk, id_of(meeting), [])
    log_in(browser, council_members[0])
    tablet = _tablet(meeting)
    page = browser.get(tablet)
    assert page.status_code == 200
    assert select_one(page, ".tablet__who").get_text(strip=True) == "Tablet of Member 0"
    check_in = select_one(page, f"#tablet-panel form[action='/meetings/{meeting.id}/check-in']")
    assert select_one(page, "#tablet-panel input[name='next']")["value"] == tablet
    assert browser.post(str(check_in["action"]), {"next": tablet}).status_code == 303
    page = browser.get(tablet)
    assert flashes(page) == ["You are checked in."]
    ask = select_one(page, "#tablet-panel button[value='request']")
    assert ask.get_text(strip=True) == "Ask for the floor"
    path = f"/meetings/{meeting.id}/speakers"
    assert browser.post(path, {"action": "request", "next": tablet}).status_code == 303
    page = browser.get(tablet)
    own = select_one(page, ".tablet-speakers__own").get_text(strip=True)
    assert own == "You asked for the floor: number 1 in the queue."
    select_one(page, "#tablet-panel button[value='withdraw']")
    assert browser.post(path, {"action": "withdraw", "next": tablet}).status_code == 303
    page = browser.get(tablet)
    assert flashes(page) == ["Your request for the floor is withdrawn."]
    select_one(page, "#tablet-panel button[value='request']")


def test_the_vote_buttons_follow_the_ballot(
    browser: Browser,
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    in_session: int,
) -> None:
    log_in(browser, council_members[0])
    tablet = _tablet(meeting)
    assert _vote_buttons(browser.get(tablet)) == []
    set_current(db, clerk, id_of(meeting), in_session)
    page = browser.get(tablet)
    assert _vote_buttons(page) == []
    assert "Zebrapad" in select_one(page, ".tablet-item__title").get_text()
    open_ballot(db, clerk, in_session)
    page = browser.get(tablet)
    assert _vote_buttons(page) == ["yes", "no", "abstain"]
    # Each button is a form of its own, posting to the vote and coming back here.
    forms = soup(page).select("#tablet-panel form.tablet-vote__form")
    assert [f["action"] for f in forms] == [f"/items/{in_session}/council-vote"] * 3
    assert pressed(page, "tablet-panel") == []
    response = browser.post(str(forms[1]["action"]), {"choice": "no", "next": tablet})
    assert response.headers["location"] == tablet
    page = browser.get(tablet)
    assert pressed(page, "tablet-panel") == ["no"]
    # The live refresh asks for the panel alone; it shows the stored vote, still pressed.
    panel = browser.get(f"{tablet}/panel")
    assert panel.status_code == 200
    assert soup(panel).select_one("header, h1") is None
    root = select_one(panel, "#tablet-panel")
    assert root["hx-get"] == f"{tablet}/panel"
    assert root["hx-trigger"] == "live-update from:body"
    assert pressed(panel, "tablet-panel") == ["no"]
    close_ballot(db, clerk, in_session)
    page = browser.get(tablet)
    assert _vote_buttons(page) == []
    assert (
        select_one(page, "#tablet-panel .outcome")
        .get_text(" ", strip=True)
        .startswith("Voted down")
    )


def test_the_page_listens_to_the_live_socket_and_works_without_it(
    browser: Browser, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    log_in(browser, council_members[0])
    page = browser.get(_tablet(meeting))
    html = soup(page)
    live = select_one(page, "[ws-connect]")
    assert live["ws-connect"] == f"/live/{meeting.id}/ws"
    assert live["hx-ext"] == "ws"
    scripts = [s["src"] for s in html.select("script[src]")]
    assert "/static/js/tablet.js" in scripts
    assert "/static/vendor/htmx-ext-ws.min.js" in scripts
    assert select_one(page, ".tablet-panel__refresh")["href"] == _tablet(meeting)


def test_only_the_councils_members_and_clerks_see_the_tablet(
    browser: Browser, clerk: User, resident: User, meeting: Meeting, in_session: int
) -> None:
    log_in(browser, resident)
    assert browser.get(_tablet(meeting)).status_code == 403
    assert browser.get(f"{_tablet(meeting)}/panel").status_code == 403
    log_in(browser, clerk)
    page = browser.get(_tablet(meeting))
    assert page.status_code == 200
    assert _vote_buttons(page) == []
    assert not soup(page).select("#tablet-panel form")


def test_a_visitor_is_sent_to_log_in(browser: Browser, meeting: Meeting) -> None:
    response = browser.get(_tablet(meeting))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_a_hostile_title_stays_text_on_the_tablet(
    browser: Browser,
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    item: AgendaItem,
) -> None:
    hostile = add_item(db, clerk, meeting, title=HOSTILE)
    start_session(db, clerk, id_of(meeting), council_members)
    set_current(db, clerk, id_of(meeting), id_of(hostile))
    log_in(browser, council_members[0])
    page = browser.get(_tablet(meeting))
    assert not soup(page).select("img[onerror]")
    assert HOSTILE in select_one(page, ".tablet-item__title").get_text()
