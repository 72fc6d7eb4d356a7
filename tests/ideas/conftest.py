"""Fixtures for ideas: residents, a clerk and ideas built through the real actions."""

from __future__ import annotations

import pytest

from ideas import actions
from ideas.forms import IdeaDraft
from ideas.models import Idea, IdeaCategory
from participation.database import Database
from participation.models import Role, User
from tests.helpers import create_user


@pytest.fixture
def resident(db: Database) -> User:
    return create_user(db, email="ann@example.be", name="Ann")


@pytest.fixture
def neighbour(db: Database) -> User:
    return create_user(db, email="bob@example.be", name="Bob")


@pytest.fixture
def clerk(db: Database) -> User:
    return create_user(db, email="greet@example.be", name="Greet", roles=(Role.clerk,))


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
