"""Full-text search that behaves the same on SQLite (FTS5) and PostgreSQL (tsvector).

Neither database's own language support is used: SQLite has no Dutch or French stemmer, and
PostgreSQL's would give different results. Instead the text is normalised here, once, into
plain terms (each word, its Dutch and its French Snowball stem, all without accents), and the
databases only store and look up those terms. A query is normalised the same way, so
"speeltuinen" finds "speeltuin", "écoles" finds "ecole", and the answer does not depend on
the database.

An index is a table named `<something>_search` keyed by the document id, created from a
migration with `create_index(op.get_bind(), "idea_search")`. It is not a model: Alembic's
comparison skips it through `include_object`.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Any

import snowballstemmer
from sqlalchemy import (
    Integer,
    String,
    bindparam,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import ColumnClause, Select, TableClause
from sqlmodel import Session

# Letters and digits; the underscore is a word character to Python but a separator to FTS5
# and to PostgreSQL's parser, so it separates words here too.
_WORD = re.compile(r"[^\W_]+")
# Longer "words" are not words (hashes, pasted garbage); PostgreSQL would drop them anyway.
_MAX_WORD = 100
_NAME = re.compile(r"[a-z][a-z_]*_search")
# FTS5 keeps a virtual table's data in shadow tables named after it.
_TABLE = re.compile(r"[a-z][a-z_]*_search(?:_data|_idx|_content|_docsize|_config)?")

# PostgreSQL's text search configuration that only splits and lowercases: no language.
_SIMPLE = literal_column("'simple'", String)

_STEMMERS = (snowballstemmer.stemmer("dutch"), snowballstemmer.stemmer("french"))
# A stemmer object keeps the word it works on in itself: one thread at a time.
_STEM_LOCK = threading.Lock()


def _unaccent(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare)


def _words(text: str) -> list[str]:
    # NFKC first: decomposed accents and ligatures ("ﬁ") become ordinary letters.
    found = _WORD.findall(unicodedata.normalize("NFKC", text).lower())
    return [word for word in found if len(word) <= _MAX_WORD]


@functools.lru_cache(maxsize=65536)
def _word_terms(word: str) -> tuple[str, ...]:
    """The word itself, then its Dutch and French stems; accents go after stemming, because
    the stemmers know accented endings ("écoles" → "écol")."""
    with _STEM_LOCK:
        stems = [stemmer.stemWord(word) for stemmer in _STEMMERS]
    return tuple(dict.fromkeys(_unaccent(term) for term in (word, *stems) if term))


def search_terms(text: str) -> str:
    """What gets indexed for `text`: its terms, deduplicated, in order, joined by spaces."""
    terms = dict.fromkeys(term for word in _words(text) for term in _word_terms(word))
    return " ".join(terms)


def _check_name(name: str) -> None:
    # The name goes into SQL as an identifier, so it is checked rather than quoted.
    if not _NAME.fullmatch(name):
        raise ValueError(f"search index name must be [a-z_]+ ending in _search: {name!r}")


def is_search_table(name: str) -> bool:
    """True for search index tables, including FTS5's shadow tables."""
    return bool(_TABLE.fullmatch(name))


def include_object(
    object: Any,
    name: str | None,
    type_: str,
    reflected: bool,
    compare_to: Any,
) -> bool:
    """Alembic's include_object hook: search indexes are managed here, not by the models."""
    if type_ == "table":
        return not (name and is_search_table(name))
    # Indexes, columns and constraints belong to a table: skip those of a search table.
    owner = getattr(object, "table", None)
    return not (owner is not None and is_search_table(owner.name))


def create_index(connection: Connection, name: str) -> None:
    """Create the index table if it does not exist yet."""
    _check_name(name)
    if connection.dialect.name == "sqlite":
        # Terms are already lowercase and unaccented; unicode61 only splits them on spaces.
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} "
            'USING fts5(terms, tokenize="unicode61 remove_diacritics 2")'
        )
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {name} "
            "(doc_id integer PRIMARY KEY, terms tsvector NOT NULL)"
        )
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_{name}_terms ON {name} USING gin (terms)"
        )
    else:
        raise ValueError(f"full-text search does not support {connection.dialect.name}")


def drop_index(connection: Connection, name: str) -> None:
    """Drop the index table (with FTS5's shadow tables, or PostgreSQL's GIN index)."""
    _check_name(name)
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def _table(name: str, dialect: str) -> tuple[TableClause, ColumnClause[int]]:
    """The index table as SQLAlchemy sees it, and its document id (FTS5's rowid)."""
    _check_name(name)
    if dialect not in ("sqlite", "postgresql"):
        raise ValueError(f"full-text search does not support {dialect}")
    key = column("rowid" if dialect == "sqlite" else "doc_id", Integer)
    return table(name, key, column("terms")), key


def index_document(session: Session, name: str, doc_id: int, text: str) -> None:
    """Store the document's terms, replacing earlier ones, in the session's transaction."""
    connection = session.connection()
    index, key = _table(name, connection.dialect.name)
    terms = search_terms(text)
    if connection.dialect.name == "sqlite":
        # FTS5 has no upsert; a virtual table's rowid is the document id.
        connection.execute(delete(index).where(key == doc_id))
        connection.execute(insert(index).values(rowid=doc_id, terms=terms))
    else:
        # to_tsvector('simple') only splits the terms on spaces (they are lowercase already).
        upsert = pg_insert(index).values(doc_id=doc_id, terms=func.to_tsvector(_SIMPLE, terms))
        set_ = {"terms": upsert.excluded.terms}
        connection.execute(upsert.on_conflict_do_update(index_elements=["doc_id"], set_=set_))


def remove_document(session: Session, name: str, doc_id: int) -> None:
    """Take the document out of the index (nothing happens if it was not in it)."""
    connection = session.connection()
    index, key = _table(name, connection.dialect.name)
    connection.execute(delete(index).where(key == doc_id))


def _query_words(query: str) -> list[list[tuple[str, bool]]]:
    """Per query word its alternatives as (term, is_prefix); the word itself comes first."""
    words = [[(term, False) for term in _word_terms(word)] for word in _words(query)]
    if words:
        # The last word may still be being typed: its own form also matches as a prefix,
        # which includes matching exactly.
        words[-1][0] = (words[-1][0][0], True)
    return words


def _fts5_query(words: list[list[tuple[str, bool]]]) -> str:
    # Every term is a quoted FTS5 string, so NEAR, AND, OR, *, : and ( are never syntax.
    def quoted(term: str, prefix: bool) -> str:
        return '"' + term.replace('"', '""') + '"' + ("*" if prefix else "")

    return " AND ".join(
        "(" + " OR ".join(quoted(term, prefix) for term, prefix in word) + ")" for word in words
    )


def _tsquery(words: list[list[tuple[str, bool]]]) -> str:
    # Terms are quoted tsquery lexemes; quotes and backslashes cannot occur in them (they are
    # letters and digits), but are escaped all the same.
    def quoted(term: str, prefix: bool) -> str:
        escaped = term.replace("\\", "\\\\").replace("'", "''")
        return "'" + escaped + "'" + (":*" if prefix else "")

    return " & ".join(
        "(" + " | ".join(quoted(term, prefix) for term, prefix in word) + ")" for word in words
    )


def matching_ids(
    name: str, query: str, dialect: str, *, before: int | None = None, limit: int | None = None
) -> Select[int] | None:
    """SELECT of the ids of documents that contain every word of `query` (as a plural,
    singular, with or without accents; the last word also as a prefix), for use as
    `col(Model.id).in_(...)`. None when the query has no words: then nothing is filtered.

    With `limit`, the newest matches (highest ids, below `before`) come first and only that
    many: the index then stops early instead of collecting every match of a common word."""
    _index, key = _table(name, dialect)
    words = _query_words(query)
    if not words:
        return None
    if dialect == "sqlite":
        condition, expression = f"{name} MATCH :search_query", _fts5_query(words)
    else:
        condition = f"{name}.terms @@ to_tsquery('simple', :search_query)"
        expression = _tsquery(words)
    # unique: two searches in one statement get two parameters, not one shared one.
    parameter = bindparam("search_query", expression, type_=String, unique=True)
    statement = select(key).where(text(condition).bindparams(parameter))
    if before is not None:
        statement = statement.where(key < before)
    if limit is not None:
        statement = statement.order_by(key.desc()).limit(limit)
    return statement
