"""Who may see and act on a pact: its proposers (the author and the members of its
organisation), the city's clerks, everyone else; and which actions are open to whom now.

Templates use `available_actions` to show only the buttons that apply; the actions check the
same rules again (`check_*`), so a hidden button is never the only guard.
"""

from __future__ import annotations

from sqlmodel import Session, select

from pacts.models import OrganisationMember, Pact, PactStatus
from participation.auth import roles_of
from participation.checks import Refused
from participation.database import utcnow
from participation.i18n import gettext
from participation.models import Role, User
from participation.visibility import Visibility

S = PactStatus
# Who may do what, by status: (action, statuses, who) with who "proposer", "clerk", "either"
# or "anyone" (logged in).
_RULES: tuple[tuple[str, frozenset[str], str], ...] = (
    ("edit", frozenset({S.draft, S.changes_requested}), "proposer"),
    ("submit", frozenset({S.draft, S.changes_requested}), "proposer"),
    ("assess", frozenset({S.submitted}), "clerk"),
    ("request_changes", frozenset({S.in_assessment}), "clerk"),
    ("reject", frozenset({S.submitted, S.in_assessment}), "clerk"),
    ("open_consultation", frozenset({S.in_assessment}), "clerk"),
    ("advise", frozenset({S.consultation}), "anyone"),
    ("reply", frozenset({S.consultation, S.awaiting_signatures}), "either"),
    ("respond_to_advice", frozenset({S.consultation, S.awaiting_signatures}), "clerk"),
    ("sign", frozenset({S.awaiting_signatures}), "either"),
    ("report_progress", frozenset({S.active}), "either"),
    ("complete", frozenset({S.active}), "either"),
    ("end", frozenset({S.awaiting_signatures, S.active}), "either"),
)
PUBLIC_STATUSES = frozenset(s.value for s in PactStatus if s != PactStatus.draft)


def get_pact(session: Session, pact_id: int) -> Pact:
    """The pact, or Refused(404)."""
    pact = session.get(Pact, pact_id)
    if pact is None:
        raise Refused(404, gettext("This pact does not exist."))
    return pact


def is_clerk(session: Session, user: User | None) -> bool:
    return user is not None and user.id is not None and Role.clerk in roles_of(session, user.id)


def is_proposer(session: Session, pact: Pact, user: User | None) -> bool:
    """The author, or a member of the pact's organisation: they co-manage the pact."""
    if user is None or user.id is None:
        return False
    if pact.author_id == user.id:
        return True
    if pact.organisation_id is None:
        return False
    found = session.exec(
        select(OrganisationMember.id).where(
            OrganisationMember.organisation_id == pact.organisation_id,
            OrganisationMember.user_id == user.id,
        )
    ).first()
    return found is not None


def can_view(session: Session, pact: Pact, user: User | None) -> bool:
    """Drafts: proposers and clerks only. Later: everyone, unless moderation hid or holds the
    pact (then its proposers, clerks and moderators)."""
    if pact.status != PactStatus.draft and pact.visibility == Visibility.public:
        return True
    if is_proposer(session, pact, user) or is_clerk(session, user):
        return True
    if pact.status == PactStatus.draft or user is None or user.id is None:
        return False
    return Role.moderator in roles_of(session, user.id)


def check_can_view(session: Session, pact: Pact, user: User | None) -> None:
    """Refused(404) for a pact this user may not see (as if it did not exist)."""
    if not can_view(session, pact, user):
        raise Refused(404, gettext("This pact does not exist."))


def check_proposer(session: Session, pact: Pact, user: User) -> None:
    if not is_proposer(session, pact, user):
        raise Refused(
            403,
            gettext(
                "Only the proposers of this pact (its author and their organisation) can do this."
            ),
        )


def check_clerk(session: Session, user: User) -> None:
    if not is_clerk(session, user):
        raise Refused(403, gettext("Only a clerk of the municipality can do this."))


def check_proposer_or_clerk(session: Session, pact: Pact, user: User) -> None:
    if not (is_proposer(session, pact, user) or is_clerk(session, user)):
        raise Refused(
            403,
            gettext("Only the proposers of this pact or a clerk of the municipality can do this."),
        )


def consultation_is_open(pact: Pact) -> bool:
    """By the status and by the clock: advice a second after the close is refused even
    before the job has moved the pact on."""
    return pact.status == PactStatus.consultation and (
        pact.consultation_closes_at is None or utcnow() < pact.consultation_closes_at
    )


def available_actions(session: Session, pact: Pact, user: User | None) -> frozenset[str]:
    """What this user may do to this pact now, by name: "edit", "submit", "assess",
    "request_changes", "reject", "open_consultation", "advise", "reply", "respond_to_advice",
    "sign", "report_progress", "complete", "end", "follow". Ignores mutes and verification
    (the action refuses those with a message)."""
    if user is None or not can_view(session, pact, user):
        return frozenset()
    proposer = is_proposer(session, pact, user)
    clerk = is_clerk(session, user)
    roles = {"anyone": True, "proposer": proposer, "clerk": clerk, "either": proposer or clerk}
    found = {"follow"} if pact.status != PactStatus.draft else set()
    for action, statuses, who in _RULES:
        if pact.status in statuses and roles[who]:
            found.add(action)
    if "advise" in found and not consultation_is_open(pact):
        found.discard("advise")
    if pact.advice_response and (pact.city_signed_at or pact.proposer_signed_at):
        found.discard("respond_to_advice")
    if "sign" in found and not _may_sign(pact, clerk=clerk):
        found.discard("sign")
    return frozenset(found)


def _may_sign(pact: Pact, *, clerk: bool) -> bool:
    if not pact.advice_response:
        return False
    return pact.city_signed_at is None if clerk else pact.proposer_signed_at is None
