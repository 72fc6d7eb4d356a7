"""The clerk's pages for categories and departments: plain forms with errors per field."""

from __future__ import annotations

from sqlmodel import select

from participation.database import Database
from participation.models import User
from problems.models import Department, DepartmentWorker, ProblemCategory
from tests.helpers import Browser, field_error, soup

# Short enough for a name (80 characters).
HOSTILE = '<script>alert(1)</script><a hx-post="/logout" id="main">x</a>'


def test_only_a_clerk_manages_the_lists(browser: Browser, resident: User) -> None:
    browser.login(resident.email)
    assert browser.get("/problems/categories").status_code == 403
    assert browser.get("/problems/departments").status_code == 403
    assert (
        browser.post("/problems/departments", {"action": "create", "name": "X"}).status_code == 403
    )


def test_departments_and_their_workers(
    browser: Browser, db: Database, clerk: User, resident: User
) -> None:
    browser.login(clerk.email)
    assert browser.get("/problems/departments").status_code == 200
    empty = browser.post("/problems/departments", {"action": "create", "name": ""})
    assert empty.status_code == 400
    assert soup(empty).select_one("#new-name-error") is not None
    made = browser.post("/problems/departments", {"action": "create", "name": HOSTILE})
    assert made.status_code == 303
    page = browser.get("/problems/departments")
    assert "<script>alert(1)</script>" not in page.text
    assert soup(page).select("[hx-post='/logout']") == []
    assert len(soup(page).select("#main")) == 1
    with db.read() as session:
        department = session.exec(select(Department)).one()
    twice = browser.post("/problems/departments", {"action": "create", "name": HOSTILE})
    assert twice.status_code == 400
    assert "already a department" in twice.text
    key = f"department-{department.id}-worker"
    unknown = browser.post(
        "/problems/departments",
        {"action": "add_worker", "department_id": str(department.id), "email": "x@example.be"},
    )
    assert unknown.status_code == 400
    assert soup(unknown).select_one(f"#{key}-email-error") is not None
    added = browser.post(
        "/problems/departments",
        {"action": "add_worker", "department_id": str(department.id), "email": resident.email},
    )
    assert added.status_code == 303
    with db.read() as session:
        assert session.exec(select(DepartmentWorker.user_id)).all() == [resident.id]
    removed = browser.post(
        "/problems/departments",
        {
            "action": "remove_worker",
            "department_id": str(department.id),
            "user_id": str(resident.id),
        },
    )
    assert removed.status_code == 303
    renamed = browser.post(
        "/problems/departments",
        {"action": "rename", "department_id": str(department.id), "name": "Wegen"},
    )
    assert renamed.status_code == 303
    stopped = browser.post(
        "/problems/departments", {"action": "deactivate", "department_id": str(department.id)}
    )
    assert stopped.status_code == 303
    with db.read() as session:
        found = session.get(Department, department.id)
        assert found is not None
        assert (found.name, found.active) == ("Wegen", False)
        assert session.exec(select(DepartmentWorker)).all() == []


def test_categories_with_errors_per_field(browser: Browser, db: Database, clerk: User) -> None:
    browser.login(clerk.email)
    browser.post("/problems/departments", {"action": "create", "name": "Wegen"})
    with db.read() as session:
        department = session.exec(select(Department)).one()
    bad = browser.post(
        "/problems/categories",
        {
            "slug": "Pot Hole",
            "name_nl": "",
            "name_fr": "Nid",
            "name_en": "Pothole",
            "department_id": str(department.id),
            "handling_days": "400",
        },
    )
    assert bad.status_code == 400
    assert field_error(bad, "slug")
    assert field_error(bad, "name_nl") == "This field is required."
    assert field_error(bad, "handling_days") == "Enter a number of days from 1 to 365."
    assert soup(bad).select_one("#field-name_fr")["value"] == "Nid"  # type: ignore[index]
    values = {
        "slug": "pothole",
        "name_nl": "Put",
        "name_fr": "Nid",
        "name_en": HOSTILE,
        "department_id": str(department.id),
        "handling_days": "14",
        "active": "on",
    }
    assert browser.post("/problems/categories", values).status_code == 303
    assert browser.post("/problems/categories", values).status_code == 400  # the slug is taken
    with db.read() as session:
        category = session.exec(select(ProblemCategory)).one()
    page = browser.get(f"/problems/categories?edit={category.id}")
    assert "<script>alert(1)</script>" not in page.text
    edited = browser.post(
        "/problems/categories",
        {**values, "category_id": str(category.id), "handling_days": "7", "active": ""},
    )
    assert edited.status_code == 303
    with db.read() as session:
        changed = session.get(ProblemCategory, category.id)
        assert changed is not None
        assert (changed.handling_days, changed.active) == (7, False)
