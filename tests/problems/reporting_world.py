"""What the reporting tests share: a department with a category (through the clerk's actions),
reports made through `do_report_problem`, and English for the messages. Test modules import
the fixtures they use from here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

import problems.content  # noqa: F401 - registers problem reports, as the app does
from participation.database import Database
from participation.i18n import use_language
from participation.models import Role, User
from participation.settings import Settings
from problems import admin, reporting
from problems.forms import ReportDraft
from problems.handling_forms import CategoryDraft, DepartmentDraft
from problems.models import Department, ProblemCategory, ProblemReport
from tests.helpers import Browser, create_user, in_english

CENTER = (51.0543, 3.7174)
# A square of about 2 km around the centre, for the boundary setting.
BOUNDARY = "51.045,3.705;51.045,3.730;51.065,3.730;51.065,3.705"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_language("en"):
        yield


@pytest.fixture
def browser(client: TestClient) -> Browser:
    return in_english(Browser(client))


@pytest.fixture
def clerk(db: Database) -> User:
    return create_user(
        db, email="greet@example.be", name="Greet", roles=(Role.clerk,), language="en"
    )


@pytest.fixture
def resident(db: Database) -> User:
    return create_user(db, email="ann@example.be", name="Ann Peeters", language="en")


@pytest.fixture
def neighbour(db: Database) -> User:
    return create_user(db, email="bob@example.be", name="Bob", language="en")


def add_category(
    db: Database, clerk: User, slug: str = "pothole", department: str = "Wegen", days: int = 14
) -> ProblemCategory:
    """A category (and its department, unless it exists) through the clerk's actions."""
    with db.write() as session:
        existing = session.exec(select(Department).where(Department.name == department)).first()
        dept = existing or admin.do_create_department(
            session, clerk, DepartmentDraft(department, "")
        )
        assert dept.id is not None
        names = (f"{slug} nl", f"{slug} fr", slug.replace("-", " ").title())
        return admin.do_save_category(
            session, clerk, CategoryDraft(slug, *names, dept.id, days, True)
        )


@pytest.fixture
def category(db: Database, clerk: User) -> ProblemCategory:
    return add_category(db, clerk)


def draft(category: ProblemCategory, **fields: Any) -> ReportDraft:
    assert category.id is not None
    values: dict[str, Any] = {
        "category_id": category.id,
        "latitude": CENTER[0],
        "longitude": CENTER[1],
        "address": "",
        "description": "A deep pothole in front of the school.",
        "contact": "none",
        **fields,
    }
    return ReportDraft(**values)


def report(
    db: Database,
    settings: Settings,
    user: User | None,
    category: ProblemCategory,
    address: str = "203.0.113.9",
    **fields: Any,
) -> ProblemReport:
    """A report through the real action; `fields` override the draft's."""
    with db.write() as session:
        return reporting.do_report_problem(
            session, user, draft(category, **fields), [], settings=settings, address=address
        )


def with_settings(settings: Settings, **changes: Any) -> Settings:
    return replace(settings, **changes)


@pytest.fixture
def reported_id(db: Database, settings: Settings, resident: User, category: ProblemCategory) -> int:
    """The id of a report the resident made in `category`, through the real action."""
    found = report(db, settings, resident, category)
    assert found.id is not None
    return found.id
