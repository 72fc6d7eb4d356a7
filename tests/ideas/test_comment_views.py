"""The discussion under an idea, with what moderation decided: locked discussions, hidden
and held comments, muted residents, the report link, and screening at posting time."""

from __future__ import annotations

import datetime as dt

from ideas.models import Idea
from participation.comments import DiscussionLock
from participation.database import Database
from participation.models import User
from participation.visibility import Visibility
from tests.helpers import Browser, HoldAll, flashes, in_english, mute, select_one, set_visible, soup
from tests.ideas.conftest import comment_on, post_idea

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _lock(db: Database, idea: Idea) -> None:
    """What a moderator's lock does (the action itself is moderation's)."""
    assert idea.id is not None
    with db.write() as session:
        session.add(DiscussionLock(subject="idea", subject_id=idea.id))


def test_a_locked_discussion_refuses_comments_and_replies_and_says_so(
    browser: Browser, db: Database, author: User, reader: User
) -> None:
    idea = post_idea(db, author)
    earlier = comment_on(db, idea, author, "Voor het slot")
    _lock(db, idea)
    in_english(browser).login("rik@example.be")
    page = browser.get(f"/ideas/{idea.id}")
    notice = select_one(page, ".discussion-locked")
    assert notice.get_text() == "This discussion was closed by a moderator."
    assert not soup(page).select(".comment-form, details.reply")
    assert select_one(page, f"#comment-{earlier.id} .comment__body").get_text(strip=True)
    for data in ({"body": "Toch nog iets"}, {"body": "Antwoord", "parent_id": str(earlier.id)}):
        refused = browser.post(f"/ideas/{idea.id}/comments", data)
        assert refused.status_code == 409
        assert "This discussion was closed by a moderator." in refused.text
    assert "1 comment" in browser.get(f"/ideas/{idea.id}").text


def test_posting_a_comment_needs_a_csrf_token_and_a_login(
    browser: Browser, db: Database, author: User
) -> None:
    idea = post_idea(db, author)
    browser.get("/")
    no_token = browser.client.post(f"/ideas/{idea.id}/comments", data={"body": "Hallo"})
    assert no_token.status_code == 403
    visitor = browser.post(f"/ideas/{idea.id}/comments", {"body": "Hallo"})
    assert visitor.status_code == 303
    assert visitor.headers["location"].startswith("/login")


def test_the_public_sees_a_placeholder_and_replies_keep_their_context(
    browser: Browser, db: Database, author: User, reader: User
) -> None:
    idea = post_idea(db, author)
    hidden = comment_on(db, idea, reader, f"Scheldwoord {HOSTILE}")
    reply = comment_on(db, idea, author, "Niet nodig", parent_id=hidden.id)
    set_visible(db, "comment", hidden.id, Visibility.hidden, "insult")
    page = in_english(browser).get(f"/ideas/{idea.id}")
    placeholder = select_one(page, f"#comment-{hidden.id}")
    assert select_one(page, f"#comment-{hidden.id} .comment__hidden").get_text() == (
        "Hidden by moderation: Insult or hate"
    )
    assert "Rik" not in placeholder.get_text()
    assert "Scheldwoord" not in page.text
    assert "alert" not in page.text
    assert select_one(page, f"#comment-{reply.id} .comment__body").get_text(strip=True) == (
        "Niet nodig"
    )
    assert select_one(page, f"li:has(> #comment-{hidden.id}) #comment-{reply.id}")
    # Logged in: no reply to, nor report of, what is hidden.
    browser.login("eva@example.be")
    page = browser.get(f"/ideas/{idea.id}")
    assert not soup(page).select(f"#comment-{hidden.id} .reply, #comment-{hidden.id} .report-link")
    refused = browser.post(
        f"/ideas/{idea.id}/comments", {"body": "Toch", "parent_id": str(hidden.id)}
    )
    assert refused.status_code == 409


def test_the_author_reads_their_hidden_comment_with_a_note(
    browser: Browser, db: Database, author: User, reader: User
) -> None:
    idea = post_idea(db, author)
    hidden = comment_on(db, idea, reader, f"Scheldwoord {HOSTILE}")
    set_visible(db, "comment", hidden.id, Visibility.hidden, "insult")
    browser.login("rik@example.be")
    page = browser.get(f"/ideas/{idea.id}")
    body = select_one(page, f"#comment-{hidden.id} .comment__body")
    assert body.get_text(strip=True) == "Scheldwoord alert(1)"  # Markdown drops the tags
    assert not soup(page).select(f"#comment-{hidden.id} script, #comment-{hidden.id} img")
    note = select_one(page, f"#comment-{hidden.id} .moderation-note")
    assert "Hidden by moderation: Insult or hate" in note.get_text()
    assert select_one(page, f"#comment-{hidden.id} .moderation-note a")["href"] == "/me/moderation"


def test_a_held_comment_is_its_authors_alone(
    browser: Browser, db: Database, author: User, reader: User
) -> None:
    idea = post_idea(db, author)
    held = comment_on(db, idea, reader, "Even wachten")
    set_visible(db, "comment", held.id, Visibility.held, None)
    page = in_english(browser).get(f"/ideas/{idea.id}")
    assert not soup(page).select(f"#comment-{held.id}")
    assert "0 comments" in page.text
    more = browser.get(f"/ideas/{idea.id}/comments?after=0")
    assert not soup(more).select(f"#comment-{held.id}")
    browser.login("rik@example.be")
    page = browser.get(f"/ideas/{idea.id}")
    note = select_one(page, f"#comment-{held.id} .moderation-note").get_text()
    assert "Waiting for a moderator before it is public." in note
    set_visible(db, "comment", held.id, Visibility.public, None)
    page = browser.get(f"/ideas/{idea.id}")
    assert not soup(page).select(f"#comment-{held.id} .moderation-note")
    assert "1 comment" in page.text


def test_each_comment_of_someone_else_has_a_report_link(
    browser: Browser, db: Database, author: User, reader: User
) -> None:
    idea = post_idea(db, author)
    theirs = comment_on(db, idea, author, "Van Eva")
    mine = comment_on(db, idea, reader, "Van Rik")
    in_english(browser).login("rik@example.be")
    page = browser.get(f"/ideas/{idea.id}")
    link = select_one(page, f"#comment-{theirs.id} .report-link")
    assert link["aria-label"] == "Report this comment"
    assert link["href"] == (
        f"/reports/new?content_type=comment&content_id={theirs.id}"
        f"&next=/ideas/{idea.id}%23comment-{theirs.id}"
    )
    assert not soup(page).select(f"#comment-{mine.id} .report-link")


def test_a_muted_resident_cannot_comment_reply_or_edit(
    browser: Browser, db: Database, author: User, reader: User
) -> None:
    idea = post_idea(db, author)
    theirs = comment_on(db, idea, author, "Van Eva")
    mine = comment_on(db, idea, reader, "Van Rik")
    mute(db, reader, dt.datetime(2099, 3, 1, 12, 0, tzinfo=dt.UTC))
    browser.login("rik@example.be")
    for url, data in (
        (f"/ideas/{idea.id}/comments", {"body": "Nog iets"}),
        (f"/ideas/{idea.id}/comments", {"body": "Antwoord", "parent_id": str(theirs.id)}),
        (f"/ideas/{idea.id}/comments/{mine.id}/edit", {"body": "Anders"}),
    ):
        refused = browser.post(url, data)
        assert refused.status_code == 403
        assert "March 1, 2099" in refused.text
    page = browser.get(f"/ideas/{idea.id}")
    assert not soup(page).select(".comment-form, details.reply")
    assert select_one(page, f"#comment-{theirs.id} .report-link")  # reporting is not posting


def test_a_comment_that_screening_holds_waits_and_is_not_counted(
    browser: Browser,
    db: Database,
    author: User,
    reader: User,
    hold_all: HoldAll,
) -> None:
    idea = post_idea(db, author)
    browser.login("rik@example.be")
    posted = browser.post(f"/ideas/{idea.id}/comments", {"body": "Kijk op www.example.com"})
    assert posted.status_code == 303
    page = browser.get(posted.headers["location"])
    assert flashes(page) == ["Your comment is saved. A moderator looks at it before it is public."]
    assert "0 comments" in page.text
    assert "Waiting for a moderator" in select_one(page, ".comment .moderation-note").get_text()
