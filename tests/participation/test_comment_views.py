"""`/comments/{id}`: a comment's own address leads to its place in its discussion, whatever
content type the discussion belongs to (found in the content registry)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from participation import content
from participation.comments import Comment, do_post_comment
from participation.content import ContentType
from participation.database import Database
from tests.helpers import create_user


@pytest.fixture
def thing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A content type only this test knows: the shell must not need to know it either."""
    monkeypatch.setitem(
        content._registry,
        "thing",
        ContentType(
            name="thing",
            label=lambda: "thing",
            title=lambda _session, _id: "A thing",
            url=lambda thing_id: f"/things/{thing_id}",
        ),
    )


def _comment(db: Database, subject: str) -> Comment:
    author = create_user(db)
    with db.write() as session:
        return do_post_comment(session, author, subject, 7, "Hallo", None, None)


def test_a_comment_leads_to_its_place_in_the_discussion(
    client: TestClient, db: Database, thing: None
) -> None:
    posted = _comment(db, "thing")
    response = client.get(f"/comments/{posted.id}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/things/7#comment-{posted.id}"


def test_an_unknown_comment_is_a_404(client: TestClient, db: Database) -> None:
    assert client.get("/comments/999").status_code == 404


def test_a_comment_on_content_nobody_registered_is_a_404(client: TestClient, db: Database) -> None:
    posted = _comment(db, "vanished")
    assert client.get(f"/comments/{posted.id}").status_code == 404
