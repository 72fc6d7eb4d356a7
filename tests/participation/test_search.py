"""Full-text search: Dutch and French plurals, accents, prefixes and hostile queries, the same
on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import col, select

from participation.database import Database
from participation.models import User
from participation.search import (
    create_index,
    drop_index,
    index_document,
    is_search_table,
    matching_ids,
    remove_document,
    search_terms,
)

INDEX = "test_search"


@pytest.fixture
def index(db: Database) -> Iterator[str]:
    """A fresh index; dropped afterwards, since the PostgreSQL cleanup only empties models."""
    with db.engine.begin() as connection:
        create_index(connection, INDEX)
        create_index(connection, INDEX)  # a second time does no harm
    yield INDEX
    with db.engine.begin() as connection:
        drop_index(connection, INDEX)


def add(db: Database, documents: dict[int, str]) -> None:
    with db.write() as session:
        for doc_id, text in documents.items():
            index_document(session, INDEX, doc_id, text)


def found(db: Database, query: str) -> set[int] | None:
    statement = matching_ids(INDEX, query, db.dialect)
    if statement is None:
        return None
    with db.read() as session:
        return set(session.connection().execute(statement).scalars())


# The terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Speeltuinen", "speeltuinen speeltuin"),  # Dutch stem
        ("Bomen", "bomen boom"),
        ("Écoles", "ecoles ecool ecol"),  # Dutch and French stems, then accents go
        ("hôpitaux", "hopitaux hopital"),
        ("straat straten Straat", "straat straten"),  # deduplicated, in order
        ("Été 2026: 3 parcs!", "ete 2026 3 parcs parc"),
        ("Plus d'écoles", "plus d ecoles ecool ecol"),
        ("speel_tuin fiets-pad", "speel tuin fiets fiet pad"),  # _ and - separate words
        ("e\u0301te\u0301", "ete"),  # decomposed accents
        ("ﬁets", "fiets fiet"),  # ligature
        ("", ""),
        ("  ?!., -- '' ", ""),
    ],
)
def test_search_terms(text: str, terms: str) -> None:
    assert search_terms(text) == terms


def test_search_terms_are_deterministic_and_skip_overlong_words() -> None:
    text = "Meer speeltuinen en écoles in de wijk " + "x" * 101
    assert search_terms(text) == search_terms(text)
    assert "xxx" not in search_terms(text)
    assert search_terms("y" * 100) == "y" * 100


def test_search_tables_are_recognised() -> None:
    for name in ("idea_search", "idea_search_data", "idea_search_idx", "idea_search_content"):
        assert is_search_table(name)
    for name in ("idea_search_docsize", "pact_search_config"):
        assert is_search_table(name)
    for name in ("ideas", "research", "idea_search_other", "users", "search"):
        assert not is_search_table(name)


def test_index_names_are_checked(db: Database) -> None:
    with pytest.raises(ValueError, match="_search"):
        matching_ids("ideas", "park", db.dialect)
    with db.engine.begin() as connection, pytest.raises(ValueError, match="_search"):
        create_index(connection, "x_search; DROP TABLE users")


# Searching, on both databases


def test_dutch_plurals_find_singulars_and_back(db: Database, index: str) -> None:
    add(
        db,
        {
            1: "Meer speeltuinen in de wijk",
            2: "De straten zijn te smal",
            3: "Bomen planten langs de Schelde",
            4: "Een bank in het park",
        },
    )
    assert found(db, "speeltuin") == {1}
    assert found(db, "Speeltuinen") == {1}
    assert found(db, "straat") == {2}
    assert found(db, "boom") == {3}
    assert found(db, "banken") == {4}


def test_french_plurals_and_accents_do_not_matter(db: Database, index: str) -> None:
    add(
        db,
        {
            1: "Plus d'écoles dans le quartier",
            2: "Un été sans voitures",
            3: "Des pistes cyclables",
            4: "Le nouvel hôpital",
            5: "Une ecole sans accent",
        },
    )
    assert found(db, "école") == {1, 5}
    assert found(db, "ECOLES") == {1, 5}
    assert found(db, "ete") == {2}
    assert found(db, "été voiture") == {2}
    assert found(db, "piste cyclable") == {3}
    assert found(db, "hopitaux") == {4}


def test_every_word_must_match(db: Database, index: str) -> None:
    add(db, {1: "Speeltuin bij de school", 2: "Speeltuin in het park", 3: "Het park"})
    assert found(db, "speeltuin park") == {2}
    assert found(db, "park speeltuinen") == {2}
    assert found(db, "park") == {2, 3}
    assert found(db, "speeltuin zwembad") == set()


def test_the_last_word_matches_as_a_prefix(db: Database, index: str) -> None:
    add(db, {1: "Meer speeltuinen", 2: "Nieuwe fietspaden", 3: "Een fietspad naar school"})
    assert found(db, "speelt") == {1}
    assert found(db, "fietsp") == {2, 3}
    assert found(db, "fietspad") == {2, 3}
    assert found(db, "school fiets") == {3}
    # Only the last word: the ones before it are complete.
    assert found(db, "speelt meer") == set()


def test_reindexing_replaces_the_terms(db: Database, index: str) -> None:
    add(db, {1: "Een fietspad", 2: "Een fietspad"})
    add(db, {1: "Een speeltuin"})
    assert found(db, "fietspad") == {2}
    assert found(db, "speeltuin") == {1}
    assert found(db, "een") == {1, 2}


def test_removed_documents_are_not_found(db: Database, index: str) -> None:
    add(db, {1: "Een fietspad", 2: "Een fietspad"})
    with db.write() as session:
        remove_document(session, INDEX, 1)
        remove_document(session, INDEX, 42)  # not in the index: nothing happens
    assert found(db, "fietspad") == {2}


def test_indexing_is_part_of_the_callers_transaction(db: Database, index: str) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        index_document(session, INDEX, 1, "Een fietspad")
        raise RuntimeError("the rest of the action failed")
    assert found(db, "fietspad") == set()


def test_matching_ids_filter_a_model(db: Database, index: str) -> None:
    with db.write() as session:
        users = [
            User(email=f"u{n}@example.org", display_name=f"U{n}", password_hash="x")
            for n in range(3)
        ]
        session.add_all(users)
        session.flush()
        ids = [user.id for user in users if user.id is not None]
        index_document(session, INDEX, ids[0], "speeltuin in het park")
        index_document(session, INDEX, ids[1], "school")
        index_document(session, INDEX, max(ids) + 100, "speeltuin zonder user")
    park, speeltuin = (
        matching_ids(INDEX, "park", db.dialect),
        matching_ids(INDEX, "speeltuin", db.dialect),
    )
    assert park is not None
    assert speeltuin is not None
    with db.read() as session:
        statement = select(User.id).where(col(User.id).in_(speeltuin))
        # ids[2] is not indexed, and the id without a user cannot appear.
        assert set(session.exec(statement).all()) == {ids[0]}
        # Two searches in one statement keep their own parameters.
        both = select(User.id).where(col(User.id).in_(speeltuin), col(User.id).in_(park))
        assert set(session.exec(both).all()) == {ids[0]}


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "?!., -- ''", "*", ":", "'", ")(", '"'])
def test_queries_without_words_filter_nothing(db: Database, query: str) -> None:
    assert matching_ids(INDEX, query, db.dialect) is None


@pytest.mark.parametrize(
    "query",
    [
        '" OR 1=1 --',
        "NEAR(",
        "NEAR(park school, 2)",
        "park AND school",
        "park OR",
        "NOT park",
        "-park",
        "park*",
        "^park",
        "terms:park",
        "park:*",
        "'park' & !school | (",
        "\\' park \\",
        '"park',
        "park)(",
        "park; DROP TABLE users; --",
        "{terms}: park",
        "park + school",
    ],
)
def test_hostile_queries_are_plain_words(db: Database, index: str, query: str) -> None:
    add(db, {1: "Speeltuin in het park", 2: "Een school"})
    result = found(db, query)
    assert result is None or result <= {1, 2}


def test_syntax_characters_around_words_are_ignored(db: Database, index: str) -> None:
    add(db, {1: "Speeltuin in het park", 2: "Een school"})
    assert found(db, '"park"') == {1}
    assert found(db, "park*") == {1}
    assert found(db, "(school)") == {2}
    assert found(db, "-park") == {1}
    # Operators are words like any other: nothing here contains "or".
    assert found(db, "park OR school") == set()
