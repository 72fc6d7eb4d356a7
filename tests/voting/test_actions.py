"""The council member role and the seat that goes with it (DESIGN.md: an account made or
granted the role gets a current mandate in the municipal council), through `voting.hooks`."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from participation.actions import do_change_role, do_create_user
from participation.database import Database, utcnow
from participation.forms import RoleChange
from participation.models import Role, User
from tests.helpers import PASSWORD, Browser, create_user
from voting import actions, councils
from voting.forms import MandateDraft
from voting.models import Mandate, Meeting


def mandates_of(db: Database, user: User) -> list[Mandate]:
    with db.read() as session:
        statement = select(Mandate).where(Mandate.user_id == user.id)
        return list(session.exec(statement.order_by(col(Mandate.starts_on))))


def grant(db: Database, admin: User, user: User, role: Role = Role.council_member) -> None:
    assert user.id is not None
    with db.write() as session:
        do_change_role(session, admin, user.id, RoleChange(role.value, grant=True))


@pytest.fixture
def admin(db: Database) -> User:
    return create_user(db, email="admin@example.be", name="Admin", roles=(Role.admin,))


def test_an_account_made_a_council_member_sits_on_the_council_from_today(
    db: Database, clerk: User, meeting: Meeting
) -> None:
    rik = create_user(db, email="rik@example.be", name="Rik Raadslid", roles=(Role.council_member,))
    [mandate] = mandates_of(db, rik)
    assert (mandate.member_name, mandate.starts_on, mandate.ends_on) == (
        "Rik Raadslid",
        utcnow().date(),
        None,
    )
    with db.read() as session:
        assert mandate.council_id == actions.default_council(session).id
        assert rik.id is not None
        assert actions.mandate_of(session, meeting, rik.id) is not None
        assert [m.id for m in actions.members_in_office(session, meeting)] == [mandate.id]


@pytest.mark.parametrize("role", [Role.resident, Role.clerk, Role.moderator, Role.admin])
def test_other_roles_give_no_mandate(db: Database, role: Role) -> None:
    assert mandates_of(db, create_user(db, roles=(role,))) == []


def test_the_mandate_is_made_in_the_same_transaction(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        user = do_create_user(
            session,
            email="rik@example.be",
            display_name="Rik",
            password=PASSWORD,
            roles=(Role.council_member,),
        )
        assert session.exec(select(Mandate.user_id)).all() == [user.id]
        raise RuntimeError("something later in the transaction fails")
    with db.read() as session:
        assert session.exec(select(Mandate)).all() == []
        assert session.exec(select(User)).all() == []


def test_granting_the_role_on_the_admin_page_gives_one_mandate(
    browser: Browser, db: Database, admin: User, resident: User
) -> None:
    browser.login(admin.email)
    for _twice in range(2):
        response = browser.post(
            f"/admin/users/{resident.id}/roles", {"role": "council_member", "action": "grant"}
        )
        assert response.status_code == 303
    [mandate] = mandates_of(db, resident)
    assert mandate.member_name == resident.display_name
    assert mandate.in_office_on(utcnow().date())


def test_granting_again_to_a_seated_member_adds_no_mandate(
    db: Database, admin: User, council_members: list[User]
) -> None:
    member = council_members[0]
    before = mandates_of(db, member)
    grant(db, admin, member)
    assert mandates_of(db, member) == before


def test_granting_again_after_the_mandate_ended_seats_the_member_again(
    db: Database, admin: User, clerk: User, council_members: list[User]
) -> None:
    member = council_members[0]
    [ended] = mandates_of(db, member)
    assert ended.id is not None
    with db.write() as session:
        councils.do_end_mandate(session, clerk, ended.id, utcnow().date() - dt.timedelta(days=1))
    grant(db, admin, member)
    old, current = mandates_of(db, member)
    assert old.id == ended.id
    assert (current.starts_on, current.ends_on) == (utcnow().date(), None)


def test_a_mandate_that_starts_later_is_not_doubled(
    db: Database, admin: User, clerk: User, resident: User
) -> None:
    next_month = utcnow().date() + dt.timedelta(days=30)
    with db.write() as session:
        council = actions.default_council(session)
        assert council.id is not None
        draft = MandateDraft(resident.email, "Groen", next_month, None)
        councils.do_add_mandate(session, clerk, council.id, draft)
    grant(db, admin, resident)
    [mandate] = mandates_of(db, resident)
    assert mandate.starts_on == next_month
