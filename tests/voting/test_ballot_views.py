"""The agenda item page and the votes cast on it, through HTTP as members, residents, the
chair and visitors use them: without JavaScript (303 and a flash) and with htmx (fragments).
The residents' advisory votes are in `test_advisory_views.py`."""

from __future__ import annotations

import datetime as dt

import httpx2 as httpx
import pytest

from ideas.actions import do_post_idea
from ideas.forms import IdeaDraft
from participation.database import Database
from participation.i18n import format_datetime, use_language
from participation.models import User
from tests.helpers import Browser, create_user, flashes, select_one, soup
from tests.voting.agenda_world import (
    HOSTILE,
    HOUR,
    HTMX,
    ZONE,
    add_item,
    ballot_of,
    chain_links,
    decide,
    decided,
    english_pages,
    id_of,
    log_in,
    make_meeting,
    pre_vote_item,
    pressed,
    seat,
    start_session,
    votes_of,
)
from voting import audit, ballots, documents, loop
from voting.forms import DocumentDraft
from voting.models import MEETING_TIME as WHEN
from voting.models import AgendaItem, Meeting


@pytest.fixture
def voting(db: Database, clerk: User, council_members: list[User], meeting: Meeting) -> int:
    """An item whose pre-vote window is open now."""
    return pre_vote_item(db, clerk, meeting)


def council_vote(browser: Browser, item: int, choice: str, *, htmx: bool = False) -> httpx.Response:
    headers = HTMX if htmx else {}
    return browser.post(f"/items/{item}/council-vote", {"choice": choice}, headers=headers)


def in_english(moment: dt.datetime, fmt: str = "medium") -> str:
    """A time as an English page shows it: "medium" in the actions' messages, the meeting
    pages' format on the pages themselves."""
    with use_language("en"):
        return format_datetime(moment, ZONE, fmt)


# The page.


def test_the_item_page_shows_the_item_its_documents_links_and_window(
    browser: Browser, db: Database, clerk: User, resident: User, meeting: Meeting
) -> None:
    item = id_of(add_item(db, clerk, meeting, description="Kinderen **steken** over."))
    with db.write() as session:
        draft = IdeaDraft("Veilig oversteken", "Graag.", None, None, None)
        idea = do_post_idea(session, resident, draft, [])
        assert idea.id is not None
        link = DocumentDraft("Verslag", None, "https://example.be/verslag.pdf")
        document = documents.do_add_document(session, clerk, item, link, None)
        loop.do_link_item(session, clerk, item, "idea", idea.id)
    page = english_pages(browser).get(f"/items/{item}")
    assert page.status_code == 200
    assert "Zebrapad aan de school" in select_one(page, "h1").get_text()
    assert select_one(page, ".agenda-item__description strong").get_text() == "steken"
    assert select_one(page, f"a[href='/documents/{document.id}']").get_text() == "Verslag"
    assert select_one(page, f"a[href='/ideas/{idea.id}']").get_text() == "Veilig oversteken"
    assert select_one(page, f"a[href='/meetings/{meeting.id}']").get_text() == meeting.title
    assert select_one(page, ".council-ballot__status .status").get_text() == "Vote at the meeting"
    timed = pre_vote_item(db, clerk, meeting)
    ballot = ballot_of(db, timed)
    assert ballot.opens_at is not None
    assert ballot.closes_at is not None
    page = browser.get(f"/items/{timed}")
    assert select_one(page, ".council-ballot__status .status").get_text() == "Pre-vote open"
    window = select_one(page, ".council-ballot__window").get_text()
    assert in_english(ballot.opens_at, WHEN) in window
    assert in_english(ballot.closes_at, WHEN) in window


def test_the_public_sees_no_planned_meeting_nor_a_closed_session_item(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    hidden = id_of(add_item(db, clerk, make_meeting(db, clerk, publish=False)))
    closed_session = id_of(add_item(db, clerk, meeting, closed_session=True))
    assert browser.get(f"/items/{hidden}").status_code == 404
    assert browser.get(f"/items/{closed_session}").status_code == 404
    assert browser.get("/items/999999").status_code == 404
    log_in(browser, council_members[0])
    assert browser.get(f"/items/{closed_session}").status_code == 200
    assert browser.get(f"/items/{hidden}").status_code == 404


def test_a_visitor_sees_no_vote_form_nor_the_chairs_buttons(browser: Browser, voting: int) -> None:
    page = browser.get(f"/items/{voting}")
    assert page.status_code == 200
    assert not soup(page).select("form[action$='/council-vote'], .chair-controls")


def test_a_clerk_without_a_seat_has_no_vote_of_their_own(
    browser: Browser, clerk: User, voting: int
) -> None:
    page = log_in(browser, clerk).get(f"/items/{voting}")
    assert not soup(page).select(f"#council-vote-{voting}")


# A council member's vote.


def test_a_member_votes_without_javascript(
    browser: Browser, db: Database, council_members: list[User], voting: int
) -> None:
    log_in(browser, council_members[0])
    page = browser.get(f"/items/{voting}")
    form = select_one(page, f"#council-vote-{voting} form[action='/items/{voting}/council-vote']")
    assert [b["value"] for b in form.select("button[name='choice']")] == ["yes", "no", "abstain"]
    assert pressed(page, f"council-vote-{voting}") == []
    response = browser.post(f"/items/{voting}/council-vote", {"choice": "yes"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/items/{voting}"
    page = browser.get(response.headers["location"])
    assert flashes(page) == ["Your vote is recorded: Yes."]
    assert pressed(page, f"council-vote-{voting}") == ["yes"]
    assert [v.choice for v in votes_of(db, voting)] == ["yes"]


def test_the_vote_goes_back_where_it_came_from_on_this_site_only(
    browser: Browser, council_members: list[User], voting: int
) -> None:
    log_in(browser, council_members[0])
    page = browser.get(f"/items/{voting}")
    assert select_one(page, f"#council-vote-{voting} input[name='next']")["value"] == (
        f"/items/{voting}#council-vote-{voting}"
    )
    response = browser.post(f"/items/{voting}/council-vote", {"choice": "no", "next": "/council"})
    assert response.headers["location"] == "/council"
    elsewhere = {"choice": "no", "next": "https://evil.example/"}
    response = browser.post(f"/items/{voting}/council-vote", elsewhere)
    assert response.headers["location"] == f"/items/{voting}"


def test_a_member_votes_with_htmx_and_gets_the_fragment(
    browser: Browser, council_members: list[User], voting: int
) -> None:
    log_in(browser, council_members[0])
    browser.get(f"/items/{voting}")
    response = council_vote(browser, voting, "abstain", htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text
    form = select_one(response, f"div#council-vote-{voting} form")
    assert form["hx-post"] == f"/items/{voting}/council-vote"
    assert form["hx-target"] == f"#council-vote-{voting}"
    assert pressed(response, f"council-vote-{voting}") == ["abstain"]
    assert "Abstain" in select_one(response, ".member-vote__current").get_text()


def test_a_visitor_is_sent_to_log_in(browser: Browser, voting: int) -> None:
    browser.get("/")
    for path in ("council-vote", "recusal", "advisory-vote", "ballot"):
        response = browser.post(f"/items/{voting}/{path}", {"choice": "yes", "action": "open"})
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_someone_without_a_seat_is_refused(
    browser: Browser, db: Database, resident: User, voting: int
) -> None:
    log_in(browser, resident)
    page = browser.get(f"/items/{voting}")
    assert not soup(page).select(f"#council-vote-{voting}")
    assert council_vote(browser, voting, "yes").status_code == 403
    assert council_vote(browser, voting, "yes", htmx=True).status_code == 403
    assert browser.post(f"/items/{voting}/recusal").status_code == 403
    assert votes_of(db, voting) == []


def test_a_bad_choice_is_a_bad_request(
    browser: Browser, db: Database, council_members: list[User], voting: int
) -> None:
    log_in(browser, council_members[0])
    for choice in ("maybe", "recused", ""):
        response = council_vote(browser, voting, choice)
        assert response.status_code == 400
        assert "Choose yes, no or abstain." in select_one(response, "main").get_text()
    response = council_vote(browser, voting, "maybe", htmx=True)
    alert = select_one(response, f"#council-vote-{voting} [role='alert']")
    assert alert.get_text() == "Choose yes, no or abstain."
    assert select_one(response, f"#council-vote-{voting} form")
    assert votes_of(db, voting) == []


def test_outside_the_window_is_refused_with_its_times(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    later = pre_vote_item(db, clerk, meeting, 24 * HOUR, 48 * HOUR)
    ballot = ballot_of(db, later)
    assert ballot.opens_at is not None
    assert ballot.closes_at is not None
    times = [in_english(ballot.opens_at, WHEN), in_english(ballot.closes_at, WHEN)]
    log_in(browser, council_members[0])
    page = browser.get(f"/items/{later}")
    assert not soup(page).select(f"#council-vote-{later} form")
    reason = select_one(page, f"#council-vote-{later} .member-vote__reason").get_text()
    assert all(moment in reason for moment in times), (reason, times)
    response = council_vote(browser, later, "yes")
    assert response.status_code == 409
    assert all(moment in select_one(response, "main").get_text() for moment in times)
    fragment = council_vote(browser, later, "yes", htmx=True)
    alert = select_one(fragment, f"#council-vote-{later} [role='alert']").get_text()
    assert all(moment in alert for moment in times)
    assert votes_of(db, later) == []


def test_a_closed_ballot_refuses_votes(
    browser: Browser, db: Database, clerk: User, council_members: list[User], in_session: int
) -> None:
    decide(db, clerk, council_members, in_session, "yyn")
    log_in(browser, council_members[0])
    response = council_vote(browser, in_session, "no")
    assert response.status_code == 409
    assert "closed" in select_one(response, "main").get_text()
    assert sorted(v.choice or "" for v in votes_of(db, in_session)) == ["no", "yes", "yes"]


def test_a_double_submit_is_one_vote_and_one_audit_link(
    browser: Browser, db: Database, council_members: list[User], voting: int
) -> None:
    log_in(browser, council_members[0])
    assert council_vote(browser, voting, "yes").status_code == 303
    assert council_vote(browser, voting, "yes").status_code == 303
    assert [v.choice for v in votes_of(db, voting)] == ["yes"]
    links = chain_links(db, audit.chain_of(ballot_of(db, voting)))
    assert [link.kind for link in links] == ["cast"]


def test_a_changed_vote_counts_its_last_choice(
    browser: Browser, db: Database, council_members: list[User], voting: int
) -> None:
    log_in(browser, council_members[0])
    for choice in ("yes", "no", "abstain", "no"):
        assert council_vote(browser, voting, choice, htmx=True).status_code == 200
    [vote] = votes_of(db, voting)
    assert vote.choice == "no"
    assert pressed(browser.get(f"/items/{voting}"), f"council-vote-{voting}") == ["no"]


def test_a_recusal_is_recorded_and_shown(
    browser: Browser, db: Database, council_members: list[User], voting: int
) -> None:
    log_in(browser, council_members[1])
    response = browser.post(f"/items/{voting}/recusal")
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert "conflict of interest" in flashes(page)[0]
    recused = select_one(page, ".vote-group--recused").get_text(" ", strip=True)
    assert recused == "Member 1 (Vooruit)"
    assert "conflict of interest" in select_one(page, ".member-vote__current").get_text()
    assert [v.choice for v in votes_of(db, voting)] == ["recused"]


# The chair opens and closes the vote.


def test_opening_without_quorum_is_refused_with_the_count(
    browser: Browser,
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    item: AgendaItem,
) -> None:
    start_session(db, clerk, id_of(meeting), council_members[:1])
    log_in(browser, clerk)
    page = browser.get(f"/items/{item.id}")
    assert select_one(page, ".chair-controls button[value='open']")
    response = browser.post(f"/items/{item.id}/ballot", {"action": "open"})
    assert response.status_code == 409
    assert "1 of 3 members are present; 2 are needed" in select_one(response, "main").get_text()
    assert browser.post(f"/items/{item.id}/ballot", {"action": "pause"}).status_code == 400
    assert ballot_of(db, id_of(item)).status == "waiting"


def test_a_member_of_the_council_cannot_open_the_vote(
    browser: Browser, council_members: list[User], in_session: int
) -> None:
    log_in(browser, council_members[0])
    assert not soup(browser.get(f"/items/{in_session}")).select(".chair-controls")
    assert browser.post(f"/items/{in_session}/ballot", {"action": "open"}).status_code == 403


def test_the_chair_opens_members_vote_and_the_close_publishes_the_named_list(
    client_pair: tuple[Browser, Browser],
    db: Database,
    clerk: User,
    council_members: list[User],
    in_session: int,
) -> None:
    chair, member = client_pair
    log_in(chair, clerk)
    log_in(member, council_members[0])
    back = {"action": "open", "next": f"/items/{in_session}#council"}
    response = chair.post(f"/items/{in_session}/ballot", back)
    assert response.status_code == 303
    assert response.headers["location"] == f"/items/{in_session}#council"
    assert flashes(chair.get(f"/items/{in_session}"))
    assert council_vote(member, in_session, "yes").status_code == 303
    with db.write() as session:
        ballots.do_cast_council_vote(session, council_members[1], in_session, "yes", ZONE)
        ballots.do_cast_council_vote(session, council_members[2], in_session, "no", ZONE)
    assert chair.post(f"/items/{in_session}/ballot", {"action": "close"}).status_code == 303
    page = chair.get(f"/items/{in_session}")
    result = select_one(page, "#council-result")
    assert select_one(page, ".outcome").get_text(" ", strip=True) == "Approved 2–1–0"
    assert "3 of 3 in office" in result.get_text()
    groups = {
        title.get_text(strip=True): title.find_next_sibling("ul") for title in result.select("h4")
    }
    assert groups["Yes (2)"].get_text(" ", strip=True) == "Member 0 (Groen) Member 1 (Vooruit)"  # type: ignore[union-attr]
    assert groups["No (1)"].get_text(" ", strip=True) == "Member 2 (N-VA)"  # type: ignore[union-attr]
    assert groups["Abstain (0)"] is None
    head = ballot_of(db, in_session).chain_head
    summary = select_one(page, ".audit summary")
    assert summary.get_text(strip=True) == f"Audit: {head[:12]}"
    assert summary["title"] == head
    assert select_one(page, ".audit__hash").get_text() == head
    assert not soup(page).select(".chair-controls")


def test_a_vote_of_a_member_absent_at_the_close_is_listed_apart(
    browser: Browser,
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
) -> None:
    voted = pre_vote_item(db, clerk, meeting)
    with db.write() as session:
        for member, choice in zip(council_members, ("yes", "no", "yes"), strict=True):
            ballots.do_cast_council_vote(session, member, voted, choice, ZONE)
    start_session(db, clerk, id_of(meeting), council_members[:2])
    with db.write() as session:
        ballots.do_close_ballot(session, clerk, voted)
    result = select_one(english_pages(browser).get(f"/items/{voted}"), "#council-result")
    titles = [title.get_text(strip=True) for title in result.select("h4")]
    assert titles[-1] == "Not counted: not present when the vote closed (1)"
    assert result.select("ul.vote-group")[-1].get_text(" ", strip=True) == "Member 2 (N-VA)"


def test_a_secret_ballot_shows_only_the_totals(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    item = id_of(add_item(db, clerk, meeting, secret=True))
    decided(db, clerk, council_members, id_of(meeting), item, "yna")
    page = english_pages(browser).get(f"/items/{item}")
    result = select_one(page, "#council-result")
    assert select_one(page, ".outcome").get_text(" ", strip=True) == "Voted down 1–1–1"
    assert "Secret ballot" in result.get_text()
    assert not result.select(".vote-group")
    assert "Member" not in result.get_text()


def test_hostile_text_is_escaped_on_the_item_page(
    browser: Browser, db: Database, clerk: User
) -> None:
    person = create_user(db, email="raad@example.be", name=HOSTILE)
    seat(db, clerk, person, HOSTILE)
    meeting = make_meeting(db, clerk, HOSTILE)
    description = HOSTILE + " [x](javascript:alert(3))"
    item = id_of(add_item(db, clerk, meeting, title=HOSTILE, description=description))
    decided(db, clerk, [person], id_of(meeting), item, "y")
    page = browser.get(f"/items/{item}")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert not soup(page).select("main script, main img, main [onerror]")
    assert "javascript:" not in page.text
    assert HOSTILE in select_one(page, "h1").get_text()
    # Markdown drops raw HTML: the description keeps the text, never the tags.
    assert "alert(1)" in select_one(page, ".agenda-item__description").get_text()
    assert HOSTILE in select_one(page, ".agenda-item__meeting").get_text()
    assert HOSTILE in select_one(page, ".vote-group li").get_text()
    assert select_one(page, ".vote-group__party").get_text() == f"({HOSTILE})"
