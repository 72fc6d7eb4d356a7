"""The idea page shows the council's decisions on the idea: the agenda item, the meeting, the
residents' advice and the council's outcome, or that the item is on a meeting's agenda."""

from __future__ import annotations

from bs4 import Tag

from ideas.models import Idea
from participation.database import Database
from participation.models import User
from tests.helpers import Browser, create_user, select_one, soup
from tests.voting.agenda_world import (
    add_item,
    advise,
    advisory_open,
    close_advisory,
    decided,
    id_of,
    make_meeting,
    make_members,
)
from voting import loop

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)><a hx-post="/logout">x</a>'


def linked_item(
    db: Database, clerk: User, idea: Idea, title: str, meeting: str, **fields: object
) -> tuple[int, int]:
    """An item of a published meeting that decides on the idea: (meeting id, item id)."""
    found = make_meeting(db, clerk, meeting)
    item = id_of(add_item(db, clerk, found, title=title, **fields))
    with db.write() as session:
        loop.do_link_item(session, clerk, item, "idea", id_of(idea))
    return id_of(found), item


def panel(browser: Browser, idea: Idea) -> Tag:
    page = browser.get(f"/ideas/{idea.id}")
    assert page.status_code == 200
    return select_one(page, ".idea__side section.decisions[aria-labelledby=decisions-title]")


def test_an_idea_without_decisions_has_no_panel(browser: Browser, idea: Idea) -> None:
    page = browser.get(f"/ideas/{idea.id}")
    assert soup(page).select_one(".decisions") is None


def test_an_item_on_the_agenda_is_shown_before_the_vote(
    browser: Browser, db: Database, clerk: User, idea: Idea
) -> None:
    _meeting, item_id = linked_item(db, clerk, idea, "Zebrapad: beslissing", "Raad van december")
    found = panel(browser, idea)
    [decision] = found.select("li.decision")
    link = decision.select_one(f'a[href="/items/{item_id}"]')
    assert link is not None
    assert link.get_text(strip=True) == "Zebrapad: beslissing"
    meeting = decision.select_one(".decision__meeting")
    assert meeting is not None
    assert "Raad van december" in meeting.get_text()
    assert meeting.select_one("time[datetime]") is None  # in the sentence, as text
    assert decision.select_one(".decision__outcome") is None
    advice = decision.select_one(".decision__advisory")
    assert advice is None


def test_an_open_advisory_vote_invites_to_advise(
    browser: Browser, db: Database, clerk: User, idea: Idea
) -> None:
    _meeting, item_id = linked_item(db, clerk, idea, "Zebrapad", "Raad", advisory=advisory_open())
    invitation = panel(browser, idea).select_one(".decision__advisory a")
    assert invitation is not None
    assert invitation["href"] == f"/items/{item_id}#advisory"


def test_the_decision_shows_the_advice_and_the_outcome_with_tallies(
    browser: Browser, db: Database, clerk: User, idea: Idea
) -> None:
    members = make_members(db, 3)
    residents = [create_user(db, email=f"r{i}@example.be", name=f"R{i}") for i in range(4)]
    meeting_id, item_id = linked_item(db, clerk, idea, "Zebrapad", "Raad", advisory=advisory_open())
    advise(db, residents, item_id, "yyya")
    close_advisory(db, item_id)
    decided(db, clerk, members, meeting_id, item_id, "yyn")
    found = panel(browser, idea)
    decision = found.select_one("li.decision")
    assert decision is not None
    assert decision.select_one(".decision__meeting time[datetime]") is not None
    advice = decision.select_one(".decision__advisory")
    assert advice is not None
    assert "75" in advice.get_text()  # 3 of 4 residents advised yes
    outcome = decision.select_one(".decision__outcome")
    assert outcome is not None
    assert outcome.select_one(".status--approved") is not None
    numbers = [int(word) for word in outcome.get_text().replace(",", " ").split() if word.isdigit()]
    assert numbers == [2, 1, 0]


def test_hostile_titles_are_escaped_in_the_panel(
    browser: Browser, db: Database, clerk: User, idea: Idea
) -> None:
    _meeting, item_id = linked_item(db, clerk, idea, HOSTILE, HOSTILE)
    page = browser.get(f"/ideas/{idea.id}")
    assert "<script>alert(1)</script>" not in page.text
    found = select_one(page, ".decisions")
    assert found.select_one("script") is None
    assert found.select_one("img") is None
    assert found.select_one("[hx-post]") is None
    link = found.select_one(f'a[href="/items/{item_id}"]')
    assert link is not None
    assert link.get_text() == HOSTILE
    meeting = found.select_one(".decision__meeting")
    assert meeting is not None
    assert HOSTILE in meeting.get_text()
