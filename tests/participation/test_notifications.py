"""Follows and notifications: the actions on both databases, and what moderation hides."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from participation.actions import do_create_user
from participation.comments import do_post_comment
from participation.database import Database
from participation.i18n import current_language, gettext
from participation.models import User
from participation.notifications import (
    Notification,
    do_follow,
    do_mark_read,
    do_unfollow,
    follower_ids,
    is_following,
    notifications_page,
    notify,
    notify_followers,
    unread_count,
)
from participation.visibility import Visibility, set_visibility
from tests.helpers import PASSWORD, Browser, create_user, soup
from tests.participation.notifying import follows, tell, unread

# Follows


def test_following_twice_leaves_one_follow(db: Database) -> None:
    ann = create_user(db)
    assert ann.id is not None
    with db.write() as session:
        do_follow(session, ann.id, "idea", 7)
        do_follow(session, ann.id, "idea", 7)
    with db.write() as session:
        do_follow(session, ann.id, "idea", 7)
    assert follows(db) == 1
    with db.read() as session:
        assert is_following(session, ann.id, "idea", 7)
        assert not is_following(session, ann.id, "idea", 8)
        assert not is_following(session, ann.id, "pact", 7)
        assert follower_ids(session, "idea", 7) == [ann.id]


def test_twenty_concurrent_follows_leave_one_follow(db: Database) -> None:
    ann = create_user(db)
    assert ann.id is not None
    user_id = ann.id
    start = threading.Barrier(20)

    def follow() -> None:
        start.wait(timeout=30)
        with db.write() as session:
            do_follow(session, user_id, "idea", 7)

    with ThreadPoolExecutor(max_workers=20) as pool:
        for future in [pool.submit(follow) for _ in range(20)]:
            future.result()
    assert follows(db) == 1


def test_unfollow_is_idempotent_and_touches_only_that_follow(db: Database) -> None:
    ann = create_user(db)
    bob = create_user(db, email="bob@example.be", name="Bob")
    assert ann.id is not None
    assert bob.id is not None
    with db.write() as session:
        do_follow(session, ann.id, "idea", 7)
        do_follow(session, ann.id, "idea", 8)
        do_follow(session, bob.id, "idea", 7)
    with db.write() as session:
        do_unfollow(session, ann.id, "idea", 7)
        do_unfollow(session, ann.id, "idea", 7)
        do_unfollow(session, ann.id, "pact", 99)
    with db.read() as session:
        assert not is_following(session, ann.id, "idea", 7)
        assert is_following(session, ann.id, "idea", 8)
        assert follower_ids(session, "idea", 7) == [bob.id]


# Notify


def test_notify_skips_the_actor_and_duplicates_and_speaks_each_language(db: Database) -> None:
    with db.write() as session:
        actor = do_create_user(
            session, email="actor@example.be", display_name="A", password=PASSWORD, language="en"
        )
        marie = do_create_user(
            session, email="marie@example.be", display_name="M", password=PASSWORD, language="fr"
        )
        jan = do_create_user(
            session, email="jan@example.be", display_name="J", password=PASSWORD, language="nl"
        )
        piet = do_create_user(
            session, email="piet@example.be", display_name="P", password=PASSWORD, language="nl"
        )
    assert actor.id
    assert marie.id
    assert jan.id
    assert piet.id
    calls: list[str] = []

    def message() -> str:
        calls.append(current_language())
        return gettext("Log in")

    with db.write() as session:
        told = notify(
            session,
            [marie.id, jan.id, actor.id, marie.id, piet.id, jan.id, 999_999],
            kind="idea.comment",
            subject="idea",
            subject_id=3,
            link="/ideas/3#comments",
            message=message,
            exclude=actor.id,
        )
    assert told == 3
    assert sorted(calls) == ["fr", "nl"]  # once per language, not once per recipient
    assert current_language() == "nl"  # the caller's language is left as it was
    with db.read() as session:
        rows = session.exec(select(Notification).order_by(col(Notification.id))).all()
    assert {(row.user_id, row.text) for row in rows} == {
        (marie.id, "Se connecter"),
        (jan.id, "Aanmelden"),
        (piet.id, "Aanmelden"),
    }
    assert {(r.kind, r.subject, r.subject_id, r.link) for r in rows} == {
        ("idea.comment", "idea", 3, "/ideas/3#comments")
    }
    assert all(row.read_at is None and row.created_at.tzinfo is not None for row in rows)


def test_notify_followers_tells_the_followers_in_the_callers_transaction(db: Database) -> None:
    ann = create_user(db)
    bob = create_user(db, email="bob@example.be", name="Bob")
    cas = create_user(db, email="cas@example.be", name="Cas")
    assert ann.id
    assert bob.id
    assert cas.id
    with db.write() as session:
        for user_id in (ann.id, bob.id, cas.id):
            do_follow(session, user_id, "idea", 5)
        do_follow(session, cas.id, "idea", 6)

    def tell_followers() -> int:
        with db.write() as session:
            return notify_followers(
                session,
                subject="idea",
                subject_id=5,
                kind="idea.answer",
                link="/ideas/5",
                message=lambda: "The city answered",
                exclude=ann.id,
            )

    with pytest.raises(RuntimeError), db.write() as session:
        notify_followers(
            session,
            subject="idea",
            subject_id=5,
            kind="idea.answer",
            link="/ideas/5",
            message=lambda: "rolled back",
        )
        raise RuntimeError("the action failed")
    assert unread(db, bob) == 0  # a rolled-back action tells nobody

    assert tell_followers() == 2
    assert (unread(db, ann), unread(db, bob), unread(db, cas)) == (0, 1, 1)


def test_notify_refuses_a_link_off_the_site(db: Database) -> None:
    ann = create_user(db)
    for link in ("https://evil.example/", "//evil.example/x", "ideas/1", "/" + "x" * 600):
        with pytest.raises(ValueError, match="on this site"), db.write() as session:
            notify(
                session,
                [ann.id or 0],
                kind="k",
                subject="idea",
                subject_id=1,
                link=link,
                message=lambda: "hi",
            )


def test_unread_count_and_mark_read(db: Database) -> None:
    ann = create_user(db)
    bob = create_user(db, email="bob@example.be", name="Bob")
    assert ann.id
    assert bob.id
    for number in range(3):
        tell(db, ann, f"Message {number}")
    tell(db, bob, "For Bob")
    assert unread(db, ann) == 3
    with db.read() as session:
        assert unread_count(session, ann.id, limit=2) == 2
        first = session.exec(select(Notification.id).where(Notification.user_id == ann.id)).first()
        bobs = session.exec(select(Notification.id).where(Notification.user_id == bob.id)).one()
    with db.write() as session:
        assert do_mark_read(session, ann.id, first) == 1
        assert do_mark_read(session, ann.id, first) == 0
        assert do_mark_read(session, ann.id, bobs) == 0  # not Ann's to mark
    assert unread(db, ann) == 2
    with db.write() as session:
        assert do_mark_read(session, ann.id) == 2
    assert (unread(db, ann), unread(db, bob)) == (0, 1)


def test_erasing_an_account_erases_its_follows_and_notifications(db: Database) -> None:
    ann = create_user(db)
    assert ann.id is not None
    with db.write() as session:
        do_follow(session, ann.id, "idea", 1)
    tell(db, ann, "Hello")
    with db.write() as session:
        stored = session.get(User, ann.id)
        session.delete(stored)
    with db.read() as session:
        assert session.exec(select(func.count()).select_from(Notification)).one() == 0
    assert follows(db) == 0


# Moderation: a notification about hidden content is not shown while it is hidden.


def _comment(db: Database, author: User, body: str) -> int:
    with db.write() as session:
        posted = do_post_comment(session, author, "thing", 1, body, None, None)
    assert posted.id is not None
    return posted.id


def _hide(db: Database, comment_id: int, visibility: Visibility) -> None:
    with db.write() as session:
        set_visibility(session, "comment", comment_id, visibility, None)


def test_notifications_about_hidden_content_are_left_out_until_shown_again(
    browser: Browser, db: Database
) -> None:
    ann = create_user(db)
    bob = create_user(db, email="bob@example.be", name="Bob")
    assert ann.id is not None
    about = _comment(db, bob, "Over de school")
    quoted = _comment(db, bob, "Een reactie")
    with db.write() as session:
        for subject, subject_id, source, text in (
            ("comment", about, None, "About a comment"),
            ("thing", 1, ("comment", quoted), "Quotes a comment"),
            ("thing", 1, None, "Plain"),
        ):
            notify(
                session,
                [ann.id],
                kind="thing.comment",
                subject=subject,
                subject_id=subject_id,
                link="/account",
                message=lambda text=text: text,  # type: ignore[misc]
                source=source,
            )
    browser.login("ann@example.be")

    def shown() -> list[str]:
        page = browser.get("/notifications")
        return [a.get_text() for a in soup(page).select(".notification-list a")]

    assert shown() == ["Plain", "Quotes a comment", "About a comment"]
    _hide(db, about, Visibility.hidden)
    _hide(db, quoted, Visibility.held)
    assert shown() == ["Plain"]
    assert unread(db, ann) == 1
    with db.read() as session:
        assert unread_count(session, ann.id, limit=5) == 1
        page, _next = notifications_page(session, ann.id)
    assert [n.text for n in page] == ["Plain"]
    _hide(db, about, Visibility.public)
    _hide(db, quoted, Visibility.public)
    assert shown() == ["Plain", "Quotes a comment", "About a comment"]
    assert unread(db, ann) == 3
