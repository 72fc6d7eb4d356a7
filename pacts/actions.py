"""What people do with pacts: `check_*` decides whether this user may do this now, `do_*` does
it in the caller's transaction, records the step on the pact's public timeline (PactStep) and
publishes an event after commit. Every transition is a conditional change from the status it
expects, so a double click or a race ends in one step and a clear refusal (409 with what is
possible now), never two steps.

Who does what:
- proposers (the author, or a member of the pact's organisation): create and edit a draft (and a
  pact whose changes were requested), submit (draft → submitted; changes_requested → submitted,
  recorded as "resubmitted"), sign for the proposers, report progress, complete, end early;
- clerks: take a submitted pact for assessment (with a city department), request changes
  (with a reason), reject (with reasons), open the public consultation with the resources the
  city grants fixed (each requested resource granted or refused, with a note) for N days,
  record how the advice was taken into account, sign for the city, report progress, complete,
  end early;
- everyone logged in and verified: advise during the consultation (a comment with a stance);
- the scheduler: close the consultation when it is due (consultation → awaiting_signatures),
  exactly once, also across restarts and with two workers.
Signing needs the advice response first; when both parties have signed, the pact text is
frozen and the pact becomes active. Drafts are seen by their proposers and clerks only; from
submission on, a pact and its timeline are public.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from pacts import steps
from pacts.access import (
    available_actions,
    can_view,
    check_can_view,
    check_proposer,
    consultation_is_open,
    get_pact,
    is_clerk,
    is_proposer,
)
from pacts.forms import AdviceDraft, PactDraft, ResourceDraft
from pacts.lifecycle import (
    do_complete,
    do_end_early,
    do_open_consultation,
    do_reject,
    do_report_progress,
    do_request_changes,
    do_respond_to_advice,
    do_sign,
    do_take_for_assessment,
    store_photos,
)
from pacts.models import OrganisationMember, Pact, PactPhoto, PactResource, PactStatus
from pacts.steps import SUBJECT, pact_url
from participation import comments
from participation.actions import check_can_write, check_verified
from participation.checks import Refused
from participation.comments import Comment
from participation.events import publish
from participation.i18n import gettext
from participation.models import User
from participation.notifications import do_follow, do_unfollow, notify
from participation.photos import MAX_PHOTOS, StoredPhoto
from participation.screening import screen_new_content
from participation.settings import Settings
from participation.visibility import Visibility

__all__ = [
    "SUBJECT",
    "available_actions",
    "can_view",
    "check_can_view",
    "do_advise",
    "do_complete",
    "do_create_pact",
    "do_edit_pact",
    "do_end_early",
    "do_follow_pact",
    "do_open_consultation",
    "do_reject",
    "do_report_progress",
    "do_request_changes",
    "do_respond_to_advice",
    "do_sign",
    "do_submit_pact",
    "do_take_for_assessment",
    "do_unfollow_pact",
    "get_pact",
    "is_clerk",
    "is_proposer",
    "pact_url",
    "store_comment_count",
]

EDITABLE = (PactStatus.draft.value, PactStatus.changes_requested.value)
SIGNED = (PactStatus.active.value, PactStatus.completed.value, PactStatus.ended.value)


def _check_organisation(session: Session, user: User, organisation_id: int | None) -> None:
    if organisation_id is None:
        return
    found = session.exec(
        select(OrganisationMember.id).where(
            OrganisationMember.organisation_id == organisation_id,
            OrganisationMember.user_id == user.id,
        )
    ).first()
    if found is None:
        raise Refused(403, gettext("You can only propose a pact for one of your organisations."))


def _screen(session: Session, settings: Settings | None, author: User, pact: Pact) -> None:
    """Hold the proposal for a moderator if moderation's rules say so. `settings` is None
    only for demo data and test fixtures, which are not screened."""
    if settings is not None:
        assert pact.id is not None
        text = f"{pact.title}\n{pact.description}\n{pact.commitments}"
        screen_new_content(session, settings, author, SUBJECT, pact.id, text)


def _store_resources(session: Session, pact_id: int, resources: list[ResourceDraft]) -> None:
    session.execute(delete(PactResource).where(col(PactResource.pact_id) == pact_id))
    for position, resource in enumerate(resources):
        session.add(
            PactResource(
                pact_id=pact_id,
                position=position,
                kind=resource.kind,
                description=resource.description,
                budget_eur=resource.budget_eur,
            )
        )


def do_create_pact(
    session: Session,
    author: User,
    draft: PactDraft,
    photos: list[StoredPhoto],
    *,
    settings: Settings | None = None,
) -> Pact:
    """A new draft (status draft) with its resources and up to 3 photos; the author follows
    it. Refused(403) when not verified, muted, or `draft.organisation_id` is not one of the
    author's organisations; screened (with `settings`; None only for demo data and tests)."""
    check_can_write(author, settings)
    _check_organisation(session, author, draft.organisation_id)
    if len(photos) > MAX_PHOTOS:
        raise Refused(409, gettext("Add at most %(num)d photos.") % {"num": MAX_PHOTOS})
    pact = Pact(
        title=draft.title,
        description=draft.description,
        category=draft.category,
        latitude=draft.latitude,
        longitude=draft.longitude,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        commitments=draft.commitments,
        author_id=author.id,
        organisation_id=draft.organisation_id,
    )
    session.add(pact)
    session.flush()
    assert pact.id is not None
    assert author.id is not None
    _store_resources(session, pact.id, draft.resources)
    store_photos(session, pact.id, None, photos)
    do_follow(session, author.id, SUBJECT, pact.id)
    steps.record_step(session, pact, "created", author.id, notify_people=False)
    _screen(session, settings, author, pact)
    return pact


def check_can_edit(session: Session, pact: Pact, user: User) -> None:
    check_proposer(session, pact, user)
    if pact.status in SIGNED:
        raise Refused(409, gettext("This pact has been signed: it can no longer be edited."))
    steps.check_status(pact, EDITABLE)


def do_edit_pact(
    session: Session,
    pact_id: int,
    user: User,
    draft: PactDraft,
    photos: list[StoredPhoto],
    *,
    remove_photos: Collection[int] = (),
    settings: Settings | None = None,
) -> Pact:
    """Replace the proposal (resources included), remove its photos whose ids are in
    `remove_photos` (the caller deletes their files after commit) and add `photos` (at most
    MAX_PHOTOS in all): by a proposer, while draft or changes_requested. Refused 403/409
    otherwise (409 says a signed pact cannot be edited)."""
    pact = get_pact(session, pact_id)
    check_can_view(session, pact, user)
    check_can_edit(session, pact, user)
    check_can_write(user, settings)
    _check_organisation(session, user, draft.organisation_id)
    current = session.exec(
        select(PactPhoto)
        .where(PactPhoto.pact_id == pact_id, col(PactPhoto.report_id).is_(None))
        .order_by(col(PactPhoto.position), col(PactPhoto.id))
    ).all()
    kept = [p for p in current if p.id not in remove_photos]
    if len(kept) + len(photos) > MAX_PHOTOS:
        raise Refused(409, gettext("A proposal has at most 3 photos."))
    steps.transition(
        session,
        pact,
        EDITABLE,
        {
            "title": draft.title,
            "description": draft.description,
            "category": draft.category,
            "latitude": draft.latitude,
            "longitude": draft.longitude,
            "starts_on": draft.starts_on,
            "ends_on": draft.ends_on,
            "commitments": draft.commitments,
            "organisation_id": draft.organisation_id,
        },
    )
    _store_resources(session, pact_id, draft.resources)
    for photo in current:
        if photo not in kept:
            session.delete(photo)
    for position, photo in enumerate(kept):
        photo.position = position
    store_photos(session, pact_id, None, photos, first=len(kept))
    _screen(session, settings, user, pact)
    publish(session, "pact.edited", pact_id=pact_id)
    return pact


def do_submit_pact(session: Session, pact_id: int, user: User) -> Pact:
    """draft → submitted, or changes_requested → submitted (the step says "resubmitted"):
    by a proposer."""
    pact = get_pact(session, pact_id)
    check_can_view(session, pact, user)
    check_proposer(session, pact, user)
    check_verified(user)
    steps.check_status(pact, EDITABLE)
    kind = "resubmitted" if pact.status == PactStatus.changes_requested else "submitted"
    steps.transition(session, pact, [pact.status], {"status": PactStatus.submitted.value})
    steps.record_step(session, pact, kind, user.id)
    return pact


def do_follow_pact(session: Session, pact_id: int, user: User) -> None:
    """Follow a pact the user can see; idempotent."""
    pact = get_pact(session, pact_id)
    check_can_view(session, pact, user)
    assert user.id is not None
    do_follow(session, user.id, SUBJECT, pact_id)


def do_unfollow_pact(session: Session, pact_id: int, user: User) -> None:
    """Stop following; idempotent."""
    get_pact(session, pact_id)
    assert user.id is not None
    do_unfollow(session, user.id, SUBJECT, pact_id)


def store_comment_count(session: Session, pact_id: int, count: int) -> None:
    """The comment count shows public advice only: moderation recounts when it hides or shows
    one (registered with `comments.keep_count` in pacts/content.py)."""
    session.execute(update(Pact).where(col(Pact.id) == pact_id).values(comment_count=count))


def _check_advice(session: Session, pact: Pact, user: User, draft: AdviceDraft) -> None:
    if pact.visibility != Visibility.public:
        raise Refused(409, gettext("This pact is not public now: it takes no advice."))
    if draft.parent_id is None:
        if not consultation_is_open(pact):
            raise Refused(
                409,
                gettext("Advice is given during the public consultation only.")
                + " "
                + steps.possible_now(pact.status),
            )
        if draft.stance is None:
            raise Refused(409, gettext("Say whether you are for or against, or neutral."))
        return
    if not (is_proposer(session, pact, user) or is_clerk(session, user)):
        raise Refused(403, gettext("Only the proposers and the municipality reply to advice."))
    steps.check_status(pact, (PactStatus.consultation.value, PactStatus.awaiting_signatures.value))


def do_advise(
    session: Session,
    pact_id: int,
    user: User,
    draft: AdviceDraft,
    *,
    settings: Settings | None = None,
) -> Comment:
    """Advice (a comment on subject "pact", with a stance) by any verified user during the
    consultation (409 once it closed, also by the clock before the job ran); or, with
    `draft.parent_id`, a reply by a proposer or a clerk, during the consultation or while
    awaiting signatures. The adviser follows the pact."""
    check_can_write(user, settings)
    pact = get_pact(session, pact_id)
    check_can_view(session, pact, user)
    _check_advice(session, pact, user, draft)
    parent = comments.check_reply_target(session, SUBJECT, pact_id, draft.parent_id)
    stance = draft.stance if parent is None else None
    comment = comments.do_post_comment(session, user, SUBJECT, pact_id, draft.body, stance, parent)
    session.execute(
        update(Pact).where(col(Pact.id) == pact_id).values(comment_count=Pact.comment_count + 1)
    )
    assert user.id is not None
    assert comment.id is not None
    title = pact.title
    name = user.display_name
    notify(
        session,
        [*steps.proposer_ids(session, pact)],
        kind="pact.advice",
        subject=SUBJECT,
        subject_id=pact_id,
        link=f"{pact_url(pact_id)}#comment-{comment.id}",
        message=lambda: (
            gettext("%(name)s gave advice on the pact “%(title)s”.")
            % {"name": name, "title": title}
        ),
        exclude=user.id,
        source=(comments.CONTENT_TYPE, comment.id),
    )
    do_follow(session, user.id, SUBJECT, pact_id)
    if settings is not None:
        screen_new_content(session, settings, user, comments.CONTENT_TYPE, comment.id, draft.body)
    publish(session, "pact.advice", pact_id=pact_id, comment_id=comment.id)
    return comment
