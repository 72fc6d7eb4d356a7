"""Every lifecycle step through HTTP, as each role uses it, with its refusals; the printable
pact text."""

from __future__ import annotations

from sqlmodel import col, select

from pacts.models import Pact, PactResource
from participation.database import Database
from participation.models import Role, User
from tests.helpers import HOSTILE, Browser, create_user, in_english, jpeg, select_one, soup
from tests.pacts.conftest import advance, close_consultation_now


def actions_of(browser: Browser, pact_id: int | None) -> set[str]:
    """The step forms the pact page offers this visitor now, by their path."""
    page = browser.get(f"/pacts/{pact_id}")
    forms = soup(page).select(".pact-actions form")
    return {str(form["action"]).rsplit("/", 1)[1] for form in forms}


def assert_harmless(browser: Browser, path: str) -> None:
    page = soup(browser.get(path))
    assert page.find("script", string="alert(1)") is None, path
    assert page.find("img", attrs={"src": "x"}) is None, path
    assert not page.select("main [hx-post='/logout']"), path
    assert len(page.select("#main")) == 1, path


def test_each_role_sees_only_the_steps_it_can_take_now(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User, neighbour: User
) -> None:
    browser.login("ann@example.be")
    assert actions_of(browser, pact.id) == {"submit"}
    advance(db, pact, "submitted", clerk, proposer)
    assert actions_of(browser, pact.id) == set()
    browser.login("greet@example.be")
    assert actions_of(browser, pact.id) == {"assessment", "reject"}
    browser.login("bob@example.be")
    assert actions_of(browser, pact.id) == set()
    advance(db, pact, "in_assessment", clerk, proposer)
    browser.login("greet@example.be")
    assert actions_of(browser, pact.id) >= {"request-changes", "reject", "consultation"}


def test_take_for_assessment_with_a_department(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User
) -> None:
    advance(db, pact, "submitted", clerk, proposer)
    browser.login("ann@example.be")
    refused = browser.post(f"/pacts/{pact.id}/assessment", {"department": "Groen"})
    assert refused.status_code == 403
    browser.login("greet@example.be")
    response = browser.post(f"/pacts/{pact.id}/assessment", {"department": "Groendienst"})
    assert response.status_code == 303
    page = in_english(browser).get(f"/pacts/{pact.id}")
    assert "Groendienst" in select_one(page, ".pact-facts").get_text()
    assert "Taken for assessment" in select_one(page, "#timeline").get_text()
    again = browser.post(f"/pacts/{pact.id}/assessment", {"department": ""})
    assert again.status_code == 409
    assert "request changes" in again.text  # what is possible now


def test_request_changes_needs_a_reason_and_lets_the_proposers_resubmit(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User
) -> None:
    advance(db, pact, "in_assessment", clerk, proposer)
    browser.login("greet@example.be")
    empty = browser.post(f"/pacts/{pact.id}/request-changes", {"reason": "  "})
    assert empty.status_code == 400
    assert select_one(empty, "details.pact-step[open] #request_changes-reason-error")
    response = browser.post(
        f"/pacts/{pact.id}/request-changes", {"reason": "Geef een *preciezere* plek."}
    )
    assert response.status_code == 303
    browser.login("ann@example.be")
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, "#timeline .timeline__body em").get_text() == "preciezere"
    assert select_one(page, f".pact-actions a[href='/pacts/{pact.id}/edit']")
    assert browser.post(f"/pacts/{pact.id}/submit").status_code == 303
    page = in_english(browser).get(f"/pacts/{pact.id}")
    assert "Submitted again with changes" in select_one(page, "#timeline").get_text()


def test_reject_asks_for_confirmation_and_reasons(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User
) -> None:
    advance(db, pact, "in_assessment", clerk, proposer)
    browser.login("greet@example.be")
    page = browser.get(f"/pacts/{pact.id}")
    confirm = select_one(page, "details.confirm form[action$='/reject']")
    assert confirm.select_one("button.button--danger")
    assert browser.post(f"/pacts/{pact.id}/reject", {"reason": ""}).status_code == 400
    assert browser.post(f"/pacts/{pact.id}/reject", {"reason": HOSTILE}).status_code == 303
    assert_harmless(browser, f"/pacts/{pact.id}")
    browser.client.cookies.clear()
    public = browser.get(f"/pacts/{pact.id}")
    assert select_one(public, ".pact__meta .status--rejected")
    assert "alert(1)" in soup(public).select("#timeline .timeline__body")[-1].get_text()


def _open_consultation(browser: Browser, db: Database, pact: Pact) -> None:
    with db.read() as session:
        ids = [
            r.id for r in session.exec(select(PactResource).order_by(col(PactResource.position)))
        ]
    form = {f"decision_{ids[0]}": "granted", f"note_{ids[0]}": "Via de groendienst"}
    missing = browser.post(f"/pacts/{pact.id}/consultation", form)
    assert missing.status_code == 400
    assert select_one(missing, f"#open_consultation-decision_{ids[1]}-error")
    assert select_one(missing, f"#open_consultation-note_{ids[0]}")["value"] == "Via de groendienst"
    form[f"decision_{ids[1]}"] = "refused"
    form["days"] = "10"
    assert browser.post(f"/pacts/{pact.id}/consultation", form).status_code == 303


def test_open_the_consultation_with_the_resources_granted(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User, neighbour: User
) -> None:
    advance(db, pact, "in_assessment", clerk, proposer)
    browser.login("bob@example.be")
    assert browser.post(f"/pacts/{pact.id}/consultation", {"days": "14"}).status_code == 403
    browser.login("greet@example.be")
    _open_consultation(browser, db, pact)
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, ".resource--granted .resource__note").get_text() == "Via de groendienst"
    assert select_one(page, ".resource--refused")
    assert select_one(page, f"#pact-text a[href='/pacts/{pact.id}/text']")
    assert select_one(page, "#consultation")


def test_advice_with_a_stance_answers_and_refusals(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User, neighbour: User
) -> None:
    advance(db, pact, "consultation", clerk, proposer)
    browser.client.cookies.clear()
    assert select_one(browser.get(f"/pacts/{pact.id}"), "#consultation a[href^='/login']")
    browser.login("bob@example.be")
    no_stance = browser.post(f"/pacts/{pact.id}/advice", {"body": "Goed plan"})
    assert no_stance.status_code == 400
    assert select_one(no_stance, "#advice-body-new").get_text() == "Goed plan"
    response = browser.post(f"/pacts/{pact.id}/advice", {"body": HOSTILE, "stance": "for"})
    assert response.status_code == 303
    advice_id = response.headers["location"].rsplit("-", 1)[1]
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, f"#comment-{advice_id} .stance--for")
    assert_harmless(browser, f"/pacts/{pact.id}")
    # A resident gives advice; the proposers and the clerk answer it.
    assert not soup(page).select("details.reply")
    answer = {"body": "Dank je, we nemen het mee.", "parent_id": advice_id}
    assert browser.post(f"/pacts/{pact.id}/advice", answer).status_code == 403
    browser.login("ann@example.be")
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, f"#comment-{advice_id} details.reply form")
    assert browser.post(f"/pacts/{pact.id}/advice", answer).status_code == 303
    reply = select_one(browser.get(f"/pacts/{pact.id}"), ".comment-replies .comment")
    assert reply.select_one(".badge--proposer")
    close_consultation_now(db, pact.id or 0)
    browser.login("bob@example.be")
    late = in_english(browser).post(
        f"/pacts/{pact.id}/advice", {"body": "Te laat", "stance": "for"}
    )
    assert late.status_code == 409
    assert not soup(browser.get(f"/pacts/{pact.id}")).select("#consultation form")


def test_respond_to_advice_then_both_parties_sign(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User, neighbour: User
) -> None:
    advance(db, pact, "awaiting_signatures", clerk, proposer)
    browser.login("ann@example.be")
    early = browser.post(f"/pacts/{pact.id}/sign")
    assert early.status_code == 409
    assert browser.post(f"/pacts/{pact.id}/advice-response", {"response": "x"}).status_code == 403
    browser.login("greet@example.be")
    assert actions_of(browser, pact.id) >= {"advice-response"}
    empty = browser.post(f"/pacts/{pact.id}/advice-response", {"response": ""})
    assert empty.status_code == 400
    assert select_one(empty, "#respond_to_advice-response-error")
    response = browser.post(f"/pacts/{pact.id}/advice-response", {"response": HOSTILE})
    assert response.status_code == 303
    assert_harmless(browser, f"/pacts/{pact.id}")
    assert_harmless(browser, f"/pacts/{pact.id}/text")
    assert browser.post(f"/pacts/{pact.id}/sign").status_code == 303
    assert "sign" not in actions_of(browser, pact.id)
    browser.login("bob@example.be")
    assert browser.post(f"/pacts/{pact.id}/sign").status_code == 403
    browser.login("ann@example.be")
    assert browser.post(f"/pacts/{pact.id}/sign").status_code == 303
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, ".pact__meta .status--active")
    text = browser.get(f"/pacts/{pact.id}/text")
    assert text.status_code == 200


def test_progress_reports_with_photos_and_hours(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User, neighbour: User
) -> None:
    advance(db, pact, "active", clerk, proposer)
    browser.login("bob@example.be")
    refused = browser.post(
        f"/pacts/{pact.id}/progress",
        {"body": "Ik deed mee"},
        files={"photos": ("x.jpg", jpeg(), "image/jpeg")},
    )
    assert refused.status_code == 403
    browser.login("ann@example.be")
    bad = browser.post(f"/pacts/{pact.id}/progress", {"body": "Geplant", "hours": "veel"})
    assert bad.status_code == 400
    assert select_one(bad, "#report_progress-hours-error")
    assert select_one(bad, "#report_progress-body").get_text() == "Geplant"
    response = browser.post(
        f"/pacts/{pact.id}/progress",
        {"body": HOSTILE, "hours": "12"},
        files={"photos": ("tuin.jpg", jpeg(), "image/jpeg")},
    )
    assert response.status_code == 303
    assert "#progress-" in response.headers["location"]
    page = browser.get(f"/pacts/{pact.id}")
    report = select_one(page, ".progress-report")
    assert "12" in report.select_one(".progress-report__hours").get_text()  # type: ignore[union-attr]
    assert report.select_one(".photos img")
    assert_harmless(browser, f"/pacts/{pact.id}")
    browser.login("greet@example.be")
    city = browser.post(f"/pacts/{pact.id}/progress", {"body": "Aarde geleverd"})
    assert city.status_code == 303
    assert select_one(browser.get(f"/pacts/{pact.id}"), ".progress-report .badge--official")


def test_complete_with_a_final_report(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User
) -> None:
    advance(db, pact, "active", clerk, proposer)
    browser.login("ann@example.be")
    assert browser.post(f"/pacts/{pact.id}/complete", {"body": ""}).status_code == 400
    response = browser.post(f"/pacts/{pact.id}/complete", {"body": "Alles *staat*", "hours": "3"})
    assert response.status_code == 303
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, ".pact__final em").get_text() == "staat"
    assert select_one(page, ".pact__meta .status--completed")
    assert actions_of(browser, pact.id) == set()
    again = browser.post(f"/pacts/{pact.id}/complete", {"body": "Nog eens"})
    assert again.status_code == 409


def test_end_early_asks_for_confirmation_and_a_reason(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User
) -> None:
    advance(db, pact, "active", clerk, proposer)
    browser.login("greet@example.be")
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, "details.confirm form[action$='/end'] button.button--danger")
    empty = browser.post(f"/pacts/{pact.id}/end", {"reason": ""})
    assert empty.status_code == 400
    assert select_one(empty, "details.pact-step[open] #end-reason-error")
    assert browser.post(f"/pacts/{pact.id}/end", {"reason": "Te weinig handen"}).status_code == 303
    page = browser.get(f"/pacts/{pact.id}")
    assert select_one(page, ".pact__meta .status--ended")
    assert "Te weinig handen" in select_one(page, "#timeline").get_text()


def test_the_printable_text_and_its_versions(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User
) -> None:
    advance(db, pact, "submitted", clerk, proposer)
    in_english(browser)
    assert browser.get(f"/pacts/{pact.id}/text").status_code == 404
    advance(db, pact, "ended", clerk, proposer)
    page = browser.get(f"/pacts/{pact.id}/text")
    assert page.status_code == 200
    assert select_one(page, "link[href='/static/css/pacts.css']")
    assert select_one(page, "h1").get_text() == pact.title
    assert select_one(page, ".pact-text__body").get_text(strip=True)
    versions = soup(page).select(".pact-text__versions li")
    assert len(versions) >= 2
    first = browser.get(f"/pacts/{pact.id}/text?version=1")
    assert "signed" in select_one(first, ".pact-text__version").get_text()
    assert select_one(first, ".pact-text__version a[href$='/text']")
    assert browser.get(f"/pacts/{pact.id}/text?version=99").status_code == 404
    css = browser.get("/static/css/pacts.css").text
    assert "@media print" in css
    assert ".site-header" in css


def test_wrong_status_refusals_say_what_is_possible(
    browser: Browser, db: Database, pact: Pact, clerk: User, proposer: User
) -> None:
    advance(db, pact, "submitted", clerk, proposer)
    create_user(db, email="clerk2@example.be", roles=(Role.clerk,), language="en")
    browser.login("clerk2@example.be")
    for path, data in (("request-changes", {"reason": "x"}), ("sign", {})):
        refused = browser.post(f"/pacts/{pact.id}/{path}", data)
        assert refused.status_code == 409, path
        assert "take it for assessment" in refused.text, path
