"""Organisations that propose pacts: a resident creates one and becomes its first member;
members add and remove members by email, and co-manage the organisation's pacts."""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from pacts.access import is_clerk
from pacts.forms import OrganisationDraft
from pacts.models import Organisation, OrganisationMember
from participation.actions import check_can_post, check_verified, user_by_email
from participation.checks import Refused
from participation.database import utcnow
from participation.i18n import gettext
from participation.models import User
from participation.profiles import public_names


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    """The organisation, or Refused(404)."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise Refused(404, gettext("This organisation does not exist."))
    return organisation


def is_member(session: Session, organisation_id: int, user_id: int) -> bool:
    found = session.exec(
        select(OrganisationMember.id).where(
            OrganisationMember.organisation_id == organisation_id,
            OrganisationMember.user_id == user_id,
        )
    ).first()
    return found is not None


def organisations_of(session: Session, user_id: int) -> list[Organisation]:
    """The user's organisations, by name."""
    statement = (
        select(Organisation)
        .join(OrganisationMember, col(OrganisationMember.organisation_id) == col(Organisation.id))
        .where(OrganisationMember.user_id == user_id)
        .order_by(col(Organisation.name), col(Organisation.id))
    )
    return list(session.exec(statement).all())


def members_of(session: Session, organisation_id: int) -> list[tuple[int, str]]:
    """(user id, public name) of each member, in the order they joined."""
    ids = list(
        session.exec(
            select(OrganisationMember.user_id)
            .where(OrganisationMember.organisation_id == organisation_id)
            .order_by(col(OrganisationMember.id))
        ).all()
    )
    names = public_names(session, ids)
    return [(user_id, names[user_id]) for user_id in ids if user_id in names]


def _add(session: Session, organisation_id: int, user_id: int) -> None:
    """Idempotent, also when two requests race: the unique constraint decides."""
    dialect = session.get_bind().dialect.name
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert_(OrganisationMember)
        .values(organisation_id=organisation_id, user_id=user_id, added_at=utcnow())
        .on_conflict_do_nothing(index_elements=["organisation_id", "user_id"])
    )


def do_create_organisation(session: Session, user: User, draft: OrganisationDraft) -> Organisation:
    """Create it, with `user` as its first member (verified and not muted)."""
    check_verified(user)
    check_can_post(user)
    organisation = Organisation(
        name=draft.name, kind=draft.kind, description=draft.description, created_by_id=user.id
    )
    session.add(organisation)
    session.flush()
    assert organisation.id is not None
    assert user.id is not None
    _add(session, organisation.id, user.id)
    return organisation


def check_can_manage(session: Session, organisation_id: int, user: User) -> None:
    """Refused(403) unless the user is a member (or a clerk)."""
    get_organisation(session, organisation_id)
    assert user.id is not None
    if not (is_member(session, organisation_id, user.id) or is_clerk(session, user)):
        raise Refused(403, gettext("Only the members of this organisation can manage it."))


def do_add_member(session: Session, organisation_id: int, actor: User, email: str) -> User:
    """Add the account with this address (verified); idempotent. Refused(404) when there is
    no such account, 403 when the actor may not manage the organisation."""
    check_can_manage(session, organisation_id, actor)
    member = user_by_email(session, email)
    if member is None or not member.is_verified or member.id is None:
        raise Refused(
            404,
            gettext("There is no confirmed account with this address. Ask them to register first."),
        )
    _add(session, organisation_id, member.id)
    return member


def do_remove_member(session: Session, organisation_id: int, actor: User, user_id: int) -> None:
    """Remove a member (a member may remove themselves); Refused(409) for the last member."""
    check_can_manage(session, organisation_id, actor)
    if not is_member(session, organisation_id, user_id):
        raise Refused(404, gettext("This person is not a member of the organisation."))
    count = session.exec(
        select(func.count())
        .select_from(OrganisationMember)
        .where(OrganisationMember.organisation_id == organisation_id)
    ).one()
    if count <= 1:
        raise Refused(409, gettext("An organisation keeps at least one member."))
    session.execute(
        delete(OrganisationMember).where(
            col(OrganisationMember.organisation_id) == organisation_id,
            col(OrganisationMember.user_id) == user_id,
        )
    )
