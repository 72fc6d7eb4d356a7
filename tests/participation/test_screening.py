"""Screening at posting time: each feature's `screen_content` hook may hold new content."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from participation import screening
from participation.comments import Comment, do_post_comment
from participation.database import Database
from participation.models import User
from participation.settings import Settings
from participation.visibility import Visibility, hidden_state
from tests.helpers import create_user


def _hooks(answer: Visibility | None, heard: list[Any]) -> SimpleNamespace:
    def screen_content(*arguments: Any) -> Visibility | None:
        heard.append(arguments)
        return answer

    return SimpleNamespace(screen_content=screen_content)


def _post(db: Database, author: User) -> Comment:
    with db.write() as session:
        return do_post_comment(session, author, "thing", 1, "Kijk eens hier", None, None)


def _screen(db: Database, settings: Settings, author: User, comment: Comment) -> Visibility:
    assert comment.id is not None
    with db.write() as session:
        return screening.screen_new_content(
            session, settings, author, "comment", comment.id, comment.body
        )


def test_a_hook_that_holds_keeps_the_content_from_the_public(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard: list[Any] = []
    modules = [SimpleNamespace(), _hooks(None, heard), _hooks(Visibility.held, heard)]
    monkeypatch.setattr(screening, "feature_modules", lambda kind: modules)
    author = create_user(db)
    posted = _post(db, author)
    assert _screen(db, settings, author, posted) is Visibility.held
    assert len(heard) == 2  # a module without the hook is skipped
    _session, passed_settings, passed_author, content_type, content_id, text = heard[0]
    assert passed_settings is settings
    assert passed_author.id == author.id
    assert (content_type, content_id, text) == ("comment", posted.id, "Kijk eens hier")
    with db.read() as session:
        stored = session.get(Comment, posted.id)
        assert stored is not None
        assert stored.visibility == "held"
        state = hidden_state(session, "comment", posted.id or 0)
        assert state is not None
        assert state.visibility == "held"
        assert state.reason is None


def test_content_nobody_holds_stays_public(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard: list[Any] = []
    monkeypatch.setattr(screening, "feature_modules", lambda kind: [_hooks(None, heard)])
    author = create_user(db)
    posted = _post(db, author)
    assert _screen(db, settings, author, posted) is Visibility.public
    with db.read() as session:
        assert hidden_state(session, "comment", posted.id or 0) is None


def test_the_first_hook_that_holds_decides(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first: list[Any] = []
    second: list[Any] = []
    modules = [_hooks(Visibility.held, first), _hooks(Visibility.held, second)]
    monkeypatch.setattr(screening, "feature_modules", lambda kind: modules)
    author = create_user(db)
    _screen(db, settings, author, _post(db, author))
    assert len(first) == 1
    assert second == []


def test_the_hooks_are_each_features_hooks_module(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def modules(kind: str) -> list[Any]:
        asked.append(kind)
        return []

    monkeypatch.setattr(screening, "feature_modules", modules)
    author = create_user(db)
    assert _screen(db, settings, author, _post(db, author)) is Visibility.public
    assert asked == ["hooks"]
