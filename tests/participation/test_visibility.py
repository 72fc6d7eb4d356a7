"""What the shell does with moderation's decisions, for every content type: hidden comments
in a discussion, locked discussions, and the sanctions on accounts (mute and ban)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from participation import actions
from participation.checks import Refused
from participation.comments import (
    Comment,
    DiscussionLock,
    check_reply_target,
    comment_page,
    do_post_comment,
    is_locked,
)
from participation.database import Database, utcnow
from participation.forms import Credentials
from participation.i18n import use_language
from participation.models import LoginSession, User
from participation.visibility import Visibility, set_visibility
from tests.helpers import PASSWORD, Browser, create_user, select_one

BRUSSELS = ZoneInfo("Europe/Brussels")


def _post(
    db: Database, author: User, subject: str = "thing", parent: Comment | None = None
) -> Comment:
    with db.write() as session:
        return do_post_comment(session, author, subject, 1, "Tekst", None, parent)


def _set(db: Database, user: User, **values: object) -> None:
    """What a moderator's sanction does to the account (the sanction itself is moderation's)."""
    with db.write() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        for name, value in values.items():
            setattr(stored, name, value)


# Hidden comments, in any discussion


def test_a_page_of_comments_says_why_each_hidden_one_is_hidden(db: Database) -> None:
    author = create_user(db)
    shown, hidden, auto = _post(db, author), _post(db, author), _post(db, author)
    with db.write() as session:
        set_visibility(session, "comment", hidden.id or 0, Visibility.hidden, "personal_data")
        set_visibility(session, "comment", auto.id or 0, Visibility.auto_hidden, None)
    with db.read() as session:
        page = comment_page(session, "thing", 1)
    assert [c.visibility for c in page.threads] == ["public", "hidden", "auto_hidden"]
    assert set(page.hidden) == {hidden.id, auto.id}
    assert page.hidden[hidden.id or 0].reason == "personal_data"
    assert shown.id not in page.hidden


def test_a_hidden_comment_takes_no_replies(db: Database) -> None:
    author = create_user(db)
    parent = _post(db, author)
    with db.write() as session:
        set_visibility(session, "comment", parent.id or 0, Visibility.hidden, "spam")
    with pytest.raises(Refused) as refused, db.read() as session:
        check_reply_target(session, "thing", 1, parent.id)
    assert refused.value.status_code == 409
    with db.write() as session:
        set_visibility(session, "comment", parent.id or 0, Visibility.public, None)
    with db.read() as session:
        assert check_reply_target(session, "thing", 1, parent.id) is not None


def test_a_locked_discussion_refuses_new_comments_of_any_content_type(db: Database) -> None:
    author = create_user(db, language="en")
    with db.write() as session:
        session.add(DiscussionLock(subject="thing", subject_id=1))
    with pytest.raises(Refused) as refused, use_language("en"), db.write() as session:
        do_post_comment(session, author, "thing", 1, "Nog iets", None, None)
    assert refused.value.status_code == 409
    assert refused.value.message == "This discussion was closed by a moderator."
    with db.read() as session:
        assert is_locked(session, "thing", 1)
        assert not is_locked(session, "thing", 2)
        assert not is_locked(session, "other", 1)
        assert session.exec(select(Comment)).all() == []
    assert _post(db, author, subject="other").id is not None


# Mute


def test_a_muted_user_cannot_post_until_the_mute_ends(db: Database) -> None:
    user = create_user(db)
    actions.check_can_post(user)
    user.muted_until = dt.datetime(2099, 7, 1, 8, 30, tzinfo=dt.UTC)
    with use_language("en"), pytest.raises(Refused) as refused:
        actions.check_can_post(user, BRUSSELS)
    assert refused.value.status_code == 403
    assert "from July 1, 2099, 10:30:00" in refused.value.message  # summer time in Brussels
    with use_language("en"), pytest.raises(Refused) as plain:
        actions.check_can_post(user)
    assert plain.value.message == (
        "A moderator has muted your account: you cannot post or comment now."
    )
    user.muted_until = utcnow() - dt.timedelta(seconds=1)
    actions.check_can_post(user, BRUSSELS)


# Ban


def test_a_banned_user_is_refused_only_after_the_right_password(db: Database) -> None:
    user = create_user(db)
    _set(db, user, banned_at=utcnow())
    with db.read() as session:
        wrong = actions.check_login(session, Credentials(user.email, "not the password"), "1.2.3.4")
        assert wrong.user is None  # the same answer as for anyone: no hint the account exists
        with use_language("en"), pytest.raises(Refused) as refused:
            actions.check_login(session, Credentials(user.email, PASSWORD), "1.2.3.4")
    assert refused.value.status_code == 403
    assert "banned" in refused.value.message


def test_a_ban_between_the_password_check_and_the_login_still_refuses(db: Database) -> None:
    user = create_user(db)
    credentials = Credentials(user.email, PASSWORD)
    with db.read() as session:
        attempt = actions.check_login(session, credentials, "1.2.3.4")
    assert attempt.user is not None
    _set(db, user, banned_at=utcnow())
    with pytest.raises(Refused), db.write() as session:
        actions.do_record_login(session, attempt, credentials, "1.2.3.4")


def test_the_login_page_tells_a_banned_user_and_starts_no_session(
    browser: Browser, db: Database
) -> None:
    user = create_user(db, language="en")
    _set(db, user, banned_at=utcnow())
    browser.client.headers["Accept-Language"] = "en"
    browser.get("/login")
    response = browser.post("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "A moderator has banned this account" in select_one(response, "main").get_text()
    with db.read() as session:
        assert session.exec(select(LoginSession)).all() == []
    wrong = browser.post("/login", {"email": user.email, "password": "wrong password"})
    assert wrong.status_code == 400
    assert "banned" not in wrong.text


def test_a_ban_ends_an_open_session(browser: Browser, db: Database) -> None:
    user = create_user(db)
    browser.login(user.email)
    assert browser.get("/account").status_code == 200
    _set(db, user, banned_at=utcnow())
    response = browser.get("/account")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
