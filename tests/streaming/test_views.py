"""The public live page and the minutes page: what they show, to whom, their refresh without
JavaScript, the websocket address with the last seq, and the video's Content-Security-Policy."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup, Tag
from starlette.testclient import TestClient

from participation.database import Database
from participation.models import User
from participation.templating import Templates
from streaming import fragments
from tests.helpers import HOSTILE, Browser, create_user, soup
from tests.streaming.live_world import (
    grant_floor,
    request_floor,
    set_current,
    set_video,
    state_of,
)
from tests.voting.agenda_world import HOSTILE as HOSTILE_NAME
from tests.voting.agenda_world import (
    add_item,
    close_ballot,
    decide,
    id_of,
    log_in,
    make_meeting,
    open_ballot,
    seat,
    start_session,
)
from voting.models import AgendaItem, Meeting


def panel(page: BeautifulSoup, panel_id: str) -> Tag:
    found = page.find(id=panel_id)
    assert isinstance(found, Tag), panel_id
    return found


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_the_live_page_shows_the_session(
    db: Database,
    browser: Browser,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    in_session: int,
) -> None:
    set_current(db, clerk, id_of(meeting), in_session)
    grant_floor(db, clerk, request_floor(db, council_members[1], id_of(meeting)))
    open_ballot(db, clerk, in_session)
    response = browser.get(f"/live/{id_of(meeting)}")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1 is not None
    assert page.h1.get_text() == "Gemeenteraad"
    assert "In session" in panel(page, "live-status").get_text()
    assert "Zebrapad aan de school" in panel(page, "live-current").get_text()
    assert "Member 1" in panel(page, "live-speakers").get_text()
    assert "0 of 3 present have voted" in " ".join(panel(page, "live-ballot").get_text().split())
    assert "3 members present" in panel(page, "live-present").get_text()
    now = page.select_one("[aria-live='polite']")
    assert now is not None
    assert now.find(id="live-current") is not None
    assert now.find(id="live-ballot") is not None


def test_the_page_connects_its_websocket_from_the_last_seq(
    db: Database, browser: Browser, clerk: User, meeting: Meeting, in_session: int
) -> None:
    set_current(db, clerk, id_of(meeting), in_session)
    seq = state_of(db, id_of(meeting)).seq
    page = soup(browser.get(f"/live/{id_of(meeting)}"))
    socket = page.select_one("[ws-connect]")
    assert socket is not None
    assert socket["hx-ext"] == "ws"
    assert socket["ws-connect"] == f"/live/{id_of(meeting)}/ws?since={seq}"
    assert panel(page, "live-seq")["data-seq"] == str(seq)
    scripts = [str(tag["src"]) for tag in page.find_all("script")]
    assert "/static/vendor/htmx-ext-ws.min.js" in scripts
    assert "/static/js/live.js" in scripts
    assert all(tag.get_text() == "" for tag in page.find_all("script"))


def test_without_javascript_the_page_refreshes_when_asked(
    browser: Browser, meeting: Meeting
) -> None:
    url = f"/live/{id_of(meeting)}"
    page = soup(browser.get(url))
    refresh = page.select_one("a.live__refresh")
    assert refresh is not None
    assert refresh["href"] == url
    # A page that reloads itself unasked fails WCAG 2.2.1: the visitor turns it on.
    assert page.head is not None
    assert page.head.find("noscript") is None
    assert any(a["href"] == f"{url}?refresh=on" for a in page.select("noscript a"))
    page = soup(browser.get(f"{url}?refresh=on"))
    assert page.head is not None
    noscript = page.head.find("noscript")
    assert isinstance(noscript, Tag)
    assert 'http-equiv="refresh"' in noscript.decode_contents()
    assert any(a["href"] == url for a in page.select("noscript a"))


def test_the_page_shows_the_same_panels_as_the_pushes(
    db: Database,
    client: TestClient,
    browser: Browser,
    clerk: User,
    meeting: Meeting,
    in_session: int,
) -> None:
    """The first render and every push come from the same partials: the page's panels are the
    fragments, less their `hx-swap-oob`."""
    set_current(db, clerk, id_of(meeting), in_session)
    page = soup(browser.get(f"/live/{id_of(meeting)}"))
    templates: Templates = client.app.state.templates  # type: ignore[attr-defined]
    pushed = BeautifulSoup(
        fragments.render_all(templates, state_of(db, id_of(meeting)), "en"), "html.parser"
    )
    for name in [*fragments.PANELS, fragments.SEQ]:
        fragment = panel(pushed, f"live-{name}")
        del fragment["hx-swap-oob"]
        assert str(panel(page, f"live-{name}")) == str(fragment), name


@pytest.mark.parametrize("published", [False, True])
def test_unknown_and_unpublished_meetings_are_not_found(
    db: Database, browser: Browser, clerk: User, published: bool
) -> None:
    draft = make_meeting(db, clerk, "Ontwerp", publish=False)
    meeting_id = id_of(draft) if not published else id_of(draft) + 1000
    assert browser.get(f"/live/{meeting_id}").status_code == 404
    assert browser.get(f"/meetings/{meeting_id}/minutes").status_code == 404


def test_hostile_titles_and_names_stay_text(
    db: Database, browser: Browser, clerk: User, council_members: list[User]
) -> None:
    meeting = make_meeting(db, clerk, HOSTILE)
    item = id_of(add_item(db, clerk, meeting, title=HOSTILE))
    villain = create_user(db, email="villain@example.be", name=HOSTILE_NAME)
    seat(db, clerk, villain, HOSTILE_NAME, dt.date.today() - dt.timedelta(days=30))
    start_session(db, clerk, id_of(meeting), [*council_members, villain])
    set_current(db, clerk, id_of(meeting), item)
    grant_floor(db, clerk, request_floor(db, villain, id_of(meeting)))
    open_ballot(db, clerk, item)
    close_ballot(db, clerk, item)
    for url in (f"/live/{id_of(meeting)}", f"/meetings/{id_of(meeting)}/minutes"):
        page = soup(browser.get(url))
        main = page.find("main")
        assert isinstance(main, Tag)
        assert main.find("script") is None, url
        assert main.find("img") is None, url
        assert main.select_one("[hx-post]") is None, url
        assert HOSTILE in main.get_text(), url
        assert HOSTILE_NAME in main.get_text(), url


def test_an_embedded_player_is_allowed_as_a_frame_on_its_page_only(
    db: Database, browser: Browser, clerk: User, meeting: Meeting
) -> None:
    set_video(db, clerk, id_of(meeting), "embed", "https://player.example/v/1?x=1")
    response = browser.get(f"/live/{id_of(meeting)}")
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-src"] == "https://player.example"
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    page = soup(response)
    assert page.find("iframe") is None
    button = page.select_one(".live-video__load")
    assert button is not None
    assert "player.example" in button.get_text()
    other = browser.get("/meetings")
    assert "frame-src" not in other.headers["content-security-policy"]


def test_an_hls_stream_from_another_host_may_be_fetched_and_played(
    db: Database, browser: Browser, clerk: User, meeting: Meeting
) -> None:
    set_video(db, clerk, id_of(meeting), "hls", "https://cdn.example/raad/live.m3u8")
    response = browser.get(f"/live/{id_of(meeting)}")
    policy = directives(response.headers["content-security-policy"])
    assert policy["media-src"] == "'self' blob: https://cdn.example"
    assert policy["connect-src"] == "'self' https://cdn.example"
    assert "frame-src" not in policy
    page = soup(response)
    video = page.find("video")
    assert isinstance(video, Tag)
    assert video["data-hls"] == "https://cdn.example/raad/live.m3u8"
    scripts = [str(tag["src"]) for tag in page.find_all("script")]
    assert "/static/vendor/hls.light.min.js" in scripts


def test_the_minutes_page_and_its_markdown(
    db: Database,
    browser: Browser,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    item: AgendaItem,
    in_session: int,
) -> None:
    set_current(db, clerk, id_of(meeting), in_session)
    decide(db, clerk, council_members, in_session, "yna")
    page = soup(browser.get(f"/meetings/{id_of(meeting)}/minutes"))
    section = page.find(id=f"item-{in_session}")
    assert isinstance(section, Tag)
    assert "Started at" in section.get_text()
    assert [li.get_text(" ", strip=True) for li in section.select(".vote-group li")] == [
        "Member 0 (Groen)",
        "Member 1 (Vooruit)",
        "Member 2 (N-VA)",
    ]
    assert page.select(".minutes__timeline li")
    download = browser.get(f"/meetings/{id_of(meeting)}/minutes?format=md")
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/markdown; charset=utf-8"
    assert "attachment" in download.headers["content-disposition"]
    assert download.text.startswith("# Gemeenteraad\n")
    assert browser.get(f"/meetings/{id_of(meeting)}/minutes?format=pdf").status_code == 400


def test_closed_session_items_are_in_the_minutes_of_the_council_only(
    db: Database,
    client: TestClient,
    browser: Browser,
    clerk: User,
    meeting: Meeting,
    in_session: int,
) -> None:
    closed = id_of(add_item(db, clerk, meeting, title="Personeelszaak", closed_session=True))
    set_current(db, clerk, id_of(meeting), closed)
    url = f"/meetings/{id_of(meeting)}/minutes"
    assert "Personeelszaak" not in browser.get(url).text
    assert "Personeelszaak" not in browser.get(f"/live/{id_of(meeting)}").text
    assert "Personeelszaak" in log_in(Browser(client), clerk).get(url).text


def test_the_meeting_page_links_to_the_live_page_and_the_minutes(
    browser: Browser, meeting: Meeting
) -> None:
    page = soup(browser.get(f"/meetings/{id_of(meeting)}"))
    links = {str(a["href"]) for a in page.select(".meeting__live a")}
    assert links == {f"/live/{id_of(meeting)}", f"/meetings/{id_of(meeting)}/minutes"}
