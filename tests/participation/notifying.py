"""Telling a user something, and reading back what they were told: for the notification tests."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from participation.database import Database
from participation.models import User
from participation.notifications import Follow, notify, unread_count


def tell(db: Database, user: User, text: str, link: str = "/account") -> None:
    assert user.id is not None
    with db.write() as session:
        notify(
            session,
            [user.id],
            kind="idea.comment",
            subject="idea",
            subject_id=1,
            link=link,
            message=lambda: text,
        )


def follows(db: Database) -> int:
    with db.read() as session:
        return int(session.exec(select(func.count()).select_from(Follow)).one())


def unread(db: Database, user: User) -> int:
    assert user.id is not None
    with db.read() as session:
        return unread_count(session, user.id)
