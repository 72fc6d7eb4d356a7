"""Organisations through HTTP: create one, its page with its pacts, members added and removed."""

from __future__ import annotations

from pacts.models import Organisation, Pact
from participation.database import Database
from participation.models import User
from tests.helpers import HOSTILE, Browser, field_error, select_one, soup
from tests.pacts.conftest import advance, propose


def test_create_an_organisation(browser: Browser, proposer: User) -> None:
    browser.get("/organisations")
    assert select_one(browser.get("/organisations"), "main a[href^='/login']")
    browser.login("ann@example.be")
    page = browser.get("/organisations")
    assert select_one(page, "label[for='field-name']")
    assert select_one(page, "select#field-kind option[value='school']")
    bad = browser.post("/organisations", {"name": "", "kind": "club", "description": "Wij"})
    assert bad.status_code == 400
    assert field_error(bad, "name")
    assert field_error(bad, "kind")
    assert select_one(bad, "#field-description").get_text() == "Wij"
    response = browser.post("/organisations", {"name": "Buurtcomité", "kind": "association"})
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert select_one(page, "h1").get_text() == "Buurtcomité"
    assert [li.get_text(strip=True) for li in soup(page).select(".member__name")] == ["Ann"]
    mine = browser.get("/organisations")
    assert select_one(mine, ".organisation-list a").get_text() == "Buurtcomité"


def test_members_add_and_remove_members(
    browser: Browser, db: Database, organisation: Organisation, neighbour: User, clerk: User
) -> None:
    path = f"/organisations/{organisation.id}"
    browser.login("bob@example.be")
    assert not soup(browser.get(path)).select("form[action$='/members']")
    refused = browser.post(f"{path}/members", {"email": "bob@example.be"})
    assert refused.status_code == 403
    browser.login("ann@example.be")
    page = browser.get(path)
    assert select_one(page, "label[for='field-email']")
    bad = browser.post(f"{path}/members", {"email": "geen-adres"})
    assert bad.status_code == 400
    assert field_error(bad, "email")
    assert select_one(bad, "#field-email")["value"] == "geen-adres"
    unknown = browser.post(f"{path}/members", {"email": "nobody@example.be"})
    assert unknown.status_code == 404
    assert browser.post(f"{path}/members", {"email": "bob@example.be"}).status_code == 303
    names = [li.get_text(strip=True) for li in soup(browser.get(path)).select(".member__name")]
    assert names == ["Ann", "Bob"]
    # Removing asks for confirmation first.
    assert select_one(
        browser.get(path), f"details.confirm form[action$='/members/{neighbour.id}/remove']"
    )
    assert browser.post(f"{path}/members/{neighbour.id}/remove").status_code == 303
    last = browser.post(f"{path}/members/{organisation.created_by_id}/remove")
    assert last.status_code == 409


def test_a_member_co_manages_the_organisations_pacts(
    browser: Browser,
    db: Database,
    organisation: Organisation,
    proposer: User,
    neighbour: User,
    clerk: User,
) -> None:
    pact = propose(db, proposer, organisation_id=organisation.id)
    browser.login("ann@example.be")
    browser.get(f"/organisations/{organisation.id}")
    browser.post(f"/organisations/{organisation.id}/members", {"email": "bob@example.be"})
    browser.login("bob@example.be")
    assert browser.get(f"/pacts/{pact.id}").status_code == 200
    assert browser.post(f"/pacts/{pact.id}/submit").status_code == 303
    page = browser.get(f"/organisations/{organisation.id}")
    assert select_one(page, f".pact-card a[href='/pacts/{pact.id}']")


def test_drafts_stay_off_the_organisation_page(
    browser: Browser, db: Database, organisation: Organisation, proposer: User
) -> None:
    pact: Pact = propose(db, proposer, organisation_id=organisation.id)
    page = browser.get(f"/organisations/{organisation.id}")
    assert not soup(page).select(f"a[href='/pacts/{pact.id}']")
    assert browser.get("/organisations/999").status_code == 404


def test_hostile_names_are_escaped(
    browser: Browser, db: Database, proposer: User, clerk: User
) -> None:
    browser.login("ann@example.be")
    browser.get("/organisations")
    response = browser.post(
        "/organisations",
        {"name": HOSTILE[:120], "kind": "school", "description": HOSTILE},
    )
    assert response.status_code == 303
    organisation_id = int(response.headers["location"].rsplit("/", 1)[1])
    pact = propose(db, proposer, title=HOSTILE[:150], organisation_id=organisation_id)
    advance(db, pact, "submitted", clerk, proposer)
    for path in (f"/organisations/{organisation_id}", "/organisations", "/pacts/new"):
        page = soup(browser.get(path))
        assert page.find("script", string="alert(1)") is None, path
        assert page.find("img", attrs={"src": "x"}) is None, path
        assert not page.select("main [hx-post='/logout']"), path
        assert len(page.select("#main")) == 1, path
