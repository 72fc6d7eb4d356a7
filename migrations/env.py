"""Alembic environment: one migration history for SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import participation.models  # noqa: F401 - registers the tables on the metadata
from participation import comments, notifications, visibility  # noqa: F401 - registers their tables
from participation.database import make_engine
from participation.features import feature_modules
from participation.search import include_object

feature_modules("models")

config = context.config
url = config.attributes["database_url"]
engine = make_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # Full-text search indexes are made by participation.search, not from the models.
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
