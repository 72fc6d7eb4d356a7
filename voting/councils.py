"""Councils and committees, their voting rules, their members' mandates, and who chairs and
takes the minutes of a meeting. The clerk manages all of these.

A mandate belongs to an account (found by email) but carries the member's name, so that the
public record of a vote survives when the account is erased.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from participation.actions import user_by_email
from participation.auth import roles_of
from participation.checks import Refused
from participation.events import publish
from participation.i18n import N_, gettext
from participation.models import Role, User, UserRole
from voting.actions import (
    check_clerk,
    get_meeting,
    in_office_on,
    is_clerk,
    mandate_of,
    members_in_office,
)
from voting.forms import CouncilDraft, MandateDraft, MeetingRoles, RulesDraft
from voting.models import Council, Mandate, Meeting, MeetingStatus

KIND_LABELS = {"council": N_("Council"), "committee": N_("Committee")}


def kind_label(kind: str) -> str:
    return gettext(KIND_LABELS[kind])


class FieldRefused(Refused):
    """A refusal about one field of the clerk's form: the view shows it beside that field
    and keeps what was typed. Outside a form it is an ordinary refusal."""

    def __init__(self, field: str, message: str, status_code: int = 409) -> None:
        super().__init__(status_code, message)
        self.field = field


def get_council(session: Session, council_id: int) -> Council:
    council = session.get(Council, council_id)
    if council is None:
        raise Refused(404, gettext("This council does not exist."))
    return council


@dataclass(frozen=True)
class CouncilSummary:
    council: Council
    members: int  # mandates in office today


def councils_with_members(session: Session, today: dt.date) -> list[CouncilSummary]:
    """Every council and committee, the municipal council first, with its members today."""
    counts = dict(
        session.exec(
            select(Mandate.council_id, func.count())
            .where(in_office_on(today))
            .group_by(col(Mandate.council_id))
        ).all()
    )
    found = session.exec(select(Council).order_by(col(Council.kind).desc(), col(Council.name)))
    return [CouncilSummary(c, counts.get(c.id or 0, 0)) for c in found]


def _apply_rules(council: Council, rules: RulesDraft) -> None:
    council.vote_basis = rules.vote_basis
    council.vote_threshold = rules.vote_threshold
    council.tie_rule = rules.tie_rule
    council.quorum_required = rules.quorum_required


def do_create_council(session: Session, clerk: User, draft: CouncilDraft) -> Council:
    check_clerk(session, clerk)
    council = Council(name=draft.name, kind=draft.kind)
    _apply_rules(council, draft.rules)
    session.add(council)
    session.flush()
    publish(session, "council.created", council_id=council.id)
    return council


def do_set_rules(session: Session, clerk: User, council_id: int, rules: RulesDraft) -> Council:
    """New rules count for ballots closed from now on; stored results never change."""
    check_clerk(session, clerk)
    council = get_council(session, council_id)
    _apply_rules(council, rules)
    session.add(council)
    publish(session, "council.rules_changed", council_id=council_id)
    return council


def mandates_of(session: Session, council_id: int) -> list[Mandate]:
    statement = select(Mandate).where(Mandate.council_id == council_id)
    return list(session.exec(statement.order_by(col(Mandate.member_name), col(Mandate.id))))


def _overlapping(
    session: Session, council_id: int, user_id: int, starts_on: dt.date, ends_on: dt.date | None
) -> Mandate | None:
    statement = select(Mandate).where(
        Mandate.council_id == council_id,
        Mandate.user_id == user_id,
        or_(col(Mandate.ends_on).is_(None), col(Mandate.ends_on) >= starts_on),
    )
    if ends_on is not None:
        statement = statement.where(col(Mandate.starts_on) <= ends_on)
    return session.exec(statement).first()


def seat(
    session: Session,
    council: Council,
    user: User,
    draft: MandateDraft,
    granted_by_id: int | None = None,
) -> Mandate:
    """Give `user` a mandate in `council`, and the council member role if they lack it.

    No permission check: `do_add_mandate` checks the clerk; the CLI and the demo data run as
    the operator. The user's row is locked first, so that two clerks seating the same person
    at once end in one mandate and one role, never two.
    """
    assert council.id is not None
    assert user.id is not None
    session.exec(select(User).where(User.id == user.id).with_for_update()).one()
    if draft.ends_on is not None and draft.ends_on < draft.starts_on:
        raise FieldRefused("ends_on", gettext("A mandate cannot end before it starts."))
    if _overlapping(session, council.id, user.id, draft.starts_on, draft.ends_on) is not None:
        raise FieldRefused(
            "email",
            gettext("This person already has a mandate in this council for that period."),
        )
    mandate = Mandate(
        council_id=council.id,
        user_id=user.id,
        member_name=user.display_name,
        political_group=draft.political_group,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
    )
    session.add(mandate)
    if Role.council_member.value not in roles_of(session, user.id):
        session.add(
            UserRole(user_id=user.id, role=Role.council_member.value, granted_by_id=granted_by_id)
        )
        publish(session, "account.role_changed", user_id=user.id, role=Role.council_member.value)
    session.flush()
    publish(session, "mandate.added", council_id=council.id, mandate_id=mandate.id)
    return mandate


def do_add_mandate(session: Session, clerk: User, council_id: int, draft: MandateDraft) -> Mandate:
    check_clerk(session, clerk)
    council = get_council(session, council_id)
    user = user_by_email(session, draft.email)
    if user is None:
        raise FieldRefused(
            "email",
            gettext("No account uses this email address. Ask the member to register first."),
            status_code=404,
        )
    return seat(session, council, user, draft, granted_by_id=clerk.id)


def do_end_mandate(session: Session, clerk: User, mandate_id: int, ends_on: dt.date) -> Mandate:
    """Set the mandate's last day (also to correct it); its votes stay with it."""
    check_clerk(session, clerk)
    mandate = session.exec(
        select(Mandate).where(Mandate.id == mandate_id).with_for_update()
    ).first()
    if mandate is None:
        raise Refused(404, gettext("This mandate does not exist."))
    if ends_on < mandate.starts_on:
        raise FieldRefused("ends_on", gettext("A mandate cannot end before it starts."))
    mandate.ends_on = ends_on
    session.add(mandate)
    publish(session, "mandate.ended", council_id=mandate.council_id, mandate_id=mandate_id)
    return mandate


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str


def chair_candidates(session: Session, meeting: Meeting) -> list[Candidate]:
    """Who may chair: the members of the meeting's council on the day of the meeting."""
    return [
        Candidate(m.user_id, m.member_name)
        for m in members_in_office(session, meeting)
        if m.user_id is not None
    ]


def secretary_candidates(session: Session, meeting: Meeting) -> list[Candidate]:
    """Who may take the minutes: a member of the council, or a clerk."""
    clerks = session.exec(
        select(User.id, User.display_name)
        .join(UserRole, col(UserRole.user_id) == col(User.id))
        .where(UserRole.role == Role.clerk.value)
        .order_by(col(User.display_name))
    ).all()
    found = {c.user_id: c for c in chair_candidates(session, meeting)}
    for user_id, name in clerks:
        if user_id is not None:
            found.setdefault(user_id, Candidate(user_id, name))
    return sorted(found.values(), key=lambda c: c.name.casefold())


def do_set_meeting_roles(
    session: Session, clerk: User, meeting_id: int, roles: MeetingRoles
) -> Meeting:
    check_clerk(session, clerk)
    meeting = get_meeting(session, meeting_id, clerk)
    if meeting.status == MeetingStatus.closed:
        raise Refused(409, gettext("This meeting is closed; its chair and secretary stay."))
    if roles.chair_id is not None and mandate_of(session, meeting, roles.chair_id) is None:
        raise FieldRefused("chair_id", gettext("The chair must be a member of this council."))
    if roles.secretary_id is not None and mandate_of(session, meeting, roles.secretary_id) is None:
        secretary = session.get(User, roles.secretary_id)
        if not is_clerk(session, secretary):
            raise FieldRefused(
                "secretary_id",
                gettext("The secretary must be a member of this council or a clerk."),
            )
    meeting.chair_id, meeting.secretary_id = roles.chair_id, roles.secretary_id
    session.add(meeting)
    publish(session, "meeting.roles_changed", meeting_id=meeting_id)
    return meeting
