"""Reporting through the pages: the form, the report, and each refusal."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ideas.models import Idea
from moderation.models import Report
from participation import ratelimit
from participation.database import Database
from participation.models import User
from tests.helpers import Browser, field_error, flashes, select_one, soup
from tests.moderation.conftest import act

HOSTILE = "<script>alert(1)</script>"


def _form_url(idea: Idea, next_url: str = "/ideas") -> str:
    return f"/reports/new?content_type=idea&content_id={idea.id}&next={next_url}"


def _reports(db: Database) -> list[Report]:
    with db.read() as session:
        return list(session.exec(select(Report)).all())


def test_the_form_shows_what_is_reported_and_every_reason(
    browser: Browser, db: Database, idea: Idea, neighbour: User
) -> None:
    browser.login(neighbour.email)
    response = browser.get(_form_url(idea))
    assert response.status_code == 200
    assert select_one(response, ".reported-title").get_text(strip=True) == idea.title
    form = select_one(response, "form#report-form")
    assert form["action"] == "/reports"
    radios = form.select("input[type=radio][name=reason]")
    assert [r["value"] for r in radios] == ["spam", "insult", "personal_data", "off_topic", "other"]
    assert all(r.find_parent("label") for r in radios)
    assert select_one(response, "label[for=field-details]")
    assert select_one(response, "#report-form input[name=next]")["value"] == "/ideas"
    assert select_one(response, "#report-form input[name=content_id]")["value"] == str(idea.id)


def test_a_visitor_is_sent_to_log_in(browser: Browser, idea: Idea) -> None:
    response = browser.get(_form_url(idea))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_report_then_back_to_next_with_thanks(
    browser: Browser, db: Database, idea: Idea, neighbour: User
) -> None:
    browser.login(neighbour.email)
    browser.get(_form_url(idea))
    response = browser.post(
        "/reports",
        {
            "content_type": "idea",
            "content_id": str(idea.id),
            "reason": "insult",
            "details": "Lelijk",
            "next": "/ideas",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/ideas"
    assert "Thank you; a moderator will look at it." in flashes(browser.get("/ideas"))
    assert [(r.reason, r.details, r.reporter_id) for r in _reports(db)] == [
        ("insult", "Lelijk", neighbour.id)
    ]


def test_an_unsafe_next_falls_back_to_the_content(
    browser: Browser, idea: Idea, neighbour: User
) -> None:
    browser.login(neighbour.email)
    data = {"content_type": "idea", "content_id": str(idea.id), "reason": "spam"}
    response = browser.post("/reports", {**data, "next": "https://evil.example/"})
    assert response.headers["location"] == f"/ideas/{idea.id}"


def test_errors_per_field_keep_the_text(
    browser: Browser, db: Database, idea: Idea, neighbour: User
) -> None:
    browser.login(neighbour.email)
    data = {"content_type": "idea", "content_id": str(idea.id), "details": HOSTILE + "x" * 1000}
    response = browser.post("/reports", data)
    assert response.status_code == 400
    assert field_error(response, "reason") == "Choose one of the options."
    assert "1000" in field_error(response, "details")
    textarea = select_one(response, "textarea#field-details")
    assert textarea.get_text() == HOSTILE + "x" * 1000
    assert "<script>alert(1)</script>" not in response.text
    assert _reports(db) == []


@pytest.mark.parametrize(
    ("content_type", "content_id"), [("idea", "999"), ("unknown", "1"), ("idea", "abc")]
)
def test_unknown_content_is_not_found(
    browser: Browser, idea: Idea, neighbour: User, content_type: str, content_id: str
) -> None:
    browser.login(neighbour.email)
    data = {"content_type": content_type, "content_id": content_id, "reason": "spam"}
    assert browser.post("/reports", data).status_code == 404
    url = f"/reports/new?content_type={content_type}&content_id={content_id}"
    assert browser.get(url).status_code == 404


def test_reporting_twice_says_so(
    browser: Browser, db: Database, idea: Idea, neighbour: User
) -> None:
    browser.login(neighbour.email)
    data = {"content_type": "idea", "content_id": str(idea.id), "reason": "spam"}
    assert browser.post("/reports", data).status_code == 303
    again = browser.post("/reports", data)
    assert again.status_code == 409
    assert "You already reported this" in again.text
    assert select_one(browser.get(_form_url(idea)), "#already-reported")
    assert len(_reports(db)) == 1


def test_own_and_hidden_content_cannot_be_reported(
    browser: Browser, db: Database, idea: Idea, resident: User, neighbour: User, moderator: User
) -> None:
    data = {"content_type": "idea", "content_id": str(idea.id), "reason": "spam"}
    browser.login(resident.email)
    assert browser.post("/reports", data).status_code == 403
    assert select_one(browser.get(_form_url(idea)), "#report-refused")
    assert idea.id is not None
    act(db, moderator, "idea", idea.id, "hide", "spam")
    browser.login(neighbour.email)
    response = browser.post("/reports", data)
    assert response.status_code == 409
    assert "already hidden" in response.text
    assert _reports(db) == []


def test_a_flood_is_refused_with_429(
    browser: Browser, db: Database, resident: User, neighbour: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ideas.conftest import post_idea

    monkeypatch.setattr(
        ratelimit, "REPORT_PER_ACCOUNT", ratelimit.RateLimit("report-account", 1, 3600)
    )
    first, second = post_idea(db, resident, "Eerste"), post_idea(db, resident, "Tweede")
    browser.login(neighbour.email)
    ok = browser.post(
        "/reports", {"content_type": "idea", "content_id": str(first.id), "reason": "spam"}
    )
    assert ok.status_code == 303
    refused = browser.post(
        "/reports", {"content_type": "idea", "content_id": str(second.id), "reason": "spam"}
    )
    assert refused.status_code == 429
    assert "many reports" in soup(refused).get_text()


def test_a_missing_csrf_token_is_refused(browser: Browser, idea: Idea, neighbour: User) -> None:
    browser.login(neighbour.email)
    data = {"content_type": "idea", "content_id": str(idea.id), "reason": "spam"}
    assert browser.client.post("/reports", data=data).status_code == 403


def test_the_reported_title_comes_back_escaped(
    browser: Browser, db: Database, resident: User, neighbour: User
) -> None:
    from tests.ideas.conftest import post_idea

    hostile = post_idea(db, resident, HOSTILE)
    browser.login(neighbour.email)
    response = browser.get(_form_url(hostile))
    assert select_one(response, ".reported-title").get_text(strip=True) == HOSTILE
    assert HOSTILE not in response.text
