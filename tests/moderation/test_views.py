"""The moderators' pages through HTTP: queue, item in context, decisions, bulk, the log."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from ideas.models import Idea
from moderation.models import ModerationAction
from participation.comments import Comment
from participation.database import Database
from participation.models import User
from participation.visibility import hidden_state
from tests.helpers import Browser, field_error, flashes, select_one, soup
from tests.ideas.conftest import post_idea
from tests.moderation.conftest import act, make_residents, report

HOSTILE = "<script>alert(1)</script>"


def _hidden(db: Database, type_name: str, content_id: int) -> str | None:
    with db.read() as session:
        state = hidden_state(session, type_name, content_id)
    return None if state is None else state.visibility


@pytest.mark.parametrize("path", ["/moderation", "/moderation/log", "/moderation/items/idea/1"])
def test_pages_are_for_moderators_only(
    browser: Browser, idea: Idea, neighbour: User, path: str
) -> None:
    response = browser.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    browser.login(neighbour.email)
    assert browser.get(path).status_code == 403


def test_an_empty_queue_says_so(browser: Browser, moderator: User) -> None:
    browser.login(moderator.email)
    response = browser.get("/moderation")
    assert response.status_code == 200
    assert select_one(response, "#queue-empty")
    assert soup(response).select_one("#queue") is None
    assert select_one(response, "script[src='/static/js/moderation.js']")


def test_the_queue_shows_each_item_with_its_reports_and_quick_actions(
    browser: Browser, db: Database, resident: User, moderator: User
) -> None:
    idea = post_idea(db, resident, HOSTILE)
    assert idea.id is not None
    first, second = make_residents(db, 2)
    report(db, first, "idea", idea.id, "insult")
    report(db, second, "idea", idea.id, "spam", auto_hide_at=2)
    browser.login(moderator.email)
    response = browser.get("/moderation")
    rows = soup(response).select("#queue [data-queue-row]")
    assert len(rows) == 1
    row = rows[0]
    link = row.select_one(".queue-row__title a")
    assert link is not None
    assert link["href"] == f"/moderation/items/idea/{idea.id}"
    assert link.get_text() == HOSTILE
    assert HOSTILE not in response.text
    assert row.select_one(".queue-row__count").get_text() == "2 reports"  # type: ignore[union-attr]
    assert row.select_one(".queue-row__reasons").get_text() == "Insult or hate, Spam"  # type: ignore[union-attr]
    assert row.select_one(".status--auto_hidden")
    # The row's buttons send the page's one bulk form, for this row alone.
    buttons = row.select("button[name=quick]")
    expected = {f"{action}:idea:{idea.id}" for action in ("hide", "dismiss", "restore")}
    assert {b["value"] for b in buttons} == expected
    assert {b["form"] for b in buttons} == {"bulk-form"}
    assert row.select("form, select, input[type=hidden]") == []
    checkbox = row.select_one("input[type=checkbox][name=items]")
    assert checkbox is not None
    assert (checkbox["value"], checkbox["form"]) == (f"idea:{idea.id}", "bulk-form")
    assert select_one(response, "form#bulk-form")["action"] == "/moderation/bulk"


def test_the_queue_filters_by_type_reason_and_status(
    browser: Browser, db: Database, idea: Idea, comment: Comment, moderator: User
) -> None:
    assert idea.id is not None
    assert comment.id is not None
    (reporter,) = make_residents(db, 1)
    report(db, reporter, "idea", idea.id, "spam")
    report(db, reporter, "comment", comment.id, "insult")
    browser.login(moderator.email)

    def keys(query: str) -> list[str]:
        page = browser.get(f"/moderation?{query}")
        return [str(box["value"]) for box in soup(page).select("#queue input[name=items]")]

    assert keys("") == [f"idea:{idea.id}", f"comment:{comment.id}"]
    assert keys("content_type=comment") == [f"comment:{comment.id}"]
    assert keys("reason=spam") == [f"idea:{idea.id}"]
    assert keys("status=closed") == []
    act(db, moderator, "idea", idea.id, "dismiss")
    closed = browser.get("/moderation?status=closed")
    assert [a["href"] for a in soup(closed).select("#queue .queue-row__title a")] == [
        f"/moderation/items/idea/{idea.id}"
    ]
    assert soup(closed).select("#queue button") == []


def test_hide_through_the_queue_returns_to_it(
    browser: Browser, db: Database, idea: Idea, neighbour: User, moderator: User
) -> None:
    assert idea.id is not None
    report(db, neighbour, "idea", idea.id, "insult")
    browser.login(moderator.email)
    browser.get("/moderation")
    data = {
        "content_type": "idea",
        "content_id": str(idea.id),
        "action": "hide",
        "reason": "insult",
        "next": "/moderation?reason=insult",
    }
    response = browser.post("/moderation/actions", data)
    assert response.status_code == 303
    assert response.headers["location"] == "/moderation?reason=insult"
    assert _hidden(db, "idea", idea.id) == "hidden"
    assert "The content is hidden." in flashes(browser.get("/moderation"))


def test_hide_needs_a_reason_and_keeps_the_note(
    browser: Browser, db: Database, idea: Idea, moderator: User
) -> None:
    browser.login(moderator.email)
    data = {"content_type": "idea", "content_id": str(idea.id), "action": "hide", "note": HOSTILE}
    response = browser.post("/moderation/actions", data)
    assert response.status_code == 400
    assert field_error(response, "reason") == "Choose one of the options."
    assert select_one(response, "#action-form textarea[name=note]").get_text() == HOSTILE
    assert HOSTILE not in response.text
    assert idea.id is not None
    assert _hidden(db, "idea", idea.id) is None


def test_decisions_that_do_not_fit_are_409(
    browser: Browser, db: Database, idea: Idea, moderator: User
) -> None:
    browser.login(moderator.email)
    data = {"content_type": "idea", "content_id": str(idea.id), "action": "restore"}
    response = browser.post("/moderation/actions", data)
    assert response.status_code == 409
    assert "nothing to restore" in response.text
    unknown = browser.post("/moderation/actions", {**data, "content_type": "nothing"})
    assert unknown.status_code == 404


def test_own_content_is_refused(browser: Browser, db: Database, moderator: User) -> None:
    own = post_idea(db, moderator)
    browser.login(moderator.email)
    data = {"content_type": "idea", "content_id": str(own.id), "action": "hide", "reason": "spam"}
    assert browser.post("/moderation/actions", data).status_code == 403


def test_the_item_page_shows_the_content_reports_log_and_history(
    browser: Browser, db: Database, resident: User, neighbour: User, moderator: User
) -> None:
    idea = post_idea(db, resident, "Titel", body=HOSTILE)
    earlier = post_idea(db, resident, "Eerder")
    assert idea.id is not None
    assert earlier.id is not None
    report(db, neighbour, "idea", earlier.id)
    act(db, moderator, "idea", earlier.id, "hide", "spam")
    report(db, neighbour, "idea", idea.id, "insult", details=HOSTILE)
    act(db, moderator, "idea", idea.id, "lock", note=HOSTILE)
    browser.login(moderator.email)
    response = browser.get(f"/moderation/items/idea/{idea.id}")
    assert response.status_code == 200
    assert HOSTILE not in response.text
    assert HOSTILE in select_one(response, "#item-text").get_text()
    report_item = select_one(response, "#reports .report")
    assert "Insult or hate" in report_item.get_text()
    assert "Bob" in report_item.get_text()
    assert select_one(response, ".report__details").get_text() == HOSTILE
    assert select_one(response, "#item-log .log-entry__note").get_text() == HOSTILE
    assert select_one(response, "#author-link")["href"] == f"/moderation/users/{resident.id}"
    others = soup(response).select("#other-cases a")
    assert [a["href"] for a in others] == [f"/moderation/items/idea/{earlier.id}"]
    buttons = {b["value"] for b in soup(response).select("#action-form button[name=action]")}
    assert buttons == {"hide", "dismiss", "unlock"}
    assert select_one(response, "label[for=field-reason]")
    assert select_one(response, "label[for=field-note]")


def test_bulk_acts_on_each_ticked_item_and_reports_the_count(
    browser: Browser, db: Database, resident: User, moderator: User
) -> None:
    ideas = [post_idea(db, resident, f"Idee {n}") for n in range(3)]
    own = post_idea(db, moderator, "Van de moderator")
    (reporter,) = make_residents(db, 1)
    for target in [*ideas, own]:
        assert target.id is not None
        report(db, reporter, "idea", target.id)
    browser.login(moderator.email)
    browser.get("/moderation")
    items = [f"idea:{i.id}" for i in [ideas[0], ideas[1], own]]
    data = {"csrf_token": browser.csrf_token, "action": "hide", "reason": "spam", "items": items}
    response = browser.client.post("/moderation/bulk", data=data)
    assert response.status_code == 303
    assert response.headers["location"] == "/moderation"
    shown = flashes(browser.get("/moderation"))
    assert "2 of 3 items handled." in shown
    assert any("You cannot moderate what you wrote yourself." in text for text in shown)
    assert [_hidden(db, "idea", i.id or 0) for i in ideas] == ["hidden", "hidden", None]


def test_bulk_without_items_or_reason_shows_errors(
    browser: Browser, db: Database, idea: Idea, neighbour: User, moderator: User
) -> None:
    assert idea.id is not None
    report(db, neighbour, "idea", idea.id)
    browser.login(moderator.email)
    response = browser.post("/moderation/bulk", {"action": "hide"})
    assert response.status_code == 400
    assert field_error(response, "items") == "Tick at least one item."
    assert select_one(response, ".error-summary a[href='#field-items']")
    assert field_error(response, "reason") == "Choose one of the options."


def test_the_log_shows_automatic_decisions_and_filters(
    browser: Browser, db: Database, idea: Idea, moderator: User
) -> None:
    assert idea.id is not None
    for user in make_residents(db, 2):
        report(db, user, "idea", idea.id, auto_hide_at=2)
    act(db, moderator, "idea", idea.id, "restore", note=HOSTILE)
    browser.login(moderator.email)
    response = browser.get("/moderation/log")
    entries = soup(response).select("#log .log-entry")
    assert [e.select_one(".log-entry__action").get_text() for e in entries] == [  # type: ignore[union-attr]
        "Restored",
        "Hidden automatically",
    ]
    assert entries[0].select_one(".log-entry__moderator").get_text() == "Mia"  # type: ignore[union-attr]
    assert entries[1].select_one(".log-entry__automatic").get_text() == "automatic"  # type: ignore[union-attr]
    assert HOSTILE not in response.text
    filtered = browser.get("/moderation/log?action=auto_hide")
    assert len(soup(filtered).select("#log .log-entry")) == 1


def test_the_log_pages_by_keyset(browser: Browser, db: Database, moderator: User) -> None:
    with db.write() as session:
        from moderation.log import record_action
        from moderation.models import ActionKind

        for _ in range(51):
            record_action(session, ActionKind.warn, moderator_id=moderator.id)
    browser.login(moderator.email)
    first = browser.get("/moderation/log")
    assert len(soup(first).select("#log .log-entry")) == 50
    following = select_one(first, "a[rel=next]")["href"]
    second = browser.get(str(following))
    assert len(soup(second).select("#log .log-entry")) == 1
    with db.read() as session:
        oldest = session.exec(
            select(ModerationAction.id).order_by(col(ModerationAction.id))
        ).first()
    assert select_one(second, ".log-entry")["id"] == f"log-{oldest}"


@pytest.mark.parametrize("path", ["/moderation/actions", "/moderation/bulk"])
def test_posts_refuse_a_missing_token_and_the_wrong_role(
    browser: Browser, idea: Idea, neighbour: User, moderator: User, path: str
) -> None:
    data = {"content_type": "idea", "content_id": str(idea.id), "action": "dismiss"}
    browser.login(moderator.email)
    assert browser.client.post(path, data=data).status_code == 403
    browser.login(neighbour.email)
    assert browser.post(path, data).status_code == 403


def test_bulk_keeps_the_queue_filters(
    browser: Browser, db: Database, idea: Idea, neighbour: User, moderator: User
) -> None:
    assert idea.id is not None
    report(db, neighbour, "idea", idea.id, "insult")
    browser.login(moderator.email)
    page = browser.get("/moderation?reason=insult&content_type=idea")
    kept = {
        str(i["name"]): str(i["value"])
        for i in soup(page).select("#bulk-form input[name^=filter_]")
    }
    assert kept == {"filter_content_type": "idea", "filter_reason": "insult"}
    data = {**kept, "action": "dismiss", "items": f"idea:{idea.id}"}
    response = browser.post("/moderation/bulk", data)
    assert response.headers["location"] == "/moderation?content_type=idea&reason=insult"
    assert "1 of 1 item handled." in flashes(browser.get("/moderation"))


def test_a_rows_button_acts_on_that_row_alone_with_the_shared_reason(
    browser: Browser, db: Database, resident: User, moderator: User
) -> None:
    first, second = (post_idea(db, resident, f"Idee {n}") for n in range(2))
    assert first.id is not None
    assert second.id is not None
    (reporter,) = make_residents(db, 1)
    report(db, reporter, "idea", first.id, "spam")
    report(db, reporter, "idea", second.id, "spam")
    browser.login(moderator.email)
    page = browser.get("/moderation?reason=spam")
    # Filtered by a reason, the shared reason starts at it.
    assert select_one(page, "#field-reason option[selected]")["value"] == "spam"
    data = {
        "filter_reason": "spam",
        "filter_cursor": "1.2.3",
        "quick": f"hide:idea:{first.id}",
        "reason": "insult",
        "note": HOSTILE,
        # A ticked item and the bulk action are ignored: the row's button decides.
        "action": "dismiss",
        "items": f"idea:{second.id}",
    }
    response = browser.post("/moderation/bulk", data)
    assert response.status_code == 303
    assert response.headers["location"] == "/moderation?reason=spam&cursor=1.2.3"
    assert (_hidden(db, "idea", first.id), _hidden(db, "idea", second.id)) == ("hidden", None)
    with db.read() as session:
        entry = session.exec(
            select(ModerationAction).where(ModerationAction.content_id == first.id)
        ).one()
    assert (entry.action, entry.reason, entry.note) == ("hide", "insult", HOSTILE)
    assert "The content is hidden." in flashes(browser.get("/moderation"))


def test_a_rows_hide_without_a_reason_asks_for_one(
    browser: Browser, db: Database, idea: Idea, neighbour: User, moderator: User
) -> None:
    assert idea.id is not None
    report(db, neighbour, "idea", idea.id, "spam")
    browser.login(moderator.email)
    response = browser.post("/moderation/bulk", {"quick": f"hide:idea:{idea.id}", "note": HOSTILE})
    assert response.status_code == 400
    assert field_error(response, "reason") == "Choose one of the options."
    assert select_one(response, "#field-note")["value"] == HOSTILE
    assert HOSTILE not in response.text
    assert _hidden(db, "idea", idea.id) is None


def test_a_rows_button_refused_says_why(
    browser: Browser, db: Database, moderator: User, neighbour: User
) -> None:
    own = post_idea(db, moderator, "Van de moderator")
    assert own.id is not None
    report(db, neighbour, "idea", own.id)
    browser.login(moderator.email)
    response = browser.post("/moderation/bulk", {"quick": f"dismiss:idea:{own.id}"})
    assert response.status_code == 303
    shown = flashes(browser.get("/moderation"))
    assert any("You cannot moderate what you wrote yourself." in text for text in shown)
    assert not any("handled" in text for text in shown)


def test_moderators_find_the_queue_in_the_nav_and_the_other_pages_from_it(
    browser: Browser, moderator: User, neighbour: User
) -> None:
    browser.login(moderator.email)
    page = browser.get("/moderation")
    assert select_one(page, ".site-nav a[href='/moderation']")["aria-current"] == "page"
    links = {str(a["href"]) for a in soup(page).select(".moderation-links a")}
    assert links == {"/moderation/appeals", "/moderation/words", "/moderation/log"}
    assert select_one(page, "link[href='/static/css/moderation.css']")
    browser.login(neighbour.email)
    home = browser.get("/")
    assert soup(home).select_one(".site-nav a[href='/moderation']") is None
    assert select_one(home, ".site-footer a[href='/transparency']")
