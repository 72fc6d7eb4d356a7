"""Sanctions and watch words through HTTP, as moderators use them, and the refusals."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from sqlmodel import select

from ideas.models import Idea
from moderation.models import Sanction, WatchWord
from participation.comments import Comment
from participation.database import Database
from participation.models import Role, User
from tests.helpers import PASSWORD, Browser, create_user, field_error, flashes, select_one, soup
from tests.ideas.conftest import post_idea
from tests.moderation.people import HOSTILE, comment_on

MODERATOR = "mia@example.be"


def _user_url(user: User) -> str:
    return f"/moderation/users/{user.id}"


def _sanction(browser: Browser, target: User, **data: str) -> httpx.Response:
    browser.get(_user_url(target))
    return browser.post(f"{_user_url(target)}/sanctions", {"reason": "insult", **data})


def _account(db: Database, user: User) -> User:
    with db.read() as session:
        found = session.get(User, user.id)
    assert found is not None
    return found


def test_the_account_page_shows_the_history_and_the_form(
    browser: Browser, db: Database, moderator: User, resident: User
) -> None:
    browser.login(MODERATOR)
    page = browser.get(_user_url(resident))
    assert page.status_code == 200
    assert select_one(page, "#account-name").get_text() == "Ann"
    assert select_one(page, "#sanctions-empty")
    form = select_one(page, "#sanction-form")
    assert form["action"] == f"{_user_url(resident)}/sanctions"
    for name in ("kind", "reason", "note", "days", "hide_content"):
        assert form.select_one(f"[name={name}]") is not None, name
    assert form.select_one("details.confirm button[type=submit]") is not None


def test_warn_then_mute_then_lift(
    browser: Browser, db: Database, moderator: User, resident: User
) -> None:
    browser.login(MODERATOR)
    warned = _sanction(browser, resident, kind="warn", note=HOSTILE)
    assert warned.status_code == 303
    muted = _sanction(browser, resident, kind="mute", days="3")
    assert muted.status_code == 303
    page = browser.get(_user_url(resident))
    assert len(flashes(page)) == 1
    assert select_one(page, "#account-state .status--held")
    note = select_one(page, "#sanctions .sanction__note")
    assert note.get_text() == HOSTILE  # shown as text, not markup
    assert soup(page).select_one("#sanctions script") is None
    assert "<script>alert(1)</script>" not in page.text
    assert len(soup(page).select("#user-log .log-entry")) == 2
    assert select_one(page, "#lift-mute-form")
    assert browser.post(f"{_user_url(resident)}/lift", {"kind": "mute"}).status_code == 303
    assert _account(db, resident).muted_until is None


def test_form_errors_are_shown_per_field(
    browser: Browser, db: Database, moderator: User, resident: User
) -> None:
    browser.login(MODERATOR)
    response = _sanction(browser, resident, kind="mute", days="0", reason="rude", note="Let op")
    assert response.status_code == 400
    assert field_error(response, "days")
    assert field_error(response, "reason")
    assert select_one(response, "#field-note").get_text() == "Let op"
    with db.read() as session:
        assert session.exec(select(Sanction)).first() is None


def test_a_moderator_cannot_sanction_themselves(browser: Browser, moderator: User) -> None:
    browser.login(MODERATOR)
    page = browser.get(_user_url(moderator))
    assert select_one(page, "#own-account")
    assert soup(page).select_one("#sanction-form") is None
    response = browser.post(f"{_user_url(moderator)}/sanctions", {"kind": "warn", "reason": "spam"})
    assert response.status_code == 403
    assert "yourself" in response.text or "jezelf" in response.text


def test_a_ban_ends_an_open_session(
    client_pair: tuple[Browser, Browser], db: Database, moderator: User, resident: User
) -> None:
    mod_browser, resident_browser = client_pair
    resident_browser.login("ann@example.be")
    assert resident_browser.get("/account").status_code == 200
    mod_browser.login(MODERATOR)
    assert _sanction(mod_browser, resident, kind="ban").status_code == 303

    after = resident_browser.get("/account")
    assert after.status_code == 303
    assert after.headers["location"].startswith("/login")
    resident_browser.get("/login")
    again = resident_browser.post("/login", {"email": "ann@example.be", "password": PASSWORD})
    assert again.status_code != 303  # a banned account cannot log in again
    page = mod_browser.get(_user_url(resident))
    assert select_one(page, "#account-state .status--hidden")
    assert select_one(page, "#lift-ban-form")


def test_a_ban_with_hide_content_hides_ideas_and_comments(
    browser: Browser, db: Database, moderator: User, resident: User, neighbour: User
) -> None:
    idea = post_idea(db, resident)
    others = post_idea(db, neighbour, "Ander idee")
    comment = comment_on(db, others, resident, "Mijn reactie")
    browser.login(MODERATOR)
    response = _sanction(browser, resident, kind="ban", reason="spam", hide_content="on")
    assert response.status_code == 303
    with db.read() as session:
        assert session.get(Idea, idea.id).visibility == "hidden"  # type: ignore[union-attr]
        assert session.get(Comment, comment.id).visibility == "hidden"  # type: ignore[union-attr]
        assert session.get(Idea, others.id).visibility == "public"  # type: ignore[union-attr]
    listing = browser.get("/ideas")
    assert "Zebrapad aan de school" not in listing.text
    assert "Ander idee" in listing.text

    assert browser.post(f"{_user_url(resident)}/lift", {"kind": "ban"}).status_code == 303
    with db.read() as session:
        assert session.get(Idea, idea.id).visibility == "public"  # type: ignore[union-attr]
        assert session.get(Comment, comment.id).visibility == "public"  # type: ignore[union-attr]


def test_lifting_what_is_not_in_force_is_refused(
    browser: Browser, moderator: User, resident: User
) -> None:
    browser.login(MODERATOR)
    browser.get(_user_url(resident))
    assert browser.post(f"{_user_url(resident)}/lift", {"kind": "ban"}).status_code == 409
    assert browser.post(f"{_user_url(resident)}/lift", {"kind": "mute"}).status_code == 409


@pytest.mark.parametrize(
    "path", ["/moderation/users/{id}/sanctions", "/moderation/users/{id}/lift", "/moderation/words"]
)
def test_each_post_refuses_csrf_visitors_and_residents(
    browser: Browser, db: Database, resident: User, path: str
) -> None:
    url = path.format(id=resident.id)
    data = {"kind": "ban", "reason": "spam", "word": "x"}
    browser.get("/")
    visitor = browser.post(url, data)
    assert visitor.status_code == 303
    assert visitor.headers["location"].startswith("/login")
    create_user(db, email="clerk@example.be", roles=(Role.clerk, Role.admin))
    browser.login("clerk@example.be")
    assert browser.post(url, data).status_code == 403
    assert browser.client.post(url, data=data).status_code == 403  # no CSRF token
    assert _account(db, resident).banned_at is None


def test_a_missing_csrf_token_is_refused_for_a_moderator(
    browser: Browser, moderator: User, resident: User
) -> None:
    browser.login(MODERATOR)
    response = browser.client.post(
        f"{_user_url(resident)}/sanctions", data={"kind": "warn", "reason": "spam"}
    )
    assert response.status_code == 403


# Watch words


def test_watch_words_are_added_refused_twice_and_deleted(
    browser: Browser, db: Database, moderator: User
) -> None:
    browser.login(MODERATOR)
    page = browser.get("/moderation/words")
    assert select_one(page, "#words-empty")
    assert browser.post("/moderation/words", {"word": "Oplichter"}).status_code == 303
    duplicate = browser.post("/moderation/words", {"word": "OPLICHTÉR"})
    assert duplicate.status_code == 409
    assert "Oplichter" in field_error(duplicate, "word")
    assert select_one(duplicate, "#field-word")["value"] == "OPLICHTÉR"
    assert browser.post("/moderation/words", {"word": ""}).status_code == 400
    hostile = browser.post("/moderation/words", {"word": "<b>x</b>"})
    assert hostile.status_code == 303
    page = browser.get("/moderation/words")
    listed = [li.select_one(".word").get_text() for li in soup(page).select("#words li")]  # type: ignore[union-attr]
    assert listed == ["<b>x</b>", "Oplichter"]
    assert soup(page).select_one("#words b") is None
    with db.read() as session:
        word = session.exec(select(WatchWord).where(WatchWord.word == "Oplichter")).one()
    confirm = select_one(page, f"#word-{word.id} details.confirm form")
    assert confirm["action"] == f"/moderation/words/{word.id}/delete"
    assert browser.post(f"/moderation/words/{word.id}/delete").status_code == 303
    assert browser.post(f"/moderation/words/{word.id}/delete").status_code == 404


def test_deleting_a_word_refuses_csrf_visitors_and_residents(
    browser: Browser, db: Database, moderator: User, resident: User
) -> None:
    browser.login(MODERATOR)
    browser.get("/moderation/words")
    browser.post("/moderation/words", {"word": "oplichter"})
    with db.read() as session:
        word = session.exec(select(WatchWord)).one()
    url = f"/moderation/words/{word.id}/delete"
    assert browser.client.post(url).status_code == 403  # no CSRF token
    browser.post("/logout")
    browser.get("/")
    assert browser.post(url).headers["location"].startswith("/login")
    browser.login("ann@example.be")
    assert browser.post(url).status_code == 403
    assert browser.get("/moderation/words").status_code == 403
    with db.read() as session:
        assert session.exec(select(WatchWord)).one()
