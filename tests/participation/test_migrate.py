"""Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import participation.models  # noqa: F401 - the tables under test
from participation.database import Database
from participation.search import create_index, drop_index, include_object


def _differences(db: Database) -> list[Any]:
    # The same filter as migrations/env.py: search indexes are not models.
    opts = {"compare_type": True, "include_object": include_object}
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=opts)
        return list(compare_metadata(context, SQLModel.metadata))


def test_migrations_match_the_models(db: Database) -> None:
    assert _differences(db) == []


def test_search_indexes_are_left_out_of_the_comparison(db: Database) -> None:
    with db.engine.begin() as connection:
        create_index(connection, "probe_search")
    try:
        assert _differences(db) == []
    finally:
        with db.engine.begin() as connection:
            drop_index(connection, "probe_search")
