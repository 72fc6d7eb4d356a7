"""The clerk's lists: departments (and who works in them) and the categories of problems,
each routed to a department with a handling time."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col, select

from participation.actions import user_by_email
from participation.checks import Refused
from participation.i18n import gettext
from participation.models import User
from problems.handling import is_clerk
from problems.handling_forms import CategoryDraft, DepartmentDraft
from problems.models import Department, DepartmentWorker, ProblemCategory


def check_clerk(session: Session, user: User) -> None:
    if not is_clerk(session, user):
        raise Refused(403, gettext("Only a clerk can manage departments and categories."))


def get_department(session: Session, department_id: int) -> Department:
    department = session.get(Department, department_id)
    if department is None:
        raise Refused(404, gettext("This department does not exist."))
    return department


def name_taken(session: Session, name: str, department_id: int | None = None) -> bool:
    """Another department has this name (the forms ask before they write)."""
    found = session.exec(select(Department.id).where(Department.name == name)).first()
    return found is not None and found != department_id


def slug_taken(session: Session, slug: str, category_id: int | None = None) -> bool:
    found = session.exec(select(ProblemCategory.id).where(ProblemCategory.slug == slug)).first()
    return found is not None and found != category_id


def _check_name_free(session: Session, name: str, department_id: int | None = None) -> None:
    if name_taken(session, name, department_id):
        raise Refused(409, gettext("There is already a department with this name."))


def do_create_department(session: Session, clerk: User, draft: DepartmentDraft) -> Department:
    check_clerk(session, clerk)
    _check_name_free(session, draft.name)
    department = Department(name=draft.name, email=draft.email)
    session.add(department)
    session.flush()
    return department


def do_rename_department(
    session: Session, clerk: User, department_id: int, draft: DepartmentDraft
) -> Department:
    check_clerk(session, clerk)
    department = get_department(session, department_id)
    _check_name_free(session, draft.name, department_id)
    department.name, department.email = draft.name, draft.email
    session.add(department)
    return department


def do_set_department_active(
    session: Session, clerk: User, department_id: int, active: bool
) -> Department:
    """A department that stops takes no new categories; its reports stay in its queue."""
    check_clerk(session, clerk)
    department = get_department(session, department_id)
    department.active = active
    session.add(department)
    return department


def do_add_worker(session: Session, clerk: User, department_id: int, email: str) -> User:
    check_clerk(session, clerk)
    get_department(session, department_id)
    worker = user_by_email(session, email)
    if worker is None or worker.id is None:
        raise Refused(404, gettext("There is no account with this email address."))
    statement = select(DepartmentWorker.id).where(
        DepartmentWorker.department_id == department_id, DepartmentWorker.user_id == worker.id
    )
    if session.exec(statement).first() is None:
        session.add(DepartmentWorker(department_id=department_id, user_id=worker.id))
    return worker


def do_remove_worker(session: Session, clerk: User, department_id: int, user_id: int) -> None:
    check_clerk(session, clerk)
    session.execute(
        delete(DepartmentWorker).where(
            col(DepartmentWorker.department_id) == department_id,
            col(DepartmentWorker.user_id) == user_id,
        )
    )


def workers_of(session: Session) -> dict[int, list[User]]:
    """Each department's workers, by name."""
    statement = (
        select(DepartmentWorker.department_id, User)
        .join(User, col(User.id) == col(DepartmentWorker.user_id))
        .order_by(col(User.display_name))
    )
    found: dict[int, list[User]] = {}
    for department_id, user in session.exec(statement):
        found.setdefault(department_id, []).append(user)
    return found


def do_save_category(
    session: Session, clerk: User, draft: CategoryDraft, category_id: int | None = None
) -> ProblemCategory:
    """Create a category, or change the one with `category_id`."""
    check_clerk(session, clerk)
    department = get_department(session, draft.department_id)
    if slug_taken(session, draft.slug, category_id):
        raise Refused(409, gettext("There is already a category with this short name."))
    if category_id is None:
        if not department.active:
            raise Refused(409, gettext("This department no longer takes new categories."))
        category = ProblemCategory(
            slug=draft.slug,
            name_nl=draft.name_nl,
            name_fr=draft.name_fr,
            name_en=draft.name_en,
            department_id=draft.department_id,
        )
    else:
        existing = session.get(ProblemCategory, category_id)
        if existing is None:
            raise Refused(404, gettext("This category does not exist."))
        category = existing
        category.slug = draft.slug
        category.name_nl, category.name_fr = draft.name_nl, draft.name_fr
        category.name_en, category.department_id = draft.name_en, draft.department_id
    category.handling_days = draft.handling_days
    category.active = draft.active
    session.add(category)
    session.flush()
    return category
