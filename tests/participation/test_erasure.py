"""Deleting an account: the person goes, the public record stays. Tallies, counts and votes
read through the public API are identical before and after; the content shows as from a former
resident; sessions end; a second delete changes nothing; erasing and registering again does
not give a second advisory vote."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

import ideas.content  # noqa: F401 - registers ideas in the content registry, as the app does
from ideas import actions as idea_actions
from participation import erasure
from participation.database import Database
from participation.i18n import gettext, use_language
from participation.models import LoginSession, User, UserRole
from participation.settings import Settings
from problems.models import Contact, ProblemReport
from tests.helpers import Browser, create_user, flashes, soup
from tests.ideas.conftest import comment_on, post_idea
from tests.problems.reporting_world import add_category
from tests.problems.reporting_world import report as problem_report
from tests.voting.agenda_world import (
    add_item,
    advise,
    advisory_ballot_of,
    advisory_open,
    decided,
    english_pages,
    id_of,
    make_meeting,
    make_members,
)


def _support(db: Database, idea_id: int, user: User) -> None:
    with db.write() as session:
        idea_actions.do_support(session, idea_id, user, 1000)


def _public(browser: Browser, meeting_id: int, idea_ids: list[int]) -> list[Any]:
    """What the open data says about the meeting's votes and the ideas' counts."""
    meeting = browser.client.get(f"/api/v1/meetings/{meeting_id}").json()
    found = [browser.client.get(f"/api/v1/ideas/{i}").json() for i in idea_ids]
    counts = [(f["support_count"], f["comment_count"]) for f in found]
    return [meeting["items"], counts]


def test_deleting_keeps_the_public_record_and_ends_the_person(
    browser: Browser, db: Database, resident: User, neighbour: User, clerk: User
) -> None:
    members = make_members(db)
    meeting = make_meeting(db, clerk)
    advised = id_of(add_item(db, clerk, meeting, advisory=advisory_open(results_visible=True)))
    voted = id_of(add_item(db, clerk, meeting, title="Begroting"))
    advise(db, [resident, neighbour], advised, "yn")
    decided(db, clerk, members, id_of(meeting), voted, "yna")
    own = post_idea(db, resident, "A bench by the pond")
    theirs = post_idea(db, neighbour, "Bob's tree")
    ideas = [id_of(own), id_of(theirs)]
    _support(db, ideas[1], resident)
    _support(db, ideas[0], neighbour)
    comment_on(db, own, resident, "Thanks for reading")
    before = _public(browser, id_of(meeting), ideas)
    assert before[1] == [(1, 1), (1, 0)]

    browser.login(resident.email)
    browser.get("/me/delete")
    response = browser.post("/me/delete", {"password": "correct horse battery staple"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    home = browser.get("/")
    with use_language(resident.language):
        assert flashes(home) == [gettext("Your account is deleted. Thank you for taking part.")]
    assert soup(home).select_one("form[action='/logout']") is None

    assert _public(browser, id_of(meeting), ideas) == before
    # A council member's erasure leaves their named votes with the mandate.
    with db.write() as session:
        assert erasure.do_delete_account(session, id_of(members[0]))
    assert _public(browser, id_of(meeting), ideas) == before
    with db.read() as session:
        assert session.get(User, resident.id) is None
        assert not session.exec(
            select(LoginSession).where(LoginSession.user_id == resident.id)
        ).all()
    page = english_pages(browser).get(f"/ideas/{ideas[0]}")
    assert "Proposed by a former resident" in soup(page).get_text(" ", strip=True)
    assert "Ann" not in soup(page).select_one("main").get_text()  # type: ignore[union-attr]

    browser.get("/login")
    failed = browser.post(
        "/login", {"email": resident.email, "password": "correct horse battery staple"}
    )
    assert failed.status_code == 400
    # A replayed delete (the old form, a double click) is sent to log in; the action is a no-op.
    again = browser.post("/me/delete", {"password": "correct horse battery staple"})
    assert again.status_code == 303
    assert again.headers["location"].startswith("/login")
    with db.write() as session:
        assert erasure.do_delete_account(session, id_of(resident)) is False
    assert _public(browser, id_of(meeting), ideas) == before


def test_erasing_and_registering_again_does_not_vote_twice(
    db: Database, resident: User, neighbour: User, clerk: User
) -> None:
    item = id_of(add_item(db, clerk, make_meeting(db, clerk), advisory=advisory_open()))
    advise(db, [resident, neighbour], item, "yy")
    with db.write() as session:
        erasure.do_delete_account(session, id_of(resident))
    again = create_user(db, email=resident.email, name="Ann again")
    advise(db, [again], item, "n")  # the same person: it changes the vote, it adds none
    ballot = advisory_ballot_of(db, item)
    assert (ballot.yes, ballot.no, ballot.abstain) == (1, 1, 0)


def test_a_feature_clears_what_the_keys_cannot(
    db: Database, settings: Settings, resident: User, clerk: User
) -> None:
    """An erased reporter of a problem can no longer be emailed about it; the report stays."""
    found = problem_report(db, settings, resident, add_category(db, clerk), contact="email")
    with db.write() as session:
        erasure.do_delete_account(session, id_of(resident))
    with db.read() as session:
        stored = session.get(ProblemReport, found.id)
        assert stored is not None
        assert (stored.author_id, stored.contact) == (None, Contact.none.value)
        assert not session.exec(select(UserRole).where(UserRole.user_id == resident.id)).all()
