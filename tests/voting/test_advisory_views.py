"""The residents' advisory vote on the item page, through HTTP as residents and visitors use
it: without JavaScript (303 and a flash) and with htmx (the fragment), the results hidden
until the close and then shown beside the council's."""

from __future__ import annotations

import time

import httpx2 as httpx
import pytest
from sqlmodel import select

from participation import ratelimit
from participation.database import Database
from participation.models import User
from tests.helpers import Browser, create_user, flashes, select_one, soup
from tests.voting.agenda_world import (
    HOUR,
    HTMX,
    add_item,
    advise,
    advisory_open,
    close_advisory,
    decided,
    english_pages,
    id_of,
    log_in,
    pressed,
)
from voting.models import AdvisoryVote, Meeting


def advice_stored(db: Database) -> list[AdvisoryVote]:
    """Every residents' vote in the database."""
    with db.read() as session:
        return list(session.exec(select(AdvisoryVote)))


def advisory_vote(
    browser: Browser, item: int, choice: str, *, htmx: bool = False
) -> httpx.Response:
    headers = HTMX if htmx else {}
    return browser.post(f"/items/{item}/advisory-vote", {"choice": choice}, headers=headers)


@pytest.fixture
def advised(db: Database, clerk: User, meeting: Meeting) -> int:
    """An item with a residents' vote open now, for an hour; results hidden until the close."""
    return id_of(add_item(db, clerk, meeting, advisory=advisory_open(HOUR)))


def test_a_visitor_is_asked_to_log_in_to_advise(browser: Browser, advised: int) -> None:
    page = english_pages(browser).get(f"/items/{advised}")
    link = select_one(page, f"#advisory-vote-{advised} a[href^='/login?next=']")
    assert link.get_text() == "Log in to vote"
    assert not soup(page).select(f"#advisory-vote-{advised} form")


def test_an_unverified_account_sees_why_it_cannot_advise(
    browser: Browser, db: Database, advised: int
) -> None:
    log_in(browser, create_user(db, email="new@example.be", name="New", verified=False))
    page = browser.get(f"/items/{advised}")
    blocked = select_one(page, ".advisory-vote__blocked").get_text()
    assert "Confirm your email address" in blocked
    assert not soup(page).select(f"#advisory-vote-{advised} form")
    assert advisory_vote(browser, advised, "yes").status_code == 403


def test_a_resident_advises_and_changes_until_the_close(
    browser: Browser, db: Database, resident: User, advised: int
) -> None:
    log_in(browser, resident)
    response = advisory_vote(browser, advised, "yes")
    assert response.status_code == 303
    assert response.headers["location"] == f"/items/{advised}"
    page = browser.get(response.headers["location"])
    assert flashes(page) == ["Your advisory vote is recorded: Yes."]
    current = select_one(page, ".advisory-vote__current").get_text()
    assert current.startswith("Your vote: Yes — you can change it until ")
    fragment = advisory_vote(browser, advised, "no", htmx=True)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert pressed(fragment, f"advisory-vote-{advised}") == ["no"]
    assert [v.choice for v in advice_stored(db)] == ["no"]


def test_advisory_results_stay_hidden_until_the_close_then_sit_beside_the_councils(
    browser: Browser, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    item = id_of(add_item(db, clerk, meeting, advisory=advisory_open(HOUR)))
    residents = [create_user(db, email=f"r{i}@example.be", name=f"R{i}") for i in range(3)]
    advise(db, residents, item, "yyn")
    page = english_pages(browser).get(f"/items/{item}")
    assert not soup(page).select(f"#advisory-vote-{item} .tally")
    hidden = select_one(page, ".advisory-vote__hidden").get_text()
    assert hidden.startswith("Results are shown when the vote closes on ")
    close_advisory(db, item)
    page = browser.get(f"/items/{item}")
    tally = select_one(page, f"#advisory-vote-{item} .tally").get_text(" ", strip=True)
    assert tally == "Yes 2 No 1 Abstain 0"
    comparison = select_one(page, ".advisory-vote__comparison").get_text()
    assert comparison == "Residents advised 67 % yes (3 votes)."
    decided(db, clerk, council_members, id_of(meeting), item, "yyn")
    comparison = select_one(browser.get(f"/items/{item}"), ".advisory-vote__comparison").get_text()
    assert comparison == "Residents advised 67 % yes (3 votes); the council approved 2–1–0."


def test_a_bad_or_late_advisory_vote_is_refused(
    browser: Browser, db: Database, resident: User, advised: int
) -> None:
    log_in(browser, resident)
    assert advisory_vote(browser, advised, "maybe").status_code == 400
    fragment = advisory_vote(browser, advised, "maybe", htmx=True)
    alert = select_one(fragment, f"#advisory-vote-{advised} [role='alert']")
    assert alert.get_text() == "Choose yes, no or abstain."
    close_advisory(db, advised)
    response = advisory_vote(browser, advised, "yes")
    assert response.status_code == 409
    assert "closed" in select_one(response, "main").get_text()
    fragment = advisory_vote(browser, advised, "yes", htmx=True)
    assert "closed" in select_one(fragment, f"#advisory-vote-{advised} [role='alert']").get_text()
    assert advice_stored(db) == []


def test_advisory_votes_are_rate_limited_per_account(
    browser: Browser, db: Database, resident: User, advised: int
) -> None:
    log_in(browser, resident)
    with db.write() as session:
        for _ in range(ratelimit.VOTE_PER_ACCOUNT.limit):
            ratelimit.hit(session, ratelimit.VOTE_PER_ACCOUNT, str(resident.id), time.time())
    assert advisory_vote(browser, advised, "yes").status_code == 429
    fragment = advisory_vote(browser, advised, "yes", htmx=True)
    assert select_one(fragment, f"#advisory-vote-{advised} [role='alert']")
    assert advice_stored(db) == []


def test_an_erased_and_reregistered_resident_cannot_vote_twice(
    browser: Browser, db: Database, resident: User, advised: int
) -> None:
    log_in(browser, resident)
    assert advisory_vote(browser, advised, "yes").status_code == 303
    with db.write() as session:
        session.delete(session.get(User, resident.id))
    again = create_user(db, email=resident.email, name="Ann again")
    log_in(browser, again)
    assert advisory_vote(browser, advised, "no").status_code == 303
    assert [(v.choice, v.voter_id) for v in advice_stored(db)] == [("no", again.id)]
