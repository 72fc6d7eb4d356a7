"""Fixtures for ideas: ideas and comments built through the real actions, and the people who
read them (the resident, neighbour and clerk are the shared ones of tests/conftest.py)."""

from __future__ import annotations

import pytest

import ideas.content  # noqa: F401 - registers ideas in the content registry, as the app does
from ideas import actions
from ideas.forms import CommentDraft, IdeaDraft
from ideas.models import Idea, IdeaCategory
from participation.comments import Comment
from participation.database import Database
from participation.models import Role, User
from tests.helpers import create_user


@pytest.fixture
def category(db: Database) -> IdeaCategory:
    with db.write() as session:
        found = IdeaCategory(
            slug="mobility", name_nl="Mobiliteit", name_fr="Mobilité", name_en="Mobility"
        )
        session.add(found)
    return found


def post_idea(
    db: Database, author: User, title: str = "Zebrapad aan de school", **extra: object
) -> Idea:
    values: dict[str, object] = {
        "title": title,
        "body": "Kinderen steken hier over.",
        "category_id": None,
        "latitude": None,
        "longitude": None,
        **extra,
    }
    with db.write() as session:
        return actions.do_post_idea(session, author, IdeaDraft(**values), [])  # type: ignore[arg-type]


@pytest.fixture
def idea(db: Database, resident: User) -> Idea:
    return post_idea(db, resident)


def comment_on(
    db: Database, idea: Idea, author: User, body: str = "Goed idee!", parent_id: int | None = None
) -> Comment:
    assert idea.id is not None
    with db.write() as session:
        return actions.do_comment(session, idea.id, author, CommentDraft(body, None, parent_id))


@pytest.fixture
def author(db: Database) -> User:
    return create_user(db, email="eva@example.be", name="Eva", language="en")


@pytest.fixture
def reader(db: Database) -> User:
    return create_user(db, email="rik@example.be", name="Rik", language="en")


@pytest.fixture
def moderator(db: Database) -> User:
    return create_user(db, email="mo@example.be", name="Mo", roles=(Role.moderator,), language="en")
