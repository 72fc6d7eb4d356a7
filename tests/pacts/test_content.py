"""Pacts and progress reports in the content registry, and what moderation's hiding does
through it: a hidden pact leaves the list, the map (its data and the list below it), the
statistics and the API, and comes back when it is shown again."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.testclient import TestClient

from pacts import actions
from pacts.content import PROGRESS
from pacts.forms import ProgressDraft
from pacts.models import Pact, ProgressReport
from participation.content import moderatable
from participation.database import Database
from participation.models import User
from participation.visibility import Visibility, set_visibility
from tests.helpers import soup
from tests.pacts.conftest import advance, propose


def test_pacts_are_registered_content_with_a_discussion(
    app: Starlette, db: Database, proposer: User
) -> None:
    pact = propose(db, proposer, title="Bloembakken", description="Aan het plein.")
    registered = moderatable("pact")
    assert registered is not None
    assert registered.model is Pact
    assert registered.has_discussion
    assert registered.text is not None
    assert pact.id is not None
    with db.read() as session:
        assert registered.title(session, pact.id) == "Bloembakken"
        assert registered.title(session, 9999) is None
        text = registered.text(session, pact.id)
    assert text.startswith("Bloembakken\n\nAan het plein.")
    assert registered.url(pact.id) == f"/pacts/{pact.id}"
    assert registered.label()


def test_progress_reports_are_registered_content(
    app: Starlette, db: Database, proposer: User, clerk: User
) -> None:
    pact = advance(db, propose(db, proposer), "active", clerk, proposer)
    assert pact.id is not None
    body = "De **eerste** bakken staan er, " + "en de buren helpen mee " * 10
    with db.write() as session:
        report = actions.do_report_progress(session, pact.id, proposer, ProgressDraft(body), [])
    assert report.id is not None
    registered = moderatable(PROGRESS)
    assert registered is not None
    assert registered.model is ProgressReport
    assert not registered.has_discussion
    assert registered.text is not None
    with db.read() as session:
        title = registered.title(session, report.id)
        assert registered.text(session, report.id) == body
        assert registered.title(session, 9999) is None
    assert title is not None
    assert title.startswith("De eerste bakken staan er")
    assert len(title) <= 80
    assert registered.url(report.id) == f"/pacts/progress/{report.id}"


def _seen(client: TestClient, title: str) -> dict[str, bool]:
    """Where the pact shows up, as the public and machines see it."""

    def titles(url: str) -> list[str]:
        return [a.get_text() for a in soup(client.get(url)).select(".pact-card__title a")]

    features = client.get("/api/v1/pacts").json()["features"]
    statistics = soup(client.get("/pacts/statistics")).select_one("#pact-involvement td")
    assert statistics is not None
    return {
        "list": title in titles("/pacts"),
        "map list": title in titles("/pacts/map"),
        "map data": title in [f["properties"]["title"] for f in features],
        "statistics": statistics.get_text() == "1",
    }


def test_a_hidden_pact_disappears_everywhere_and_comes_back(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    pact = advance(db, propose(db, proposer, title="Verborgen pact"), "submitted", clerk, proposer)
    assert pact.id is not None
    everywhere = dict.fromkeys(("list", "map list", "map data", "statistics"), True)
    assert _seen(client, "Verborgen pact") == everywhere
    for visibility in (Visibility.hidden, Visibility.held, Visibility.auto_hidden):
        with db.write() as session:
            set_visibility(session, "pact", pact.id, visibility, "spam")
        assert _seen(client, "Verborgen pact") == dict.fromkeys(everywhere, False)
        assert client.get(f"/api/v1/pacts/{pact.id}").status_code == 404
    with db.write() as session:
        set_visibility(session, "pact", pact.id, Visibility.public, None)
    assert _seen(client, "Verborgen pact") == everywhere
    assert client.get(f"/api/v1/pacts/{pact.id}").status_code == 200


def test_a_hidden_progress_report_leaves_the_statistics(
    client: TestClient, db: Database, proposer: User, clerk: User
) -> None:
    pact = advance(db, propose(db, proposer), "active", clerk, proposer)
    assert pact.id is not None
    with db.write() as session:
        report = actions.do_report_progress(session, pact.id, proposer, ProgressDraft("X", 9), [])
        set_visibility(session, PROGRESS, report.id or 0, Visibility.hidden, "spam")
    page = soup(client.get("/pacts/statistics"))
    cells = [td.get_text() for td in page.select("#pact-involvement td")]
    assert cells[3:] == ["0", "0"]  # no report, no hours
