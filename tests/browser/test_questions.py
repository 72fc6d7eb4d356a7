"""Questions to the council in a real browser: a resident asks, the clerk checks and schedules
the question, and its page shows it on the agenda; axe-core and reflow on the list, the form
and the question page (the resident's and the clerk's) at phone and desktop widths.

The tests find things by field id, CSS selector and attribute, never by a translated text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from participation.database import Database, utcnow
from participation.models import Role
from tests.browser.conftest import (
    LiveServer,
    NewContext,
    assert_accessible,
    assert_fits,
    watch_for_errors,
)
from tests.browser.ideas_world import VIEWPORTS, SignedIn, in_database, page_as, person, submit
from tests.browser.voting_world import seed_meeting
from tests.helpers import create_user
from voting import questions
from voting.question_forms import QuestionDraft

pytestmark = pytest.mark.browser

QUESTION_URL = re.compile(r"/questions/(\d+)(#.*)?$")
ASK_FORM = "main form[action='/questions']"


@dataclass(frozen=True)
class QuestionsWorld:
    clerk: str
    resident: str
    meeting_id: int  # three weeks ahead: in time for a question asked today
    question_id: int  # asked by the resident, not checked yet


@pytest.fixture(scope="module")
def questions_world(live_server: LiveServer) -> QuestionsWorld:
    clerk, resident = "griffie@questions.test", "bewoner@questions.test"
    db = Database(live_server.database_url)
    try:
        create_user(db, email=clerk, name="Greet", roles=(Role.clerk,))
        create_user(db, email=resident, name="Ann")
    finally:
        db.dispose()
    meeting_id = seed_meeting(live_server, clerk, "Gemeenteraad", utcnow() + dt.timedelta(days=21))

    def ask(session: Session) -> int:
        draft = QuestionDraft("Jaagpad", "Wanneer komt er licht?", "Het is er donker.", False)
        asked = questions.do_submit_question(session, person(session, resident), draft)
        assert asked.id is not None
        return asked.id

    return QuestionsWorld(clerk, resident, meeting_id, in_database(live_server, ask))


def question_id_of(page: Page) -> int:
    expect(page).to_have_url(QUESTION_URL)
    found = QUESTION_URL.search(page.url)
    assert found is not None
    return int(found.group(1))


def test_a_resident_asks_and_the_clerk_puts_the_question_on_the_agenda(
    new_context: NewContext, signed_in: SignedIn, questions_world: QuestionsWorld
) -> None:
    resident = page_as(new_context, signed_in, questions_world.resident)
    problems = watch_for_errors(resident)
    resident.goto("/questions/new")
    resident.fill("#field-title", "Bankjes in het park")
    resident.fill("#field-question", "Komen er nieuwe bankjes in het stadspark?")
    resident.check("#field-name_shown")
    submit(resident, ASK_FORM)
    question_id = question_id_of(resident)
    expect(resident.locator("#status .status")).to_have_class(re.compile(r"status--submitted"))

    clerk = page_as(new_context, signed_in, questions_world.clerk)
    problems += watch_for_errors(clerk)
    clerk.goto(f"/questions/{question_id}")
    for box in clerk.locator("#check input[type=checkbox]").all():
        box.check()
    clerk.check("#check-decision-admissible")
    submit(clerk, "#check form")
    expect(clerk.locator("#schedule-meeting_id")).to_be_visible()
    clerk.select_option("#schedule-meeting_id", str(questions_world.meeting_id))
    submit(clerk, "#schedule form")
    expect(clerk).to_have_url(QUESTION_URL)
    expect(clerk.locator("#status .status")).to_have_class(re.compile(r"status--scheduled"))
    meeting_link = clerk.locator(f"#timeline a[href='/meetings/{questions_world.meeting_id}']")
    expect(meeting_link).to_be_visible()

    resident.goto(f"/questions/{question_id}")
    expect(resident.locator("#status .status")).to_have_class(re.compile(r"status--scheduled"))
    expect(resident.locator("#attendance-attending-yes")).to_be_visible()
    resident.goto(f"/meetings/{questions_world.meeting_id}")
    agenda_link = resident.locator(f".agenda-item__question a[href='/questions/{question_id}']")
    expect(agenda_link).to_be_visible()
    assert not problems, "\n".join(problems)


Opener = Callable[[Page, QuestionsWorld], None]


def open_list(page: Page, world: QuestionsWorld) -> None:
    page.goto("/questions")


def open_form(page: Page, world: QuestionsWorld) -> None:
    page.goto("/questions/new")


def open_form_with_errors(page: Page, world: QuestionsWorld) -> None:
    page.goto("/questions/new")
    page.fill("#field-explanation", "Zonder vraag.")
    submit(page, ASK_FORM)
    expect(page.locator("#field-question-error")).to_be_visible()


def open_question(page: Page, world: QuestionsWorld) -> None:
    page.goto(f"/questions/{world.question_id}")


def clerk(world: QuestionsWorld) -> str:
    return world.clerk


def resident(world: QuestionsWorld) -> str:
    return world.resident


PAGES = [
    pytest.param(None, open_list, id="list-public"),
    pytest.param(clerk, open_list, id="list-clerk"),
    pytest.param(resident, open_form, id="form"),
    pytest.param(resident, open_form_with_errors, id="form-errors"),
    pytest.param(resident, open_question, id="question-author"),
    pytest.param(clerk, open_question, id="question-clerk"),
]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("who", "open_page"), PAGES)
def test_question_pages_are_accessible_and_fit(
    new_context: NewContext,
    signed_in: SignedIn,
    questions_world: QuestionsWorld,
    who: Callable[[QuestionsWorld], str] | None,
    open_page: Opener,
    viewport: dict[str, int],
) -> None:
    """axe-core finds nothing, and nothing scrolls sideways at 360 px."""
    address = who(questions_world) if who is not None else None
    page = page_as(new_context, signed_in, address, viewport=viewport)
    problems = watch_for_errors(page)
    open_page(page, questions_world)
    assert_accessible(page)
    assert_fits(page, viewport["width"])
    if open_page is open_form_with_errors:
        # The form's answer to a question without its question: 400, as designed.
        problems = [p for p in problems if not re.search(r"\b400\b", p)]
    assert not problems, "\n".join(problems)
