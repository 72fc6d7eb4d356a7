"""Problem reports in the content registry: reportable, and moderators hide the description."""

from __future__ import annotations

from participation.content import moderatable
from participation.database import Database
from participation.models import User
from participation.settings import Settings
from problems.models import ProblemCategory, ProblemReport
from tests.helpers import Browser, set_visible
from tests.problems.reporting_world import report


def test_registered_as_moderatable(
    db: Database, settings: Settings, resident: User, category: ProblemCategory
) -> None:
    kind = moderatable("problem")
    assert kind is not None
    assert kind.model is ProblemReport
    assert kind.text is not None
    stored = report(db, settings, resident, category, description="Needs a look")
    assert stored.id is not None
    with db.read() as session:
        assert kind.text(session, stored.id) == "Needs a look"
        assert kind.title(session, stored.id) == f"Pothole #{stored.id}"
        assert kind.title(session, 999) is None
    assert kind.url(stored.id) == f"/problems/{stored.id}"
    assert kind.label() == "problem report"


def test_a_resident_can_report_a_description(
    browser: Browser,
    db: Database,
    settings: Settings,
    resident: User,
    neighbour: User,
    category: ProblemCategory,
) -> None:
    stored = report(db, settings, resident, category, description="Insulting words")
    browser.login(neighbour.email)
    page = browser.get(f"/problems/{stored.id}")
    assert f"content_type=problem&content_id={stored.id}" in page.text.replace("&amp;", "&")
    browser.get(f"/reports/new?content_type=problem&content_id={stored.id}")
    response = browser.post(
        "/reports",
        {
            "content_type": "problem",
            "content_id": str(stored.id),
            "reason": "insult",
            "details": "",
        },
    )
    assert response.status_code == 303, response.text


def test_hidden_description_is_withheld_from_the_public_but_not_from_handlers(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    category: ProblemCategory,
) -> None:
    stored = report(db, settings, resident, category, description="Insulting words")
    set_visible(db, "problem", stored.id)
    assert "Insulting words" not in browser.get(f"/problems/{stored.id}").text
    browser.login(clerk.email)
    assert "Insulting words" in browser.get(f"/problems/{stored.id}").text
