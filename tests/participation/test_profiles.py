"""A resident's public name as moderatable content: hidden through the registry like any
other content, it gives way to a placeholder on every page that shows names."""

from __future__ import annotations

from participation.database import Database
from participation.models import Role, User
from participation.profiles import public_names
from participation.visibility import Visibility, set_visibility
from tests.helpers import Browser, create_user, select_one
from tests.ideas.conftest import comment_on, post_idea

HOSTILE = '<script>alert("naam")</script>'


def _hide_name(db: Database, user: User) -> None:
    with db.write() as session:
        set_visibility(session, "profile", user.id or 0, Visibility.hidden, "insult")


def test_a_hidden_name_gives_way_to_a_placeholder(db: Database) -> None:
    shown = create_user(db, email="ann@example.be", name="Ann")
    hidden = create_user(db, email="bob@example.be", name=HOSTILE)
    _hide_name(db, hidden)
    with db.read() as session:
        names = public_names(session, [shown.id or 0, hidden.id or 0])
    assert names[shown.id or 0] == "Ann"
    assert HOSTILE not in names.values()


def test_pages_show_the_placeholder_instead_of_a_hidden_name(
    browser: Browser, db: Database
) -> None:
    author = create_user(db, email="rude@example.be", name=HOSTILE, language="en")
    idea = post_idea(db, author, title="Bankje in het park")
    comment_on(db, idea, author, body="Eens!")
    _hide_name(db, author)
    browser.client.headers["Accept-Language"] = "en"
    for path in (f"/ideas/{idea.id}", "/ideas"):
        page = browser.get(path)
        assert HOSTILE not in page.text
        assert "script" not in select_one(page, "main").get_text()
    detail = select_one(browser.get(f"/ideas/{idea.id}"), "main").get_text()
    assert "Name hidden by moderation" in detail
    api = browser.get(f"/api/v1/ideas/{idea.id}").json()
    assert HOSTILE not in str(api)


def test_a_moderator_hides_and_restores_a_name_through_the_queue_actions(
    browser: Browser, db: Database
) -> None:
    create_user(db, email="mia@example.be", roles=(Role.moderator,))
    author = create_user(db, email="rude@example.be", name="Rude Name")
    idea = post_idea(db, author, title="Bankje in het park")
    browser.login("mia@example.be")
    fields = {"content_type": "profile", "content_id": str(author.id), "reason": "insult"}
    hidden = browser.post("/moderation/actions", {**fields, "action": "hide"})
    assert hidden.status_code == 303
    assert "Rude Name" not in browser.get(f"/ideas/{idea.id}").text
    restored = browser.post("/moderation/actions", {**fields, "action": "restore"})
    assert restored.status_code == 303
    assert "Rude Name" in browser.get(f"/ideas/{idea.id}").text


def test_the_account_page_leads_a_moderator_to_the_name(browser: Browser, db: Database) -> None:
    create_user(db, email="mia@example.be", roles=(Role.moderator,))
    author = create_user(db, email="rude@example.be", name=HOSTILE)
    _hide_name(db, author)
    browser.login("mia@example.be")
    page = browser.get(f"/moderation/users/{author.id}")
    link = select_one(page, "#moderate-name")
    item = browser.get(str(link["href"]))
    assert item.status_code == 200
    assert HOSTILE not in item.text  # shown escaped, as text
    assert HOSTILE in select_one(item, "main").get_text()
