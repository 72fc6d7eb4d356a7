"""The pact's public timeline: each step changes the status with a conditional update,
records who did it, when and why (PactStep), tells the proposers and followers, and publishes
"pact.step" after commit.

A refused transition says what is possible now, from the pact's current status.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from pacts.models import OrganisationMember, Pact, PactStatus, PactStep, status_label
from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.i18n import N_, gettext
from participation.notifications import follower_ids, notify

SUBJECT = "pact"

# What each step is called on the timeline; a step that leads to a status of that name (such
# as "rejected") is called as the status is, said of the pact (see `status_label`).
STEP_LABELS = {
    "created": N_("Proposal written"),
    "resubmitted": N_("Submitted again with changes"),
    "assessment_started": N_("Taken for assessment"),
    "consultation_opened": N_("Public consultation opened"),
    "consultation_closed": N_("Public consultation closed"),
    "advice_response": N_("Answer to the advice recorded"),
    "city_signed": N_("Signed by the municipality"),
    "proposers_signed": N_("Signed by the proposers"),
    "activated": N_("Signed by both parties: the pact is active"),
    "progress": N_("Progress reported"),
}

# What the followers are told, with the pact's title.
_MESSAGES = {
    "submitted": N_("The pact “%(title)s” was submitted to the municipality."),
    "resubmitted": N_("The pact “%(title)s” was submitted again with changes."),
    "assessment_started": N_("The municipality is assessing the pact “%(title)s”."),
    "changes_requested": N_("The municipality asks for changes to the pact “%(title)s”."),
    "rejected": N_("The municipality rejected the pact “%(title)s”."),
    "consultation_opened": N_("The pact “%(title)s” is open for your advice."),
    "consultation_closed": N_("The consultation on the pact “%(title)s” has closed."),
    "advice_response": N_("The municipality recorded how the advice on “%(title)s” was used."),
    "city_signed": N_("The municipality signed the pact “%(title)s”."),
    "proposers_signed": N_("The proposers signed the pact “%(title)s”."),
    "activated": N_("The pact “%(title)s” is signed by both parties and now active."),
    "progress": N_("New progress on the pact “%(title)s”."),
    "completed": N_("The pact “%(title)s” is completed."),
    "ended": N_("The pact “%(title)s” was ended early."),
}

# What can happen next from each status: the second half of a 409's message.
_NEXT = {
    PactStatus.draft: N_("its proposers can edit and submit it."),
    PactStatus.submitted: N_("a clerk can take it for assessment or reject it."),
    PactStatus.in_assessment: N_(
        "a clerk can request changes, reject it or open the public consultation."
    ),
    PactStatus.changes_requested: N_("its proposers can edit it and submit it again."),
    PactStatus.rejected: N_("nothing more: it was rejected."),
    PactStatus.consultation: N_(
        "everyone can give advice until the consultation closes by itself."
    ),
    PactStatus.awaiting_signatures: N_(
        "a clerk records how the advice was used, then both parties sign."
    ),
    PactStatus.active: N_(
        "its proposers and the municipality report progress, complete it or end it early."
    ),
    PactStatus.completed: N_("nothing more: it is completed."),
    PactStatus.ended: N_("nothing more: it was ended early."),
}


_STATUS_STEPS = frozenset({"submitted", "changes_requested", "rejected", "completed", "ended"})


def step_label(kind: str) -> str:
    if kind in _STATUS_STEPS:
        return status_label(kind)
    return gettext(STEP_LABELS.get(kind, kind))


def possible_now(status: str) -> str:
    """The sentence that says what is possible in this status."""
    return gettext("This pact is now “%(status)s”: %(next)s") % {
        "status": status_label(status),
        "next": gettext(_NEXT[PactStatus(status)]),
    }


def refuse_status(pact: Pact) -> Refused:
    """The 409 for an action that does not fit the pact's current status."""
    return Refused(409, possible_now(pact.status))


def check_status(pact: Pact, allowed: Collection[str]) -> None:
    if pact.status not in allowed:
        raise refuse_status(pact)


def pact_url(pact_id: int) -> str:
    return f"/pacts/{pact_id}"


def transition(
    session: Session,
    pact: Pact,
    allowed: Collection[str],
    values: dict[str, Any],
    *,
    extra: Any = None,
) -> None:
    """UPDATE pacts SET values WHERE id = pact AND status IN allowed [AND extra]: of two
    concurrent requests, one changes the row; the other finds the status moved on (its update
    waits for the first on PostgreSQL, then matches nothing) and gets a 409. The loaded pact
    is refreshed either way."""
    assert pact.id is not None
    statement = (
        update(Pact)
        .where(col(Pact.id) == pact.id, col(Pact.status).in_(list(allowed)))
        .values(updated_at=utcnow(), **values)
        .returning(col(Pact.id))
    )
    if extra is not None:
        statement = statement.where(extra)
    changed = session.execute(statement).first()
    session.refresh(pact)
    if changed is None:
        raise refuse_status(pact)


def record_step(
    session: Session,
    pact: Pact,
    kind: str,
    actor_id: int | None,
    reason: str = "",
    *,
    automatic: bool = False,
    notify_people: bool = True,
) -> PactStep:
    """Add the step to the timeline, tell the proposers (author, organisation members) and
    followers except the actor, and publish "pact.step" after commit."""
    assert pact.id is not None
    step = PactStep(
        pact_id=pact.id,
        kind=kind,
        status=pact.status,
        actor_id=actor_id,
        automatic=automatic,
        reason=reason,
    )
    session.add(step)
    session.flush()
    if notify_people and kind in _MESSAGES:
        title = pact.title
        template = _MESSAGES[kind]
        notify(
            session,
            [*proposer_ids(session, pact), *follower_ids(session, SUBJECT, pact.id)],
            kind=f"pact.{kind}",
            subject=SUBJECT,
            subject_id=pact.id,
            link=f"{pact_url(pact.id)}#timeline",
            message=lambda: gettext(template) % {"title": title},
            exclude=actor_id,
        )
    publish(session, "pact.step", pact_id=pact.id, kind=kind, status=pact.status)
    return step


def proposer_ids(session: Session, pact: Pact) -> list[int]:
    """The author and the members of the pact's organisation."""
    found = [pact.author_id] if pact.author_id is not None else []
    if pact.organisation_id is not None:
        members = session.exec(
            select(OrganisationMember.user_id).where(
                OrganisationMember.organisation_id == pact.organisation_id
            )
        )
        found.extend(members)
    return found


def timeline(session: Session, pact_id: int) -> list[PactStep]:
    """The pact's steps, oldest first."""
    return list(
        session.exec(
            select(PactStep).where(PactStep.pact_id == pact_id).order_by(col(PactStep.id))
        ).all()
    )
