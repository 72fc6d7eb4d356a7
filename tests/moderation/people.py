"""Helpers for the sanction, appeal and screening tests: comments and logins as users make them."""

from __future__ import annotations

from ideas import actions as idea_actions
from ideas.forms import CommentDraft
from ideas.models import Idea
from participation.comments import Comment
from participation.database import Database
from participation.models import User

HOSTILE = (
    '<script>alert(1)</script><img src=x onerror=alert(2)><a hx-post="/logout" id="main">x</a>'
)


def comment_on(db: Database, idea: Idea, author: User, body: str = "Een reactie") -> Comment:
    assert idea.id is not None
    with db.write() as session:
        return idea_actions.do_comment(session, idea.id, author, CommentDraft(body, None, None))
