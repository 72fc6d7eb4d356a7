"""The overview pages: the list with filters and keyset pages, the map page (markers come
from the API; the same pacts are listed below the map without JavaScript), the statistics."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from pacts import actions, queries
from pacts.content import progress_url
from pacts.forms import ProgressDraft
from pacts.models import Pact
from participation.database import Database
from participation.models import User
from tests.helpers import select_one, soup
from tests.pacts.conftest import advance, propose

HOSTILE = "<script>alert(1)</script>"


def submitted(db: Database, proposer: User, clerk: User, **fields: Any) -> Pact:
    return advance(db, propose(db, proposer, **fields), "submitted", clerk, proposer)


def listed(client: TestClient, url: str) -> list[str]:
    return [a.get_text() for a in soup(client.get(url)).select(".pact-card__title a")]


def test_the_list_shows_public_pacts_with_status_and_category(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    pact = submitted(db, proposer, clerk, title=HOSTILE, category="culture")
    propose(db, proposer, title="Een ontwerp")
    response = client.get("/pacts", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert HOSTILE not in response.text  # escaped, never markup
    card = select_one(response, ".pact-card")
    link = card.select_one(".pact-card__title a")
    assert link is not None
    assert link.get_text() == HOSTILE
    assert link["href"] == f"/pacts/{pact.id}"
    status = card.select_one(".pact-status")
    assert status is not None
    assert "Submitted" in status.get_text()  # the status in words, not only a colour
    assert "Culture" in card.get_text()
    assert "Ann" in card.get_text()
    assert listed(client, "/pacts") == [HOSTILE]


def test_filters_keep_their_choice_and_link_to_the_map(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    submitted(db, proposer, clerk, title="Groen", category="green_space")
    submitted(db, proposer, clerk, title="Cultuur", category="culture")
    response = client.get("/pacts?category=culture&status=submitted")
    assert listed(client, "/pacts?category=culture&status=submitted") == ["Cultuur"]
    chosen = select_one(response, "#filter-category option[selected]")
    assert chosen["value"] == "culture"
    assert select_one(response, "label[for=filter-status]")
    map_link = select_one(response, "a[href^='/pacts/map']")
    assert map_link["href"] == "/pacts/map?category=culture&status=submitted"
    # A stale or hostile filter is ignored rather than an error.
    assert listed(client, "/pacts?category=%3Cb%3E&status=draft&cursor=x") == ["Cultuur", "Groen"]


def test_empty_states(client: TestClient, db: Database, proposer: User, clerk: User) -> None:
    assert (
        "No collaboration pacts yet"
        in select_one(client.get("/pacts", headers={"Accept-Language": "en"}), ".empty").get_text()
    )
    submitted(db, proposer, clerk)
    filtered = client.get("/pacts?category=graffiti", headers={"Accept-Language": "en"})
    assert "No pacts match these filters" in select_one(filtered, ".empty").get_text()


def test_more_pacts_follow_a_keyset_link(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    for number in range(queries.PAGE_SIZE + 2):
        submitted(db, proposer, clerk, title=f"Pact {number}")
    first = client.get("/pacts?category=green_space")
    assert len(soup(first).select(".pact-card")) == queries.PAGE_SIZE
    more = select_one(first, "a[rel=next]")
    assert str(more["href"]).startswith("/pacts?category=green_space&cursor=")
    second = client.get(str(more["href"]))
    assert [a.get_text() for a in soup(second).select(".pact-card__title a")] == [
        "Pact 1",
        "Pact 0",
    ]
    assert soup(second).select_one("a[rel=next]") is None


def test_the_map_page_has_a_legend_the_data_source_and_the_list(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    submitted(db, proposer, clerk, title=HOSTILE, category="culture")
    response = client.get("/pacts/map?category=culture", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert HOSTILE not in response.text
    box = select_one(response, "[data-pacts-map]")
    assert box["data-source"] == "/api/v1/pacts?category=culture&limit=100"
    assert box["aria-label"]
    assert box.select_one(".map__fallback") is not None
    legend = soup(response).select(".pact-legend [data-stage]")
    assert [item["data-stage"] for item in legend] == [
        "proposal",
        "consultation",
        "active",
        "completed",
        "closed",
    ]
    for item in legend:
        symbol = item.select_one(".pact-marker")
        assert symbol is not None
        assert symbol.get_text().strip()  # a shape and symbol beside the colour
        assert item.get_text().replace(symbol.get_text(), "").strip()  # and a name
    covered = {s for item in legend for s in str(item["data-statuses"]).split()}
    assert covered == set(queries.PUBLIC_STATUSES)
    # Without JavaScript, the same pacts are listed below the map.
    assert [a.get_text() for a in soup(response).select(".pact-card__title a")] == [HOSTILE]
    scripts = soup(response).select("script")
    assert all(script.get("src") for script in scripts)  # no inline script (CSP)
    assert "/static/js/pact-map.js" in [script["src"] for script in scripts]


def test_statistics_are_tables_with_captions(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    submitted(db, proposer, clerk, category="culture")
    active = advance(db, propose(db, proposer), "active", clerk, proposer)
    assert active.id is not None
    with db.write() as session:
        actions.do_report_progress(session, active.id, proposer, ProgressDraft("Gedaan", 7), [])
    response = client.get("/pacts/statistics", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    tables = soup(response).select("table")
    assert len(tables) == 3
    for table in tables:
        caption = table.select_one("caption")
        assert caption is not None
        assert caption.get_text().strip()
    by_status = {
        row.select_one("th").get_text(): row.select_one("td").get_text()  # type: ignore[union-attr]
        for row in soup(response).select("#pacts-by-status tbody tr")
    }
    assert by_status["Submitted"] == "1"
    assert by_status["Active"] == "1"
    assert by_status["Rejected"] == "0"
    culture = select_one(response, "#pacts-by-category a[href='/pacts?category=culture']")
    assert culture.find_parent("tr").select_one("td").get_text() == "1"  # type: ignore[union-attr]
    involvement = [td.get_text() for td in soup(response).select("#pact-involvement td")]
    assert involvement == ["2", "1", "0", "1", "7"]


def test_a_progress_report_address_leads_to_its_place_on_the_pact_page(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    """The content registry links a report by its id (pacts.content.progress_url)."""
    pact = advance(db, propose(db, proposer), "active", clerk, proposer)
    assert pact.id is not None
    with db.write() as session:
        report = actions.do_report_progress(session, pact.id, proposer, ProgressDraft("Ok"), [])
    response = client.get(progress_url(report.id or 0))
    assert response.status_code == 303
    assert response.headers["location"] == f"/pacts/{pact.id}#progress-{report.id}"
    assert client.get("/pacts/progress/9999").status_code == 404
