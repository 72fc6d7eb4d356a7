"""Appeals through HTTP: the author's decisions page, appealing once, another moderator
deciding, and the refusals."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from moderation.models import Appeal, ModerationAction
from participation.comments import Comment
from participation.database import Database
from participation.models import Role, User
from tests.helpers import Browser, create_user, field_error, select_one, soup
from tests.moderation.conftest import act
from tests.moderation.people import HOSTILE

AUTHOR = "bob@example.be"  # the conftest's neighbour, who wrote the comment


def _hidden(db: Database, moderator: User, comment: Comment, note: str = "") -> int:
    assert comment.id is not None
    act(db, moderator, "comment", comment.id, "hide", "insult", note)
    with db.read() as session:
        found = session.exec(
            select(ModerationAction.id).where(ModerationAction.action == "hide")
        ).one()
    assert found is not None
    return found


def _appeal_id(db: Database) -> int:
    with db.read() as session:
        found = session.exec(select(Appeal.id)).one()
    assert found is not None
    return found


def test_the_account_page_leads_to_the_decisions(
    browser: Browser, db: Database, moderator: User, neighbour: User, comment: Comment
) -> None:
    action_id = _hidden(db, moderator, comment)
    browser.login(AUTHOR)
    link = select_one(browser.get("/account"), "main a[href='/me/moderation']")
    page = browser.get(str(link["href"]))
    assert select_one(page, f"#decision-{action_id}") is not None


def test_the_author_sees_the_decision_and_appeals_once(
    browser: Browser, db: Database, moderator: User, neighbour: User, comment: Comment
) -> None:
    action_id = _hidden(db, moderator, comment)
    browser.login(AUTHOR)
    page = browser.get("/me/moderation")
    decision = select_one(page, f"#decision-{action_id}")
    assert "Dat is onzin." in decision.get_text()
    form = decision.select_one("form[action='/appeals']")
    assert form is not None
    assert form.select_one("input[name=action_id]")["value"] == str(action_id)  # type: ignore[index]

    sent = browser.post("/appeals", {"action_id": str(action_id), "text": HOSTILE})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/me/moderation#decision-{action_id}"
    again = browser.post("/appeals", {"action_id": str(action_id), "text": "Nog eens"})
    assert again.status_code == 409
    page = browser.get("/me/moderation")
    decision = select_one(page, f"#decision-{action_id}")
    assert decision.select_one("form") is None
    assert decision.select_one(".decision__appeal") is not None


def test_an_empty_or_long_appeal_keeps_the_text(
    browser: Browser, db: Database, moderator: User, neighbour: User, comment: Comment
) -> None:
    action_id = _hidden(db, moderator, comment)
    browser.login(AUTHOR)
    browser.get("/me/moderation")
    too_long = browser.post("/appeals", {"action_id": str(action_id), "text": "x" * 2001})
    assert too_long.status_code == 400
    field = select_one(too_long, f"#appeal-{action_id}")
    assert field.get_text() == "x" * 2001
    assert select_one(too_long, f"#appeal-{action_id}-error")
    assert browser.post("/appeals", {"action_id": str(action_id), "text": ""}).status_code == 400
    assert browser.post("/appeals", {"action_id": "abc", "text": "x"}).status_code == 404


def test_someone_else_cannot_appeal(
    browser: Browser, db: Database, moderator: User, resident: User, comment: Comment
) -> None:
    action_id = _hidden(db, moderator, comment)
    browser.login("ann@example.be")
    page = browser.get("/me/moderation")
    assert select_one(page, "#decisions-empty")
    assert browser.post("/appeals", {"action_id": str(action_id), "text": "x"}).status_code == 403


def test_another_moderator_decides_and_the_author_is_told(
    client_pair: tuple[Browser, Browser],
    db: Database,
    moderator: User,
    second_moderator: User,
    neighbour: User,
    comment: Comment,
) -> None:
    author, other = client_pair
    action_id = _hidden(db, moderator, comment, note="Grof")
    author.login(AUTHOR)
    author.get("/me/moderation")
    author.post("/appeals", {"action_id": str(action_id), "text": HOSTILE})
    appeal_id = _appeal_id(db)

    other.login("mia@example.be")  # the moderator who hid it
    page = other.get("/moderation/appeals")
    row = select_one(page, f"#appeal-{appeal_id}")
    assert row.select_one(".appeal__text").get_text() == HOSTILE  # type: ignore[union-attr]
    assert row.select_one("script") is None
    assert row.select_one("form") is None
    assert other.post(f"/moderation/appeals/{appeal_id}", {"decision": "grant"}).status_code == 403
    other.post("/logout")

    other.login("mo@example.be")
    page = other.get("/moderation/appeals")
    assert select_one(page, f"#appeal-{appeal_id} form")
    bad = other.post(f"/moderation/appeals/{appeal_id}", {"decision": "maybe", "note": "Hm"})
    assert bad.status_code == 400
    assert select_one(bad, f"#appeal-{appeal_id}-note").get_text() == "Hm"
    granted = other.post(f"/moderation/appeals/{appeal_id}", {"decision": "grant", "note": HOSTILE})
    assert granted.status_code == 303
    assert select_one(other.get("/moderation/appeals"), "#appeals-empty")
    with db.read() as session:
        assert session.get(Comment, comment.id).visibility == "public"  # type: ignore[union-attr]

    mine = author.get("/me/moderation")
    note = select_one(mine, f"#decision-{action_id} .decision__appeal-note")
    assert HOSTILE in note.get_text()
    assert soup(mine).select_one("main script") is None
    notifications = author.get("/notifications")
    assert "<script>alert(1)</script>" not in notifications.text


@pytest.mark.parametrize("path", ["/appeals", "/moderation/appeals/{id}"])
def test_each_post_refuses_csrf_and_visitors(
    browser: Browser,
    db: Database,
    moderator: User,
    neighbour: User,
    comment: Comment,
    path: str,
) -> None:
    action_id = _hidden(db, moderator, comment)
    with db.write() as session:
        session.add(Appeal(action_id=action_id, appellant_id=neighbour.id, text="Oneens"))
    url = path.format(id=_appeal_id(db))
    data = {"action_id": str(action_id), "text": "x", "decision": "grant"}
    browser.get("/")
    assert browser.post(url, data).headers["location"].startswith("/login")
    browser.login(AUTHOR)
    assert browser.client.post(url, data=data).status_code == 403  # no CSRF token


def test_residents_cannot_decide_or_list_appeals(
    browser: Browser, db: Database, moderator: User, neighbour: User, comment: Comment
) -> None:
    action_id = _hidden(db, moderator, comment)
    with db.write() as session:
        session.add(Appeal(action_id=action_id, appellant_id=neighbour.id, text="Oneens"))
    create_user(db, email="clerk@example.be", roles=(Role.clerk, Role.admin))
    browser.login("clerk@example.be")
    assert browser.get("/moderation/appeals").status_code == 403
    url = f"/moderation/appeals/{_appeal_id(db)}"
    assert browser.post(url, {"decision": "grant"}).status_code == 403
    with db.read() as session:
        appeal = session.exec(select(Appeal).order_by(col(Appeal.id))).one()
    assert appeal.status == "open"


def test_my_moderation_needs_a_login(browser: Browser) -> None:
    response = browser.get("/me/moderation")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert field_error(response, "text") == ""
