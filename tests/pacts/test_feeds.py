"""The pacts CSV, read back with the csv module: every public pact newest first with the
overview's filters, signing dates, no drafts nor hidden pacts, no formulas."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.testclient import TestClient

from pacts import feeds
from pacts.models import Organisation
from participation.database import Database
from participation.models import User
from tests.helpers import Browser, set_visible, soup
from tests.pacts.conftest import advance, propose

BASE = "http://testserver"
FORMULA = '=HYPERLINK("http://evil.example","click")'
HOSTILE = '<script>alert(1)</script> "]]></title><x> &'


def _csv(client: TestClient, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="pacts.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_the_csv_lists_public_pacts_with_their_signatures(
    client: TestClient,
    db: Database,
    proposer: User,
    clerk: User,
    organisation: Organisation,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(feeds, "CSV_CHUNK", 1)  # every pact its own read
    signed = advance(
        db, propose(db, proposer, organisation_id=organisation.id), "active", clerk, proposer
    )
    formula = advance(
        db,
        propose(db, proposer, title=FORMULA, category="culture", latitude=None, longitude=None),
        "submitted",
        clerk,
        proposer,
    )
    hostile = advance(db, propose(db, proposer, title=HOSTILE), "submitted", clerk, proposer)
    hidden = advance(db, propose(db, proposer, title="Verborgen"), "submitted", clerk, proposer)
    propose(db, proposer, title="Nog een ontwerp")
    set_visible(db, "pact", hidden.id)
    rows = _csv(client, "/pacts.csv")
    assert [row["id"] for row in rows] == [str(hostile.id), str(formula.id), str(signed.id)]
    assert list(rows[0]) == [
        "id",
        "title",
        "status",
        "category",
        "organisation",
        "created_at",
        "city_signed_at",
        "proposer_signed_at",
        "starts_on",
        "ends_on",
        "latitude",
        "longitude",
        "url",
    ]
    assert rows[0]["title"] == HOSTILE
    assert rows[1]["title"] == "'" + FORMULA
    assert (rows[1]["latitude"], rows[1]["longitude"], rows[1]["city_signed_at"]) == ("", "", "")
    assert rows[1]["category"] == "culture"
    active = rows[2]
    assert active["status"] == "active"
    assert active["organisation"] == "Buurtcomité Zuid"
    assert signed.city_signed_at is not None
    assert signed.proposer_signed_at is not None
    assert active["city_signed_at"] == signed.city_signed_at.isoformat()
    assert active["proposer_signed_at"] == signed.proposer_signed_at.isoformat()
    assert (active["starts_on"], active["ends_on"]) == ("2030-04-01", "2030-09-30")
    assert (active["latitude"], active["longitude"]) == ("51.05", "3.72")
    assert active["url"] == f"{BASE}/pacts/{signed.id}"
    assert active["created_at"].endswith("+00:00")
    # The overview's filters apply; its page cursor and unknown values do not.
    assert [r["id"] for r in _csv(client, "/pacts.csv?category=culture")] == [str(formula.id)]
    assert [r["id"] for r in _csv(client, "/pacts.csv?status=active")] == [str(signed.id)]
    assert len(_csv(client, f"/pacts.csv?cursor={hostile.id}&status=bogus")) == 3


def test_the_list_page_links_the_csv_with_its_filters(browser: Browser) -> None:
    page = soup(browser.get("/pacts?category=culture&status=active"))
    links = {a.get_text(strip=True): a["href"] for a in page.select(".feed-links a")}
    assert links == {"Download (CSV)": "/pacts.csv?category=culture&status=active"}
    plain = soup(browser.get("/pacts"))
    assert [a["href"] for a in plain.select(".feed-links a")] == ["/pacts.csv"]
