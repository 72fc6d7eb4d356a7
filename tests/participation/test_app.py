"""The app factory: features take part in the app's lifespan through a `lifespan` module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from participation import app as app_module
from participation.app import create_app
from participation.features import feature_modules
from tests.conftest import make_settings


def test_each_feature_lifespan_runs_while_the_app_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []

    def feature(name: str) -> SimpleNamespace:
        @asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            steps.append(f"{name} starts with {type(app.state.db).__name__}")
            yield
            steps.append(f"{name} stops")

        return SimpleNamespace(lifespan=lifespan)

    lifespans = [feature("one"), feature("two")]

    def modules(kind: str) -> list[ModuleType | SimpleNamespace]:
        return list(lifespans) if kind == "lifespan" else list(feature_modules(kind))

    monkeypatch.setattr(app_module, "feature_modules", modules)
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'app.db'}", tmp_path / "var"))
    with TestClient(app):
        assert steps == ["one starts with Database", "two starts with Database"]
    assert steps[2:] == ["two stops", "one stops"]
