"""Screening at posting time: watch words, many links and new accounts' first posts are held
for review with a case and an automatic `hold` in the log; staff is never held."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from ideas import actions as idea_actions
from ideas.forms import CommentDraft, IdeaDraft
from ideas.models import Idea
from moderation import hooks, words
from moderation.models import ModerationAction, ModerationCase
from participation.comments import Comment
from participation.database import Database, utcnow
from participation.models import Role, User
from participation.settings import Settings
from participation.visibility import Visibility
from tests.conftest import make_settings
from tests.helpers import create_user

LINKS = "zie https://a.example, http://b.example/x en www.c.example of https://www.d.example"


@pytest.fixture
def strict(database_url: str, tmp_path: Path) -> Settings:
    """Settings that screen ideas' and comments' first posts and links."""
    return make_settings(
        database_url,
        tmp_path / "var",
        INSPRAAK_MODERATION_HOLD_FIRST_POSTS="idea,comment",
        INSPRAAK_MODERATION_HOLD_LINKS="comment",
        INSPRAAK_MODERATION_MAX_LINKS="3",
    )


def _age(db: Database, user: User, days: int) -> User:
    """The account as if made `days` ago, read again as a request would."""
    with db.write() as session:
        session.execute(
            update(User)
            .where(col(User.id) == user.id)
            .values(created_at=utcnow() - dt.timedelta(days=days))
        )
    with db.read() as session:
        found = session.get(User, user.id)
    assert found is not None
    return found


def _post(db: Database, author: User, settings: Settings, body: str = "Meer bankjes") -> Idea:
    with db.write() as session:
        return idea_actions.do_post_idea(
            session, author, IdeaDraft("Bankjes", body, None, None, None), [], settings=settings
        )


def _comment(db: Database, idea: Idea, author: User, settings: Settings, body: str) -> Comment:
    assert idea.id is not None
    with db.write() as session:
        return idea_actions.do_comment(
            session, idea.id, author, CommentDraft(body, None, None), settings=settings
        )


def _holds(db: Database) -> list[ModerationAction]:
    with db.read() as session:
        return list(session.exec(select(ModerationAction).where(ModerationAction.action == "hold")))


def test_links_are_counted_once_each() -> None:
    assert hooks.count_links(LINKS) == 4
    assert hooks.count_links("geen links, wel www-pagina's") == 0


def test_a_watch_word_holds_a_post_with_a_case_and_a_note(
    db: Database, settings: Settings, moderator: User, resident: User
) -> None:
    with db.write() as session:
        words.do_add_word(session, moderator, "oplichter")
    resident = _age(db, resident, 100)
    idea = _post(db, resident, settings, "De burgemeester is een OPLICHTER.")
    assert idea.visibility == Visibility.held
    (entry,) = _holds(db)
    assert entry.automatic
    assert (entry.content_type, entry.content_id, entry.target_user_id) == (
        "idea",
        idea.id,
        resident.id,
    )
    assert "oplichter" in entry.note
    with db.read() as session:
        case = session.exec(select(ModerationCase)).one()
    assert (case.content_type, case.content_id, case.status) == ("idea", idea.id, "open")


def test_an_ordinary_post_is_public(db: Database, strict: Settings, resident: User) -> None:
    resident = _age(db, resident, 100)
    idea = _post(db, resident, strict)
    assert idea.visibility == Visibility.public
    assert _holds(db) == []


def test_too_many_links_hold_where_links_are_screened(
    db: Database, strict: Settings, resident: User, neighbour: User
) -> None:
    resident = _age(db, resident, 100)
    neighbour = _age(db, neighbour, 100)
    idea = _post(db, resident, strict, LINKS)  # ideas are not screened for links here
    assert idea.visibility == Visibility.public
    three = _comment(db, idea, neighbour, strict, LINKS.rsplit(" of ", 1)[0])
    four = _comment(db, idea, neighbour, strict, LINKS)
    assert (three.visibility, four.visibility) == (Visibility.public, Visibility.held)
    (entry,) = _holds(db)
    assert "4" in entry.note


def test_a_new_accounts_first_post_waits(
    db: Database, strict: Settings, resident: User, neighbour: User
) -> None:
    neighbour = _age(db, neighbour, 100)
    first = _post(db, resident, strict)
    second = _post(db, resident, strict)  # the first is not public yet either
    old_hand = _post(db, neighbour, strict)
    assert [first.visibility, second.visibility, old_hand.visibility] == ["held", "held", "public"]
    assert len(_holds(db)) == 2


def test_a_new_account_with_public_content_is_not_held(
    db: Database, strict: Settings, resident: User
) -> None:
    first = _post(db, resident, strict)
    assert first.id is not None
    with db.write() as session:
        session.execute(update(Idea).where(col(Idea.id) == first.id).values(visibility="public"))
    assert _post(db, resident, strict).visibility == Visibility.public


@pytest.mark.parametrize("role", [Role.moderator, Role.clerk, Role.admin])
def test_staff_is_never_held(db: Database, strict: Settings, moderator: User, role: Role) -> None:
    staff = create_user(db, email="staff@example.be", roles=(role,))
    with db.write() as session:
        words.do_add_word(session, moderator, "oplichter")
    assert _post(db, staff, strict, f"oplichter {LINKS}").visibility == Visibility.public
    assert _holds(db) == []


def test_screen_content_answers_none_or_held(
    db: Database, strict: Settings, resident: User
) -> None:
    with db.write() as session:
        answer = hooks.screen_content(session, strict, resident, "pact", 1, "Gewone tekst")
    assert answer is None  # a type that is not screened, and no word or link
