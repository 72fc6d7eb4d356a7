"""The proposal form, the pact page, editing, submitting and following, through HTTP."""

from __future__ import annotations

from sqlmodel import select

from pacts.models import Organisation, Pact, PactResource
from participation.database import Database
from participation.models import User
from participation.visibility import Visibility, set_visibility
from tests.helpers import (
    HOSTILE,
    Browser,
    create_user,
    field_error,
    flashes,
    in_english,
    jpeg,
    select_one,
    soup,
)
from tests.pacts.conftest import advance, propose

PROPOSAL = {
    "title": "Geveltuinen in de Stationsstraat",
    "description": "We leggen **geveltuintjes** aan.",
    "category": "green_space",
    "latitude": "51,0543",
    "longitude": "3.7174",
    "starts_on": "2030-04-01",
    "ends_on": "2030-09-30",
    "commitments": "Wij gieten elke week.",
    "resources_requested": "materials: plantgoed en aarde\nbudget: € 300 voor gereedschap",
}


def test_the_form_has_every_field_with_a_label(browser: Browser, proposer: User) -> None:
    browser.login("ann@example.be")
    page = in_english(browser).get("/pacts/new")
    assert page.status_code == 200
    form = select_one(page, "form[action='/pacts'][enctype='multipart/form-data']")
    for name in (
        "title",
        "description",
        "category",
        "latitude",
        "longitude",
        "starts_on",
        "ends_on",
        "commitments",
        "resources_requested",
        "photos",
    ):
        field = form.select_one(f"[name='{name}']")
        assert field is not None, name
        assert form.select_one(f"label[for='{field['id']}']"), name
    # Without organisations there is nothing to choose on behalf of.
    assert form.select_one("[name='organisation_id']") is None
    kinds = select_one(page, ".resource-kinds").get_text(" ", strip=True)
    assert "Technical advice" in kinds
    assert "Budget" in kinds
    assert select_one(page, "[data-map-picker]").has_attr("hidden")


def test_a_visitor_is_sent_to_log_in(browser: Browser) -> None:
    response = browser.get("/pacts/new")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_propose_a_pact_with_a_place_and_a_photo(
    browser: Browser, db: Database, proposer: User
) -> None:
    browser.login("ann@example.be")
    browser.get("/pacts/new")
    response = browser.post(
        "/pacts", PROPOSAL, files={"photos": ("tuin.jpg", jpeg(), "image/jpeg")}
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/pacts/")
    page = in_english(browser).get(response.headers["location"])
    assert select_one(page, "h1").get_text() == PROPOSAL["title"]
    assert select_one(page, ".pact__meta .status").get_text() == "Draft"
    assert select_one(page, ".pact__draft")
    assert select_one(page, ".pact__body strong").get_text() == "geveltuintjes"
    assert select_one(page, "[data-idea-map]")["data-lat"] == "51.0543"
    resources = [li.get_text(" ", strip=True) for li in soup(page).select(".resource")]
    assert len(resources) == 2
    assert "plantgoed en aarde" in resources[0]
    photo = select_one(page, ".photos img")
    assert browser.get(str(photo["src"])).headers["content-type"] == "image/webp"
    assert select_one(page, "form[action$='/submit'] button")
    assert "Period" in select_one(page, ".pact-facts").get_text()


def test_errors_keep_the_text_and_ask_for_the_photos_again(
    browser: Browser, proposer: User
) -> None:
    browser.login("ann@example.be")
    in_english(browser).get("/pacts/new")
    response = browser.post(
        "/pacts",
        {
            **PROPOSAL,
            "title": "x" * 151,
            "latitude": "95",
            "ends_on": "2030-01-01",
            "resources_requested": "budget:",
            "organisation_id": "999",
        },
        files={"photos": ("tuin.jpg", jpeg(), "image/jpeg")},
    )
    assert response.status_code == 400
    for name in ("title", "latitude", "ends_on", "resources_requested", "organisation_id"):
        assert field_error(response, name), name
    assert select_one(response, "#field-title")["value"] == "x" * 151
    assert select_one(response, "#field-description").get_text() == PROPOSAL["description"]
    assert select_one(response, "#field-resources_requested").get_text() == "budget:"
    assert select_one(response, "#field-photos-help .photos-again")
    assert select_one(response, ".error-summary a[href='#field-title']")


def test_a_bad_photo_is_refused_with_a_message(browser: Browser, proposer: User) -> None:
    browser.login("ann@example.be")
    browser.get("/pacts/new")
    response = browser.post(
        "/pacts", PROPOSAL, files={"photos": ("fake.jpg", b"\xff\xd8\xff nope", "image/jpeg")}
    )
    assert response.status_code == 400
    assert field_error(response, "photos")
    assert select_one(response, "#field-title")["value"] == PROPOSAL["title"]


def test_an_unverified_account_cannot_propose(browser: Browser, db: Database) -> None:
    create_user(db, email="new@example.be", verified=False)
    browser.login("new@example.be")
    assert browser.get("/pacts/new").status_code == 403
    browser.get("/")
    assert browser.post("/pacts", PROPOSAL).status_code == 403


def test_propose_for_an_organisation(
    browser: Browser, db: Database, proposer: User, organisation: Organisation
) -> None:
    browser.login("ann@example.be")
    form = browser.get("/pacts/new")
    option = select_one(form, f"#field-organisation_id option[value='{organisation.id}']")
    assert option.get_text() == "Buurtcomité Zuid"
    response = browser.post("/pacts", {**PROPOSAL, "organisation_id": str(organisation.id)})
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert select_one(page, f".pact__byline a[href='/organisations/{organisation.id}']")
    assert "Buurtcomité Zuid" in select_one(page, ".pact__byline").get_text()


def test_a_draft_is_seen_by_its_proposers_and_clerks_only(
    browser: Browser, db: Database, pact: Pact, neighbour: User, clerk: User
) -> None:
    assert browser.get(f"/pacts/{pact.id}").status_code == 404
    browser.login("bob@example.be")
    assert browser.get(f"/pacts/{pact.id}").status_code == 404
    assert browser.get(f"/pacts/{pact.id}/text").status_code == 404
    browser.login("greet@example.be")
    page = browser.get(f"/pacts/{pact.id}")
    assert page.status_code == 200
    # The clerk reads the draft but takes no step on it yet.
    assert not soup(page).select(".pact-actions form")


def test_edit_a_draft_keeps_and_changes_the_proposal(
    browser: Browser, db: Database, pact: Pact
) -> None:
    browser.login("ann@example.be")
    form = browser.get(f"/pacts/{pact.id}/edit")
    assert select_one(form, "#field-title")["value"] == pact.title
    resources = select_one(form, "#field-resources_requested").get_text()
    assert "Plantgoed en aarde" in resources
    bad = browser.post(f"/pacts/{pact.id}/edit", {**PROPOSAL, "title": ""})
    assert bad.status_code == 400
    assert field_error(bad, "title")
    assert select_one(bad, "#field-commitments").get_text() == PROPOSAL["commitments"]
    response = browser.post(
        f"/pacts/{pact.id}/edit",
        {**PROPOSAL, "title": "Nieuwe titel", "resources_requested": "space: een lokaal"},
    )
    assert response.status_code == 303
    with db.read() as session:
        stored = session.get(Pact, pact.id)
        kinds = [r.kind for r in session.exec(select(PactResource))]
    assert stored is not None
    assert stored.title == "Nieuwe titel"
    assert kinds == ["space"]


def test_editing_is_refused_to_others_and_after_submission(
    browser: Browser, db: Database, pact: Pact, neighbour: User, clerk: User, proposer: User
) -> None:
    browser.login("bob@example.be")
    assert browser.get(f"/pacts/{pact.id}/edit").status_code == 404
    advance(db, pact, "submitted", clerk, proposer)
    assert browser.post(f"/pacts/{pact.id}/edit", PROPOSAL).status_code == 403
    browser.login("ann@example.be")
    refused = in_english(browser).get(f"/pacts/{pact.id}/edit")
    assert refused.status_code == 409
    assert "Submitted" in refused.text
    advance(db, pact, "active", clerk, proposer)
    signed = browser.post(f"/pacts/{pact.id}/edit", PROPOSAL)
    assert signed.status_code == 409
    assert "signed" in signed.text


def test_submit_makes_the_pact_public(
    browser: Browser, db: Database, pact: Pact, neighbour: User
) -> None:
    browser.login("bob@example.be")
    assert browser.post(f"/pacts/{pact.id}/submit").status_code == 404
    browser.login("ann@example.be")
    response = browser.post(f"/pacts/{pact.id}/submit")
    assert response.status_code == 303
    assert flashes(browser.get(response.headers["location"]))
    again = in_english(browser).post(f"/pacts/{pact.id}/submit")
    assert again.status_code == 409
    assert "take it for assessment" in again.text
    browser.client.cookies.clear()
    page = in_english(browser).get(f"/pacts/{pact.id}")
    assert page.status_code == 200
    steps = [li.get_text(" ", strip=True) for li in soup(page).select("#timeline li")]
    assert any("Submitted" in step and "By Ann" in step for step in steps)
    assert not soup(page).select(".pact-actions form")
    assert select_one(page, ".pact-actions a[href^='/login']")


def test_follow_and_unfollow_with_and_without_htmx(
    browser: Browser, db: Database, pact: Pact, neighbour: User, clerk: User, proposer: User
) -> None:
    advance(db, pact, "submitted", clerk, proposer)
    browser.login("bob@example.be")
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, "#follow button")["aria-pressed"] == "false"
    response = browser.client.post(
        f"/pacts/{pact.id}/follow",
        headers={"X-CSRF-Token": browser.csrf_token, "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert select_one(response, "#follow button")["aria-pressed"] == "true"
    assert select_one(response, "#follow form")["hx-post"] == f"/pacts/{pact.id}/unfollow"
    assert browser.post(f"/pacts/{pact.id}/unfollow").status_code == 303
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, "#follow button")["aria-pressed"] == "false"


def test_a_draft_cannot_be_followed_by_others(
    browser: Browser, pact: Pact, neighbour: User
) -> None:
    browser.login("bob@example.be")
    assert browser.post(f"/pacts/{pact.id}/follow").status_code == 404


def test_hostile_text_is_harmless_everywhere(
    browser: Browser, db: Database, proposer: User, clerk: User, organisation: Organisation
) -> None:
    hostile = propose(
        db,
        proposer,
        title=HOSTILE[:150],
        description=HOSTILE,
        commitments=HOSTILE,
        organisation_id=organisation.id,
    )
    with db.write() as session:
        found = session.get(Organisation, organisation.id)
        assert found is not None
        found.name = HOSTILE[:120]
        for resource in session.exec(select(PactResource)):
            resource.description = HOSTILE
            session.add(resource)
        session.add(found)
    browser.login("ann@example.be")
    for path in (f"/pacts/{hostile.id}", f"/pacts/{hostile.id}/edit", "/pacts/new"):
        page = soup(browser.get(path))
        assert page.find("script", string="alert(1)") is None, path
        assert page.find("img", attrs={"src": "x"}) is None, path
        assert not page.select("main [hx-post='/logout']"), path
        assert len(page.select("#main")) == 1, path
    edit = browser.get(f"/pacts/{hostile.id}/edit")
    assert HOSTILE[:150] == select_one(edit, "#field-title")["value"]


def test_a_hidden_pact_is_a_placeholder_for_the_public(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User, neighbour: User
) -> None:
    advance(db, pact, "submitted", clerk, proposer)
    assert pact.id is not None
    with db.write() as session:
        set_visibility(session, "pact", pact.id, Visibility.hidden, "spam")
    browser.login("bob@example.be")
    page = in_english(browser).get(f"/pacts/{pact.id}")
    assert page.status_code == 200
    assert select_one(page, "article.pact--hidden h1")
    assert pact.title not in page.text
    assert browser.get(f"/pacts/{pact.id}/text").status_code == 404
    browser.login("ann@example.be")
    own = in_english(browser).get(f"/pacts/{pact.id}")
    assert select_one(own, "h1").get_text() == pact.title
    assert select_one(own, ".moderation-note")
    assert not soup(own).select("#follow, .report-link[aria-label='Report this pact']")


def test_the_report_button_is_for_others_than_the_author(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User, neighbour: User
) -> None:
    advance(db, pact, "submitted", clerk, proposer)
    browser.login("bob@example.be")
    link = select_one(browser.get(f"/pacts/{pact.id}"), ".report a.report-link")
    assert f"content_id={pact.id}" in str(link["href"])
    assert "content_type=pact" in str(link["href"])
    browser.login("ann@example.be")
    assert not soup(browser.get(f"/pacts/{pact.id}")).select(".report a.report-link")


def test_an_unknown_pact_is_not_found(browser: Browser) -> None:
    assert browser.get("/pacts/999").status_code == 404
