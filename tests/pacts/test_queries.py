"""Reading pacts: the public list with filters and keyset pages, the map's points in a
bounding box, one public pact, and the statistics; drafts are never shown."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from pacts import actions, organisations, queries
from pacts.forms import ProgressDraft
from pacts.models import Organisation, Pact
from participation.database import Database
from participation.models import User
from tests.helpers import create_user
from tests.pacts.conftest import advance, propose


def submitted(db: Database, proposer: User, clerk: User, **fields: Any) -> Pact:
    """A proposal as the public first sees it: submitted."""
    return advance(db, propose(db, proposer, **fields), "submitted", clerk, proposer)


def listed_titles(db: Database, flt: queries.PactFilter, limit: int = 20) -> list[str]:
    with db.read() as session:
        return [p.title for p in queries.list_pacts(session, flt, limit).pacts]


def test_the_list_shows_public_pacts_newest_first_in_keyset_pages(
    db: Database, proposer: User, clerk: User
) -> None:
    propose(db, proposer, title="Nog een ontwerp")
    for number in range(5):
        submitted(db, proposer, clerk, title=f"Pact {number}")
    seen: list[str] = []
    flt = queries.PactFilter()
    for _ in range(3):
        with db.read() as session:
            page = queries.list_pacts(session, flt, limit=2)
        seen += [p.title for p in page.pacts]
        if page.next_cursor is None:
            break
        flt = queries.PactFilter(cursor=page.next_cursor)
    assert seen == ["Pact 4", "Pact 3", "Pact 2", "Pact 1", "Pact 0"]
    assert page.next_cursor is None
    assert page.proposers == {proposer.id: "Ann"}


def test_filters_by_category_and_status(db: Database, proposer: User, clerk: User) -> None:
    submitted(db, proposer, clerk, title="Groen", category="green_space")
    submitted(db, proposer, clerk, title="Cultuur", category="culture")
    assessed = submitted(db, proposer, clerk, title="In behandeling", category="culture")
    advance(db, assessed, "in_assessment", clerk, proposer)
    assert listed_titles(db, queries.PactFilter(category="culture")) == [
        "In behandeling",
        "Cultuur",
    ]
    assert listed_titles(db, queries.PactFilter(status="submitted")) == ["Cultuur", "Groen"]
    both = queries.PactFilter(category="culture", status="in_assessment")
    assert listed_titles(db, both) == ["In behandeling"]
    assert listed_titles(db, queries.PactFilter(category="graffiti")) == []


def test_the_organisation_names_the_proposers(
    db: Database, proposer: User, clerk: User, organisation: Organisation
) -> None:
    submitted(db, proposer, clerk, organisation_id=organisation.id)
    with db.read() as session:
        page = queries.list_pacts(session, queries.PactFilter())
    assert page.organisations == {organisation.id: "Buurtcomité Zuid"}


def test_map_points_are_located_public_pacts_inside_the_box(
    db: Database, proposer: User, clerk: User
) -> None:
    submitted(db, proposer, clerk, title="Gent", latitude=51.05, longitude=3.72)
    submitted(db, proposer, clerk, title="Brussel", latitude=50.85, longitude=4.35)
    submitted(db, proposer, clerk, title="Nergens", latitude=None, longitude=None)
    propose(db, proposer, title="Ontwerp in Gent", latitude=51.05, longitude=3.72)
    with db.read() as session:
        everywhere = queries.map_points(session, queries.PactFilter(), None, 10)
        ghent = queries.map_points(session, queries.PactFilter(), (3.6, 51.0, 3.8, 51.1), 10)
        nowhere = queries.map_points(session, queries.PactFilter(), (5.0, 50.0, 5.1, 50.1), 10)
        other = queries.map_points(session, queries.PactFilter(category="culture"), None, 10)
    assert [p.title for p in everywhere] == ["Brussel", "Gent"]
    [point] = ghent
    assert (point.title, point.latitude, point.longitude) == ("Gent", 51.05, 3.72)
    assert point.description_start.startswith("We leggen geveltuintjes aan")
    assert nowhere == []
    assert other == []


def test_a_draft_is_not_a_public_pact(db: Database, proposer: User, clerk: User) -> None:
    draft = propose(db, proposer)
    public = submitted(db, proposer, clerk)
    assert draft.id is not None
    assert public.id is not None
    with db.read() as session:
        assert queries.public_pact(session, draft.id) is None
        found = queries.public_pact(session, public.id)
        assert found is not None
        assert found.id == public.id
        assert queries.public_pact(session, 9999) is None


def test_statistics_count_pacts_people_reports_and_hours(
    db: Database, proposer: User, neighbour: User, clerk: User, organisation: Organisation
) -> None:
    assert organisation.id is not None
    with db.write() as session:
        organisations.do_add_member(session, organisation.id, proposer, "bob@example.be")
    create_user(db, email="cas@example.be", name="Cas")  # not involved in any pact
    propose(db, proposer, title="Ontwerp")  # a draft counts nowhere
    submitted(db, proposer, clerk, category="culture")
    active = advance(
        db,
        propose(db, proposer, organisation_id=organisation.id),
        "active",
        clerk,
        proposer,
    )
    assert active.id is not None
    with db.write() as session:
        actions.do_report_progress(session, active.id, proposer, ProgressDraft("Geplant", 12), [])
        actions.do_report_progress(session, active.id, clerk, ProgressDraft("Aarde", None), [])
    with db.read() as session:
        stats = queries.statistics(session)
    assert stats.total == 2
    assert stats.by_status["submitted"] == 1
    assert stats.by_status["active"] == 1
    assert "draft" not in stats.by_status
    assert stats.by_category["culture"] == 1
    assert stats.by_category["green_space"] == 1
    assert stats.by_category["graffiti"] == 0
    assert stats.by_category_status == {("culture", "submitted"): 1, ("green_space", "active"): 1}
    assert stats.residents == 2  # Ann proposed, Bob is a member of her organisation
    assert stats.organisations == 1
    assert stats.reports == 2
    assert stats.hours == 12


def test_an_empty_municipality_has_zero_everywhere(db: Database) -> None:
    with db.read() as session:
        stats = queries.statistics(session)
    assert stats.total == stats.residents == stats.organisations == stats.reports == 0
    assert stats.hours == 0
    assert set(stats.by_status.values()) == {0}


def _plan(db: Database, statement: Any) -> str:
    with db.read() as session:
        compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        return " / ".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_hot_paths_read_indexes_in_order(db: Database) -> None:
    """No page sorts or counts the table: the box reads ix_pacts_place, a filtered list
    reads its filter's index from the cursor on."""
    box = queries.points_statement(queries.PactFilter(), (3.6, 51.0, 3.8, 51.1), 101)
    assert "ix_pacts_place" in _plan(db, box)
    for flt, index in [
        (queries.PactFilter(status="active", cursor="500"), "ix_pacts_status"),
        (queries.PactFilter(category="culture", cursor="500"), "ix_pacts_category"),
    ]:
        plan = _plan(db, queries.list_statement(flt, 21))
        assert index in plan
        assert "TEMP B-TREE" not in plan
