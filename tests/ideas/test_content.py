"""Ideas register themselves as content, so shared machinery can show and link them."""

from __future__ import annotations

from starlette.applications import Starlette

from ideas.models import Idea
from participation.content import content_type
from participation.database import Database


def test_ideas_are_registered_content(app: Starlette, db: Database, idea: Idea) -> None:
    registered = content_type("idea")
    assert registered is not None
    assert idea.id is not None
    with db.read() as session:
        assert registered.title(session, idea.id) == idea.title
        assert registered.title(session, 9999) is None
    assert registered.url(idea.id) == f"/ideas/{idea.id}"
