"""Ideas and comments in the content registry, and what moderation's hiding does through it:
a hidden idea leaves every list, the search, the map, the API, the similar-idea suggestions
and notifications, and comes back when it is shown again."""

from __future__ import annotations

from starlette.applications import Starlette

from ideas import actions
from ideas.forms import AnswerDraft
from ideas.models import Idea
from participation.comments import do_delete_comment
from participation.content import content_type, moderatable
from participation.database import Database
from participation.models import User
from participation.notifications import do_follow, unread_count
from participation.visibility import Visibility
from tests.helpers import Browser, select_one, set_visible, soup
from tests.ideas.conftest import comment_on, post_idea


def test_ideas_are_registered_content(app: Starlette, db: Database, idea: Idea) -> None:
    registered = moderatable("idea")
    assert registered is not None
    assert registered.model is Idea
    assert registered.has_discussion
    assert registered.text is not None
    assert idea.id is not None
    with db.read() as session:
        assert registered.title(session, idea.id) == idea.title
        assert registered.title(session, 9999) is None
        assert registered.text(session, idea.id) == f"{idea.title}\n\n{idea.body}"
    assert registered.url(idea.id) == f"/ideas/{idea.id}"


def test_comments_are_registered_content_of_the_shell(
    app: Starlette, db: Database, idea: Idea, neighbour: User
) -> None:
    posted = comment_on(db, idea, neighbour, "Een *lange* reactie " + "over de school " * 20)
    registered = moderatable("comment")
    assert registered is not None
    assert registered.text is not None
    assert posted.id is not None
    with db.read() as session:
        title = registered.title(session, posted.id)
        assert title is not None
        assert title.startswith("Een lange reactie")
        assert title.endswith("…")
        assert len(title) <= 80
        assert registered.text(session, posted.id) == posted.body
    assert registered.url(posted.id) == f"/comments/{posted.id}"


def _listed(browser: Browser, url: str) -> list[str]:
    return [a.get_text() for a in soup(browser.get(url)).select(".idea-card__title a")]


def _everywhere(browser: Browser, idea: Idea) -> dict[str, bool]:
    """Where the idea shows up, as the public and machines see it."""
    title = idea.title
    geojson = browser.get("/api/v1/ideas.geojson").json()
    similar = browser.get("/ideas/similar", params={"title": "Zebrapad bij de school"})
    return {
        "list": title in _listed(browser, "/ideas"),
        "search": title in _listed(browser, "/ideas?q=zebrapad"),
        "search_sorted": title in _listed(browser, "/ideas?q=zebrapad&sort=supported"),
        "map": any(f["id"] == idea.id for f in geojson["features"]),
        "api_list": any(i["id"] == idea.id for i in browser.get("/api/v1/ideas").json()["items"]),
        "api_detail": browser.get(f"/api/v1/ideas/{idea.id}").status_code == 200,
        "similar": f'href="/ideas/{idea.id}"' in similar.text,
    }


def test_a_hidden_idea_disappears_everywhere_and_comes_back(
    browser: Browser, db: Database, resident: User, neighbour: User, clerk: User
) -> None:
    idea = post_idea(db, resident, latitude=51.05, longitude=3.72)
    other = post_idea(db, neighbour, title="Zebrapad aan het park", latitude=51.0, longitude=3.7)
    assert idea.id is not None
    assert neighbour.id is not None
    with db.write() as session:
        do_follow(session, neighbour.id, "idea", idea.id)
        actions.do_answer(session, idea.id, clerk, AnswerDraft("accepted", "Komt er."))
    assert all(_everywhere(browser, idea).values())

    set_visible(db, "idea", idea.id, Visibility.hidden, "spam")
    assert not any(_everywhere(browser, idea).values())
    assert all(_everywhere(browser, other).values())  # the others stay
    api = browser.get(f"/api/v1/ideas/{idea.id}")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"
    assert idea.title not in api.text
    with db.read() as session:
        assert unread_count(session, neighbour.id) == 0

    set_visible(db, "idea", idea.id, Visibility.public, None)
    assert all(_everywhere(browser, idea).values())
    with db.read() as session:
        assert unread_count(session, neighbour.id) == 1


def test_held_and_auto_hidden_ideas_are_left_out_too(
    browser: Browser, db: Database, resident: User
) -> None:
    held = post_idea(db, resident, title="Zebrapad wacht")
    auto = post_idea(db, resident, title="Zebrapad gemeld")
    set_visible(db, "idea", held.id, Visibility.held, None)
    set_visible(db, "idea", auto.id, Visibility.auto_hidden, None)
    assert not any(_everywhere(browser, held).values())
    assert not any(_everywhere(browser, auto).values())


def _comment_count(browser: Browser, idea: Idea) -> tuple[int, str]:
    page = browser.get(f"/ideas/{idea.id}")
    api = browser.get(f"/api/v1/ideas/{idea.id}").json()
    return api["comment_count"], select_one(page, "#comments-title").get_text()


def test_the_comment_count_counts_public_comments_only(
    browser: Browser, db: Database, idea: Idea, neighbour: User
) -> None:
    first = comment_on(db, idea, neighbour, "Eerste")
    second = comment_on(db, idea, neighbour, "Tweede")
    assert _comment_count(browser, idea) == (2, "2 reacties")
    set_visible(db, "comment", first.id, Visibility.hidden, "insult")
    assert _comment_count(browser, idea) == (1, "1 reactie")
    set_visible(db, "comment", first.id, Visibility.auto_hidden, None)
    assert _comment_count(browser, idea) == (1, "1 reactie")
    set_visible(db, "comment", first.id, Visibility.public, None)
    assert _comment_count(browser, idea) == (2, "2 reacties")
    # Deleting a hidden comment does not count it out twice.
    set_visible(db, "comment", second.id, Visibility.hidden, "spam")
    assert idea.id is not None
    assert second.id is not None
    with db.write() as session:
        actions.do_delete_comment(session, idea.id, second.id, neighbour)
    assert _comment_count(browser, idea) == (1, "1 reactie")
    set_visible(db, "comment", second.id, Visibility.public, None)
    assert _comment_count(browser, idea) == (1, "1 reactie")  # deleted comments never count


def test_a_recount_leaves_deleted_comments_out(db: Database, idea: Idea, neighbour: User) -> None:
    """The count is recomputed from the rows, so it agrees whichever path changed them."""
    posted = comment_on(db, idea, neighbour, "Eerste")
    with db.write() as session:
        stored = session.get(type(posted), posted.id)
        assert stored is not None
        do_delete_comment(session, stored)
    set_visible(db, "comment", posted.id, Visibility.public, None)
    with db.read() as session:
        found = session.get(Idea, idea.id)
        assert found is not None
        assert found.comment_count == 0


def test_the_idea_registry_entry_is_found_by_name(app: Starlette) -> None:
    kind = content_type("idea")
    assert kind is not None
    assert kind.label() == "idee"
