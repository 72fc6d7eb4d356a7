"""The demo moderation: loading twice changes nothing, and it holds what the demo promises."""

from __future__ import annotations

from sqlmodel import select

from moderation.models import ModerationAction, Report, Sanction
from participation.actions import user_by_email
from participation.auth import roles_of
from participation.comments import Comment
from participation.database import Database, utcnow
from participation.demo import load_demo
from participation.models import Role, User
from tests.voting.test_demo import row_counts


def test_loading_twice_changes_nothing(db: Database) -> None:
    load_demo(db)
    first = row_counts(db)
    load_demo(db)
    assert row_counts(db) == first
    assert first["moderation_reports"] >= 3
    assert first["moderation_sanctions"] == 1


def test_the_demo_holds_reports_a_hidden_comment_and_a_muted_account(db: Database) -> None:
    load_demo(db)
    with db.read() as session:
        for email in ("moderator@demostad.example", "moderator2@demostad.example"):
            moderator = user_by_email(session, email)
            assert moderator is not None
            assert moderator.id is not None
            assert Role.moderator.value in roles_of(session, moderator.id)
        reports = session.exec(select(Report)).all()
        assert {r.content_type for r in reports} == {"idea", "comment"}
        assert all(r.status == "open" for r in reports)
        hide = session.exec(select(ModerationAction).where(ModerationAction.action == "hide")).one()
        hidden = session.get(Comment, hide.content_id)
        assert hidden is not None
        assert hidden.visibility == "hidden"
        mute = session.exec(select(Sanction)).one()
        assert mute.kind == "mute"
        assert mute.user_id == hidden.author_id
        muted = session.get(User, mute.user_id)
        assert muted is not None
        assert muted.muted_until is not None
        assert muted.muted_until > utcnow()
