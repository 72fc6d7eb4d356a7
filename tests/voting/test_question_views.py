"""Questions to the council through HTTP: the resident's form, the clerk's check and
scheduling, attendance, the answer and the reaction on the question page, the lists, the
meeting page and the meeting API; refusals by role and by state; hostile text stays text."""

from __future__ import annotations

import httpx2 as httpx
import pytest

from participation.database import Database
from participation.models import Role, User
from streaming import console
from tests.helpers import Browser, create_user, field_error, select_one, soup
from tests.voting.agenda_world import HOSTILE, id_of, log_in, select_in, start_session
from tests.voting.question_world import (
    QUESTION,
    TOO_SOON,
    answer,
    ask,
    check,
    future_meeting,
    schedule,
    scheduled,
    stored,
)
from voting.question_forms import RULE_KEYS, QuestionDraft
from voting.question_queries import PAGE_SIZE

pytestmark = pytest.mark.usefixtures("english_messages")

ALL_TICKED = {f"rule_{key}": "on" for key in RULE_KEYS}
FORM = {"title": "Jaagpad", "question": "Wanneer komt er licht?", "explanation": "Het is donker."}


def _alert(response: httpx.Response) -> str:
    """The message of a refusal, shown at the top of the page."""
    return select_one(response, "[role=alert]").get_text(strip=True)


# The resident's form.


def test_a_visitor_is_sent_to_log_in_and_an_unverified_resident_is_refused(
    browser: Browser, db: Database
) -> None:
    response = browser.get("/questions/new")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    create_user(db, email="new@example.be", name="New", verified=False)
    log_in(browser, "new@example.be")
    assert browser.get("/questions/new").status_code == 403
    assert browser.post("/questions", FORM).status_code == 403


def test_a_resident_asks_a_question(browser: Browser, db: Database, resident: User) -> None:
    log_in(browser, resident)
    page = browser.get("/questions/new")
    form = select_one(page, "form[action='/questions']")
    assert {str(f["name"]) for f in form.select("[name]")} >= {
        "title",
        "question",
        "explanation",
        "name_shown",
    }
    response = browser.post("/questions", FORM)
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert select_one(page, "h1").get_text(strip=True) == "Jaagpad"
    assert select_one(page, "#status .status").get_text(strip=True) == "Submitted"
    assert select_one(page, "form[action$='/withdraw']")
    assert not soup(page).select("form[action$='/check']")


def test_a_form_with_errors_comes_back_with_the_text(browser: Browser, resident: User) -> None:
    log_in(browser, resident)
    browser.get("/questions/new")
    response = browser.post(
        "/questions", {"title": "x" * 201, "question": "", "explanation": "Mijn uitleg."}
    )
    assert response.status_code == 400
    assert "at most 200" in field_error(response, "title")
    assert field_error(response, "question") == "This field is required."
    assert select_one(response, "#field-explanation").get_text() == "Mijn uitleg."
    assert select_one(response, "#field-title")["value"] == "x" * 201


def test_the_fourth_question_of_the_day_waits_and_keeps_its_text(
    browser: Browser, resident: User
) -> None:
    log_in(browser, resident)
    for _ in range(3):
        assert browser.post("/questions", FORM).status_code == 303
    browser.get("/questions/new")
    response = browser.post("/questions", {**FORM, "question": "Nog een vraag."})
    assert response.status_code == 429
    assert "tomorrow" in _alert(response)
    assert select_one(response, "#field-question").get_text() == "Nog een vraag."


# The clerk's check and scheduling.


def test_the_clerk_checks_and_schedules_and_the_page_shows_it(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    meeting = future_meeting(db, clerk)
    question_id = id_of(ask(db, resident))
    log_in(browser, clerk)
    page = browser.get(f"/questions/{question_id}")
    check_form = select_one(page, f"form[action='/questions/{question_id}/check']")
    assert len(check_form.select("input[type=checkbox]")) == len(RULE_KEYS)
    response = browser.post(
        f"/questions/{question_id}/check", {**ALL_TICKED, "decision": "admissible"}
    )
    assert response.status_code == 303
    page = browser.get(f"/questions/{question_id}")
    assert "Admissible" in select_one(page, "#status").get_text()
    options = select_one(page, "#schedule-meeting_id").select("option")
    assert str(meeting.id) in [o["value"] for o in options]
    assert "questions until" in options[1].get_text()
    response = browser.post(f"/questions/{question_id}/schedule", {"meeting_id": str(meeting.id)})
    assert response.status_code == 303
    page = browser.get(f"/questions/{question_id}")
    assert select_one(page, "#status .status").get_text(strip=True) == "On the agenda"
    assert select_one(page, f"#timeline a[href='/meetings/{meeting.id}']")
    assert select_one(page, "#answer-later")


def test_admissible_needs_every_rule_and_a_refusal_a_reason(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    question_id = id_of(ask(db, resident))
    log_in(browser, clerk)
    browser.get(f"/questions/{question_id}")
    some = {"rule_competence": "on", "decision": "admissible"}
    response = browser.post(f"/questions/{question_id}/check", some)
    assert response.status_code == 400
    assert "every rule" in select_one(response, "#check-decision-error").get_text()
    assert select_one(response, "#check-rule_competence").has_attr("checked")
    response = browser.post(f"/questions/{question_id}/check", {"decision": "refused"})
    assert response.status_code == 400
    assert select_one(response, "#check-reason-error")
    response = browser.post(
        f"/questions/{question_id}/check", {"decision": "refused", "reason": HOSTILE}
    )
    assert response.status_code == 303
    assert stored(db, question_id).status == "refused"


def test_a_refused_question_is_seen_by_its_author_and_the_clerks_only(
    client_pair: tuple[Browser, Browser], db: Database, resident: User, clerk: User
) -> None:
    question_id = id_of(ask(db, resident))
    check(db, clerk, question_id, admissible=False, reason="Een individueel dossier.")
    author, visitor = client_pair
    log_in(author, resident)
    page = author.get(f"/questions/{question_id}")
    assert select_one(page, ".question__reason").get_text(strip=True) == "Een individueel dossier."
    assert visitor.get(f"/questions/{question_id}").status_code == 404
    assert f"/questions/{question_id}" not in visitor.get("/questions").text


def test_a_question_past_the_deadline_is_refused_with_the_date(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    meeting = future_meeting(db, clerk, TOO_SOON)
    question_id = id_of(ask(db, resident))
    check(db, clerk, question_id)
    log_in(browser, clerk)
    browser.get(f"/questions/{question_id}")
    response = browser.post(f"/questions/{question_id}/schedule", {"meeting_id": str(meeting.id)})
    assert response.status_code == 409
    message = _alert(response)
    assert message.startswith("Questions for the meeting of ")
    assert "had to be submitted by" in message
    assert stored(db, question_id).status == "submitted"


def test_a_resident_cannot_check_schedule_or_answer(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    start_session(db, clerk, id_of(meeting), [])
    fresh = id_of(ask(db, resident))
    log_in(browser, resident)
    browser.get(f"/questions/{fresh}")
    posts = {
        f"/questions/{fresh}/check": {**ALL_TICKED, "decision": "admissible"},
        f"/questions/{fresh}/schedule": {"meeting_id": str(meeting.id)},
        f"/questions/{question.id}/answer": {"answer": "Ja."},
    }
    for url, data in posts.items():
        assert browser.post(url, data).status_code == 403, url
    assert stored(db, id_of(question)).status == "scheduled"


def test_answering_before_scheduling_is_refused(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    question_id = id_of(ask(db, resident))
    log_in(browser, clerk)
    browser.get(f"/questions/{question_id}")
    response = browser.post(f"/questions/{question_id}/answer", {"answer": "Ja."})
    assert response.status_code == 409
    assert "on a meeting's agenda" in _alert(response)


# The resident's part and the answer.


def test_attendance_answer_and_one_reaction(
    client_pair: tuple[Browser, Browser], db: Database, resident: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    question_id = id_of(question)
    author, desk = client_pair
    log_in(author, resident)
    author.get(f"/questions/{question_id}")
    assert (
        author.post(f"/questions/{question_id}/attendance", {"attending": "yes"}).status_code == 303
    )
    page = author.get(f"/questions/{question_id}")
    assert select_one(page, "#attendance-attending-yes").has_attr("checked")
    assert "will ask the question in the session" in select_one(page, "#timeline").get_text()

    start_session(db, clerk, id_of(meeting), [])
    late = author.post(f"/questions/{question_id}/attendance", {"attending": "no"})
    assert late.status_code == 409

    log_in(desk, clerk)
    page = desk.get(f"/questions/{question_id}")
    assert select_one(page, f"form[action='/questions/{question_id}/answer']")
    bad = desk.post(
        f"/questions/{question_id}/answer", {"answer": "In april.", "answer_time": "1h02"}
    )
    assert bad.status_code == 400
    assert select_one(bad, "#answer-answer_time-error")
    assert select_one(bad, "#answer-answer").get_text() == "In april."
    response = desk.post(
        f"/questions/{question_id}/answer", {"answer": "In april.", "answer_time": "01:02:03"}
    )
    assert response.status_code == 303
    assert stored(db, question_id).answer_seconds == 3723
    page = author.get(f"/questions/{question_id}")
    assert select_one(page, ".question__answer-text").get_text(strip=True) == "In april."
    assert "01:02:03" in select_one(page, ".question__recording").get_text()

    first = author.post(f"/questions/{question_id}/reaction", {"reaction": "Dank u."})
    assert first.status_code == 303
    second = author.post(f"/questions/{question_id}/reaction", {"reaction": "Nog iets."})
    assert second.status_code == 409
    assert _alert(second) == "You have already reacted."
    page = author.get(f"/questions/{question_id}")
    assert select_one(page, ".question__reaction-text").get_text(strip=True) == "Dank u."
    assert not soup(page).select("form[action$='/reaction']")


def test_the_meetings_chair_records_the_answer(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    chair = create_user(db, email="chair@example.be", name="Chair", roles=(Role.council_member,))
    log_in(browser, clerk)
    browser.get(f"/meetings/{meeting.id}")
    browser.post(f"/meetings/{meeting.id}/roles", {"chair_id": str(chair.id), "secretary_id": ""})
    start_session(db, clerk, id_of(meeting), [])
    log_in(browser, chair)
    browser.get(f"/questions/{question.id}")
    response = browser.post(
        f"/questions/{question.id}/answer", {"answer": "Ja.", "answer_seconds": "90"}
    )
    assert response.status_code == 303
    assert stored(db, id_of(question)).answered_by_id == chair.id


def test_the_author_withdraws_the_question(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    log_in(browser, resident)
    browser.get(f"/questions/{question.id}")
    assert browser.post(f"/questions/{question.id}/withdraw").status_code == 303
    assert stored(db, id_of(question)).status == "withdrawn"
    assert not soup(browser.get(f"/meetings/{meeting.id}")).select(".agenda-item")
    again = browser.post(f"/questions/{question.id}/withdraw")
    assert again.status_code == 409


# Lists, the meeting page and the API.


def test_the_public_list_shows_questions_on_an_agenda_and_the_clerk_all(
    client_pair: tuple[Browser, Browser], db: Database, resident: User, clerk: User
) -> None:
    on_agenda, _meeting = scheduled(db, clerk, resident)
    waiting = ask(db, resident, QuestionDraft("Nog te bekijken", "Vraag?", "", False))
    visitor, desk = client_pair
    public = [a["href"] for a in soup(visitor.get("/questions")).select(".question-card a")]
    assert public == [f"/questions/{on_agenda.id}"]
    log_in(desk, clerk)
    everything = [a["href"] for a in soup(desk.get("/questions")).select("#question-list a")]
    assert everything == [f"/questions/{waiting.id}", f"/questions/{on_agenda.id}"]
    submitted = soup(desk.get("/questions?status=submitted")).select("#question-list a")
    assert [a["href"] for a in submitted] == [f"/questions/{waiting.id}"]
    # A made-up filter or cursor shows the default list, never an error.
    assert visitor.get("/questions?status=refused&before=abc").status_code == 200


def test_the_list_pages_newest_first(browser: Browser, db: Database, clerk: User) -> None:
    askers = [
        create_user(db, email=f"asker{n}@example.be", name=f"Asker {n}")
        for n in range(PAGE_SIZE // 3 + 1)
    ]
    ids = [id_of(ask(db, asker)) for asker in askers for _ in range(3)]
    log_in(browser, clerk)
    first = soup(browser.get("/questions"))
    shown = [a["href"] for a in first.select("#question-list a")]
    assert shown == [f"/questions/{i}" for i in reversed(ids)][:PAGE_SIZE]
    more = first.select_one("a[rel=next]")
    assert more is not None
    rest = soup(browser.get(str(more["href"]))).select("#question-list a")
    assert [a["href"] for a in rest] == [f"/questions/{i}" for i in reversed(ids)][PAGE_SIZE:]


def test_hostile_text_stays_text_everywhere(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    draft = QuestionDraft(HOSTILE, HOSTILE, HOSTILE, name_shown=True)
    meeting = future_meeting(db, clerk)
    question_id = id_of(ask(db, resident, draft))
    check(db, clerk, question_id)
    schedule(db, clerk, question_id, id_of(meeting))
    start_session(db, clerk, id_of(meeting), [])
    answer(db, clerk, question_id, HOSTILE)
    for url in ("/questions", f"/questions/{question_id}", f"/meetings/{meeting.id}"):
        response = browser.get(url)
        assert "<script>alert(1)</script>" not in response.text, url
        assert not soup(response).select("main script, main img[onerror]"), url
    page = browser.get(f"/questions/{question_id}")
    assert select_one(page, "h1").get_text() == HOSTILE
    assert select_one(browser.get("/questions"), ".question-card a").get_text() == HOSTILE


def test_the_meeting_page_and_api_show_the_question(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    page = browser.get(f"/meetings/{meeting.id}")
    item = select_one(page, f"#item-{question.item_id}")
    assert "Question from a resident" in select_in(item, ".agenda-item__question").get_text()
    assert select_in(item, f".agenda-item__question a[href='/questions/{question.id}']")
    assert not item.select(".agenda-item__links")
    start_session(db, clerk, id_of(meeting), [])
    answer(db, clerk, id_of(question), "In april.", 75)
    data = browser.get(f"/api/v1/meetings/{meeting.id}").json()
    asked = data["items"][0]
    assert asked["kind"] == "question"
    assert asked["question"]["id"] == question.id
    assert asked["question"]["title"] == QUESTION.title
    assert asked["question"]["status"] == "answered"
    assert asked["question"]["answer"] == "In april."
    assert asked["question"]["answer_seconds"] == 75
    assert asked["question"]["answered_at"].endswith("+00:00")
    assert asked["question"]["asker"] is None  # the resident did not agree to be named
    assert "Ann" not in str(data)


def test_the_api_names_an_asker_who_agreed(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    meeting = future_meeting(db, clerk)
    draft = QuestionDraft("Jaagpad", "Wanneer?", "", name_shown=True)
    question_id = id_of(ask(db, resident, draft))
    check(db, clerk, question_id)
    schedule(db, clerk, question_id, id_of(meeting))
    data = browser.get(f"/api/v1/meetings/{meeting.id}").json()
    assert data["items"][0]["question"]["asker"] == "Ann"
    assert data["items"][0]["question"]["answer"] is None
    page = browser.get(f"/questions/{question_id}")
    assert "Asked by Ann" in select_one(page, ".question__asker").get_text()


def test_the_live_page_marks_the_question_item(
    browser: Browser, db: Database, resident: User, clerk: User
) -> None:
    question, meeting = scheduled(db, clerk, resident)
    assert question.item_id is not None
    start_session(db, clerk, id_of(meeting), [])
    with db.write() as session:
        console.do_set_current_item(session, clerk, id_of(meeting), question.item_id)
    page = browser.get(f"/live/{meeting.id}")
    assert "Question from a resident" in select_one(page, "#live-current").get_text()
    assert select_one(page, "#live-agenda .live-badge--question")
