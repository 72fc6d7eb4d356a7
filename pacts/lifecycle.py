"""The pact's steps after submission (see the contract in pacts/actions.py): the city's
assessment and consultation, signing, and the follow-up while active. Each step is a
conditional update from the status it expects, recorded on the timeline by `pacts.steps`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import Session, col

from pacts import steps, text
from pacts.access import (
    check_can_view,
    check_clerk,
    check_proposer_or_clerk,
    get_pact,
    is_clerk,
    is_proposer,
)
from pacts.forms import ConsultationDraft, ProgressDraft
from pacts.models import Pact, PactPhoto, PactStatus, ProgressReport
from pacts.queries import resources_of
from participation.actions import check_can_post, check_verified
from participation.checks import Refused
from participation.database import utcnow
from participation.i18n import gettext
from participation.models import User
from participation.photos import MAX_PHOTOS, StoredPhoto
from participation.screening import screen_new_content
from participation.settings import Settings

S = PactStatus
PROGRESS = "pact_progress"  # the content-type name of a progress report (pacts/content.py)
DEFAULT_MUNICIPALITY = "Demostad"


def _required(reason: str, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Refused(409, what)
    return reason


def _clerk_pact(session: Session, pact_id: int, clerk: User) -> Pact:
    pact = get_pact(session, pact_id)
    check_can_view(session, pact, clerk)
    check_clerk(session, clerk)
    return pact


def _text_args(settings: Settings | None) -> tuple[str, str]:
    """The language and the municipality name in which the pact text is written."""
    if settings is None:
        return "nl", DEFAULT_MUNICIPALITY
    return settings.default_language, settings.municipality_name


def do_take_for_assessment(session: Session, pact_id: int, clerk: User, department: str) -> Pact:
    """submitted → in_assessment; the clerk becomes the assessor, `department` ("" for none)
    is the city department that assesses it."""
    pact = _clerk_pact(session, pact_id, clerk)
    steps.check_status(pact, [S.submitted])
    values = {"status": S.in_assessment.value, "assessor_id": clerk.id, "department": department}
    steps.transition(session, pact, [S.submitted], values)
    steps.record_step(session, pact, "assessment_started", clerk.id, department)
    return pact


def do_request_changes(session: Session, pact_id: int, clerk: User, reason: str) -> Pact:
    """in_assessment → changes_requested, with the reason (required)."""
    pact = _clerk_pact(session, pact_id, clerk)
    steps.check_status(pact, [S.in_assessment])
    reason = _required(reason, gettext("Say which changes you ask for."))
    steps.transition(session, pact, [S.in_assessment], {"status": S.changes_requested.value})
    steps.record_step(session, pact, "changes_requested", clerk.id, reason)
    return pact


def do_reject(session: Session, pact_id: int, clerk: User, reasons: str) -> Pact:
    """submitted or in_assessment → rejected, with the reasons (required)."""
    pact = _clerk_pact(session, pact_id, clerk)
    allowed = [S.submitted, S.in_assessment]
    steps.check_status(pact, allowed)
    reasons = _required(reasons, gettext("Give the reasons for the rejection."))
    steps.transition(session, pact, allowed, {"status": S.rejected.value})
    steps.record_step(session, pact, "rejected", clerk.id, reasons)
    return pact


def do_open_consultation(
    session: Session,
    pact_id: int,
    clerk: User,
    draft: ConsultationDraft,
    *,
    settings: Settings | None = None,
) -> Pact:
    """in_assessment → consultation for `draft.days` days: each requested resource granted or
    refused (every one must be decided: 409 otherwise), and the first pact text generated
    (in `settings.default_language`, "nl" without settings)."""
    pact = _clerk_pact(session, pact_id, clerk)
    steps.check_status(pact, [S.in_assessment])
    if not 1 <= draft.days <= 90:
        raise Refused(409, gettext("A consultation lasts from 1 to 90 days."))
    resources = {r.id: r for r in resources_of(session, pact_id) if r.id is not None}
    decided = {decision.resource_id: decision for decision in draft.decisions}
    if set(decided) != set(resources):
        raise Refused(409, gettext("Decide on each requested resource: grant it or refuse it."))
    now = utcnow()
    values = {
        "status": S.consultation.value,
        "consultation_days": draft.days,
        "consultation_opens_at": now,
        "consultation_closes_at": now + dt.timedelta(days=draft.days),
    }
    steps.transition(session, pact, [S.in_assessment], values)
    for resource_id, resource in resources.items():
        decision = decided[resource_id]
        if decision.decision not in ("granted", "refused"):
            raise Refused(409, gettext("Decide on each requested resource: grant it or refuse it."))
        resource.decision = decision.decision
        resource.city_note = decision.city_note
        session.add(resource)
    session.flush()
    text.refresh_text(session, pact, *_text_args(settings))
    steps.record_step(session, pact, "consultation_opened", clerk.id)
    return pact


def close_consultation(session: Session, now: dt.datetime) -> list[int]:
    """consultation → awaiting_signatures for every consultation due by `now`: one
    conditional update, so a second run (another worker, a restart) closes nothing twice.
    Returns the pacts closed by this call, each with an automatic step."""
    closed = session.execute(
        update(Pact)
        .where(
            col(Pact.status) == S.consultation.value,
            col(Pact.consultation_closes_at) <= now,
        )
        .values(status=S.awaiting_signatures.value, updated_at=now)
        .returning(col(Pact.id))
    ).all()
    ids = sorted(row[0] for row in closed)
    for pact_id in ids:
        pact = get_pact(session, pact_id)
        session.refresh(pact)
        steps.record_step(session, pact, "consultation_closed", None, automatic=True)
    return ids


def do_respond_to_advice(
    session: Session, pact_id: int, clerk: User, response: str, *, settings: Settings | None = None
) -> Pact:
    """Record how the advice was taken into account (required, non-empty): by a clerk, in
    consultation or awaiting_signatures, before anyone signed. The pact text is regenerated."""
    pact = _clerk_pact(session, pact_id, clerk)
    allowed = [S.consultation, S.awaiting_signatures]
    steps.check_status(pact, allowed)
    response = _required(response, gettext("Say how the advice was taken into account."))
    unsigned = col(Pact.city_signed_at).is_(None) & col(Pact.proposer_signed_at).is_(None)
    if pact.city_signed_at or pact.proposer_signed_at:
        raise Refused(409, gettext("The pact has been signed: the answer can no longer change."))
    steps.transition(session, pact, allowed, {"advice_response": response}, extra=unsigned)
    text.refresh_text(session, pact, *_text_args(settings))
    steps.record_step(session, pact, "advice_response", clerk.id, response)
    return pact


def do_sign(
    session: Session, pact_id: int, user: User, *, settings: Settings | None = None
) -> Pact:
    """Sign in awaiting_signatures, after the advice response: a clerk signs for the city, a
    proposer for the proposers (a clerk who is also a proposer signs for the city). When both
    have signed, the pact becomes active and its text is frozen."""
    pact = get_pact(session, pact_id)
    check_can_view(session, pact, user)
    check_proposer_or_clerk(session, pact, user)
    check_verified(user)
    steps.check_status(pact, [S.awaiting_signatures])
    if not pact.advice_response:
        raise Refused(
            409, gettext("The municipality first records how the advice was taken into account.")
        )
    for_city = is_clerk(session, user)
    party = "city" if for_city else "proposer"
    signed_at = Pact.city_signed_at if for_city else Pact.proposer_signed_at
    if getattr(pact, f"{party}_signed_at") is not None:
        raise Refused(409, gettext("This party has already signed the pact."))
    steps.transition(
        session,
        pact,
        [S.awaiting_signatures],
        {f"{party}_signed_at": utcnow(), f"{party}_signed_by_id": user.id},
        extra=col(signed_at).is_(None) & (col(Pact.advice_response) != ""),
    )
    steps.record_step(session, pact, "city_signed" if for_city else "proposers_signed", user.id)
    both = col(Pact.city_signed_at).is_not(None) & col(Pact.proposer_signed_at).is_not(None)
    activated = session.execute(
        update(Pact)
        .where(col(Pact.id) == pact_id, col(Pact.status) == S.awaiting_signatures.value, both)
        .values(status=S.active.value, updated_at=utcnow())
        .returning(col(Pact.id))
    ).first()
    session.refresh(pact)
    if activated is not None:
        text.freeze_text(session, pact, *_text_args(settings))
        steps.record_step(session, pact, "activated", None, automatic=True)
    return pact


def store_photos(
    session: Session,
    pact_id: int,
    report_id: int | None,
    photos: list[StoredPhoto],
    first: int = 0,
) -> None:
    for position, photo in enumerate(photos, start=first):
        session.add(
            PactPhoto(
                pact_id=pact_id,
                report_id=report_id,
                position=position,
                name=photo.name,
                thumb_name=photo.thumb_name,
                width=photo.width,
                height=photo.height,
            )
        )


def _add_report(
    session: Session,
    pact: Pact,
    user: User,
    draft: ProgressDraft,
    photos: list[StoredPhoto],
    settings: Settings | None,
) -> ProgressReport:
    if len(photos) > MAX_PHOTOS:
        raise Refused(409, gettext("A progress report has at most 3 photos."))
    assert pact.id is not None
    report = ProgressReport(
        pact_id=pact.id,
        author_id=user.id,
        by_city=is_clerk(session, user) and not is_proposer(session, pact, user),
        body=draft.body,
        hours=draft.hours,
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    store_photos(session, pact.id, report.id, photos)
    if settings is not None:
        screen_new_content(session, settings, user, PROGRESS, report.id, draft.body)
    return report


def _check_follow_up(session: Session, pact_id: int, user: User, settings: Settings | None) -> Pact:
    pact = get_pact(session, pact_id)
    check_can_view(session, pact, user)
    check_proposer_or_clerk(session, pact, user)
    check_verified(user)
    check_can_post(user, settings.zone if settings else None)
    return pact


def do_report_progress(
    session: Session,
    pact_id: int,
    user: User,
    draft: ProgressDraft,
    photos: list[StoredPhoto],
    *,
    settings: Settings | None = None,
) -> ProgressReport:
    """A progress report (text, optional hours, up to 3 photos) by a proposer or a clerk
    (`by_city`), while active; screened like any new content."""
    pact = _check_follow_up(session, pact_id, user, settings)
    steps.check_status(pact, [S.active])
    # Touch the row under the status condition, so that a report racing a completion either
    # lands while the pact is active or is refused.
    steps.transition(session, pact, [S.active], {})
    report = _add_report(session, pact, user, draft, photos, settings)
    steps.record_step(session, pact, "progress", user.id)
    return report


def do_complete(
    session: Session,
    pact_id: int,
    user: User,
    draft: ProgressDraft,
    photos: list[StoredPhoto],
    *,
    settings: Settings | None = None,
) -> Pact:
    """active → completed with a final report (stored as the last progress report and in
    `pact.final_report`): by a proposer or a clerk."""
    pact = _check_follow_up(session, pact_id, user, settings)
    steps.check_status(pact, [S.active])
    values = {"status": S.completed.value, "final_report": draft.body}
    steps.transition(session, pact, [S.active], values)
    _add_report(session, pact, user, draft, photos, settings)
    steps.record_step(session, pact, "completed", user.id)
    return pact


def do_end_early(
    session: Session, pact_id: int, user: User, reason: str, *, settings: Settings | None = None
) -> Pact:
    """active (or awaiting_signatures) → ended, with the reason (required): by a proposer or a
    clerk. The ending is added to the pact text as a new version."""
    pact = get_pact(session, pact_id)
    check_can_view(session, pact, user)
    check_proposer_or_clerk(session, pact, user)
    allowed = [S.awaiting_signatures, S.active]
    steps.check_status(pact, allowed)
    reason = _required(reason, gettext("Say why the pact ends early."))
    was_active = pact.status == S.active
    steps.transition(session, pact, allowed, {"status": S.ended.value})
    steps.record_step(session, pact, "ended", user.id, reason)
    if was_active:
        text.refresh_text(session, pact, *_text_args(settings))
    return pact
