"""Fixtures for moderation: a moderator, residents, an idea and a comment built through the
real actions, and a content type that only the test registers. The people read English, so
that tests can name the messages they expect."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from sqlmodel import Session

import ideas.content  # noqa: F401 - registers ideas, as the app factory does
from ideas import actions as idea_actions
from ideas.forms import CommentDraft
from ideas.models import Idea
from moderation import actions, sanctions
from moderation.forms import ActionDraft, ContentAction, ReportDraft
from moderation.models import Sanction, SanctionKind
from moderation.sanctions import SanctionDraft
from participation import comments, content
from participation.comments import Comment
from participation.content import ContentType
from participation.database import Database
from participation.i18n import use_language
from participation.models import Role, User
from tests.helpers import create_user
from tests.ideas.conftest import post_idea

NOTE = "note"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Actions called outside a request speak the default language (Dutch); these tests read
    their messages in English, like the people below."""
    with use_language("en"):
        yield


@pytest.fixture
def moderator(db: Database) -> User:
    return create_user(
        db, email="mia@example.be", name="Mia", roles=(Role.moderator,), language="en"
    )


@pytest.fixture
def second_moderator(db: Database) -> User:
    return create_user(db, email="mo@example.be", name="Mo", roles=(Role.moderator,), language="en")


@pytest.fixture
def resident(db: Database) -> User:
    return create_user(db, email="ann@example.be", name="Ann", language="en")


@pytest.fixture
def neighbour(db: Database) -> User:
    return create_user(db, email="bob@example.be", name="Bob", language="en")


def make_residents(
    db: Database, count: int, *, verified: bool = True, prefix: str = "r"
) -> list[User]:
    return [
        create_user(db, email=f"{prefix}{n}@example.be", name=f"Resident {n}", verified=verified)
        for n in range(count)
    ]


@pytest.fixture
def idea(db: Database, resident: User) -> Idea:
    return post_idea(db, resident)


@pytest.fixture
def comment(db: Database, idea: Idea, neighbour: User) -> Comment:
    assert idea.id is not None
    with db.write() as session:
        return idea_actions.do_comment(
            session, idea.id, neighbour, CommentDraft("Dat is onzin.", None, None)
        )


def _note_title(session: Session, note_id: int) -> str | None:
    note = session.get(Comment, note_id)
    return None if note is None else note.body[:40]


def _note_text(session: Session, note_id: int) -> str:
    note = session.get(Comment, note_id)
    return "" if note is None else note.body


@pytest.fixture
def note_type(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, object]]:
    """A content type moderation has never heard of ("note", a comment table under another
    name), registered for this test only; returns the visibility changes its hook heard."""
    heard: list[tuple[int, object]] = []
    kind = ContentType(
        name=NOTE,
        label=lambda: "note",
        title=_note_title,
        url=lambda note_id: f"/notes/{note_id}",
        model=Comment,
        text=_note_text,
        visibility_changed=lambda _session, note_id, visibility: heard.append(
            (note_id, visibility)
        ),
        has_discussion=True,
    )
    monkeypatch.setitem(content._registry, NOTE, kind)
    return heard


def post_note(db: Database, author: User, body: str = "Een notitie") -> int:
    with db.write() as session:
        note = comments.do_post_comment(session, author, "board", 1, body, None, None)
    assert note.id is not None
    return note.id


def report(
    db: Database,
    reporter: User,
    type_name: str,
    content_id: int,
    reason: str = "spam",
    details: str = "",
    auto_hide_at: int = 0,
) -> None:
    with db.write() as session:
        actions.do_report(
            session, reporter, ReportDraft(type_name, content_id, reason, details), auto_hide_at
        )


def act(
    db: Database,
    moderator: User,
    type_name: str,
    content_id: int,
    action: str,
    reason: str | None = None,
    note: str = "",
) -> None:
    with db.write() as session:
        target = actions.get_target(session, type_name, content_id)
        actions.do_act(session, moderator, target, ActionDraft(ContentAction(action), reason, note))


def sanction(
    db: Database,
    moderator: User,
    target: User,
    kind: str,
    reason: str = "insult",
    *,
    note: str = "",
    days: int | None = None,
    hide_content: bool = False,
) -> Sanction:
    """A moderator's warning, mute or ban of `target`, in a transaction of its own."""
    assert target.id is not None
    draft = SanctionDraft(SanctionKind(kind), reason, note, days, hide_content)
    with db.write() as session:
        return sanctions.do_sanction(session, moderator, target.id, draft)


def at_once(*calls: Callable[[], object]) -> None:
    """Run each call in a thread of its own, all started together, and wait for them all;
    fail if one of them raised."""
    failures: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            call()
        except BaseException as problem:
            failures.append(problem)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
