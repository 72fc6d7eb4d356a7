"""Reports and moderators' decisions on content: `check_*` decides, `do_*` acts in the caller's
transaction and logs the decision.

Content is reached through the registry only (participation.content), so any content type
with a model is moderated the same way, without this module knowing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from moderation import cases
from moderation.forms import ActionDraft, ContentAction, ReportDraft
from moderation.log import check_moderator, record_action, tell
from moderation.models import ActionKind, CaseStatus, ModerationAction, Report, ReportStatus
from participation import ratelimit
from participation.checks import Refused
from participation.comments import DiscussionLock
from participation.content import ContentType, moderatable
from participation.database import utcnow
from participation.events import publish
from participation.i18n import gettext
from participation.models import User
from participation.visibility import Visibility, reason_label, set_visibility


@dataclass(frozen=True)
class Target:
    """One piece of content as moderation sees it, whatever its type."""

    kind: ContentType
    content_id: int
    author_id: int | None
    visibility: Visibility

    @property
    def ref(self) -> tuple[str, int]:
        return self.kind.name, self.content_id


def get_target(session: Session, type_name: str, content_id: int) -> Target:
    kind = moderatable(type_name)
    # populate_existing: a visibility set by SQL earlier in this transaction counts.
    row: Any = (
        session.get(kind.model, content_id, populate_existing=True) if kind is not None else None
    )
    if kind is None or row is None:
        raise Refused(404, gettext("This content does not exist."))
    return Target(kind, content_id, row.author_id, Visibility(row.visibility))


# Reports


def check_can_report(session: Session, user: User, target: Target) -> None:
    if target.author_id is not None and target.author_id == user.id:
        raise Refused(403, gettext("You cannot report what you wrote yourself."))
    if target.visibility is not Visibility.public:
        raise Refused(409, gettext("This content is already hidden."))


def has_reported(session: Session, user_id: int, target: Target) -> bool:
    return (
        session.exec(
            select(Report.id).where(
                Report.content_type == target.kind.name,
                Report.content_id == target.content_id,
                Report.reporter_id == user_id,
            )
        ).first()
        is not None
    )


def _insert_report(session: Session, user_id: int, draft: ReportDraft) -> int | None:
    """The new report's id, or None if the user had reported this already (also when two
    requests race: the unique constraint decides)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(Report)
        .values(
            content_type=draft.content_type,
            content_id=draft.content_id,
            reporter_id=user_id,
            reason=draft.reason,
            details=draft.details,
            status=ReportStatus.open.value,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["content_type", "content_id", "reporter_id"])
        .returning(Report.__table__.c.id)  # type: ignore[attr-defined]
    )
    found: int | None = session.execute(statement).scalar()
    return found


def do_report(session: Session, user: User, draft: ReportDraft, auto_hide_at: int) -> Target:
    """Record the report and count it on the content's case; hide the content pending review
    once `auto_hide_at` distinct verified users report it (0: never)."""
    assert user.id is not None
    target = get_target(session, draft.content_type, draft.content_id)
    check_can_report(session, user, target)
    try:
        ratelimit.check_and_hit(session, ratelimit.REPORT_PER_ACCOUNT, str(user.id))
    except ratelimit.RateLimited as limited:
        raise Refused(
            429, gettext("You sent many reports in a short while. Try again later.")
        ) from limited
    if _insert_report(session, user.id, draft) is None:
        raise Refused(409, gettext("You already reported this. A moderator will look at it."))
    case = cases.open_case(session, draft.content_type, draft.content_id, target.author_id)
    cases.count_report(session, case, draft.reason)
    publish(
        session, "moderation.reported", content_type=target.kind.name, content_id=target.content_id
    )
    if auto_hide_at > 0 and verified_reporters(session, target) >= auto_hide_at:
        _auto_hide(session, target, draft.reason)
    return target


def verified_reporters(session: Session, target: Target) -> int:
    """Distinct verified users with an open report on the content (one indexed range)."""
    statement = (
        select(func.count(func.distinct(Report.reporter_id)))
        .join(User, col(User.id) == col(Report.reporter_id))
        .where(
            Report.content_type == target.kind.name,
            Report.content_id == target.content_id,
            Report.status == ReportStatus.open.value,
            col(User.email_verified_at).is_not(None),
        )
    )
    return int(session.exec(statement).one())


def _auto_hide(session: Session, target: Target, reason: str) -> None:
    # Read again: a concurrent report may have hidden it already (its commit is visible now).
    if get_target(session, *target.ref).visibility is not Visibility.public:
        return
    set_visibility(session, target.kind.name, target.content_id, Visibility.auto_hidden, reason)
    record_action(
        session,
        ActionKind.auto_hide,
        moderator_id=None,
        content=target.ref,
        target_user_id=target.author_id,
        reason=reason,
    )
    publish(
        session, "moderation.hidden", content_type=target.kind.name, content_id=target.content_id
    )


# Moderators' decisions


def check_can_act(session: Session, moderator: User, target: Target) -> None:
    check_moderator(session, moderator)
    if target.author_id is not None and target.author_id == moderator.id:
        raise Refused(403, gettext("You cannot moderate what you wrote yourself."))


def is_locked(session: Session, target: Target) -> bool:
    return session.get(DiscussionLock, target.ref) is not None


def check_action(session: Session, target: Target, decision: ActionDraft) -> None:
    """Refuse a decision that does not fit the content's state (it changed meanwhile, or the
    form was old)."""
    visibility, action = target.visibility, decision.action
    if action is ContentAction.hide and visibility is Visibility.hidden:
        raise Refused(409, gettext("This content is already hidden."))
    if action is ContentAction.restore and visibility not in (
        Visibility.hidden,
        Visibility.auto_hidden,
    ):
        raise Refused(409, gettext("This content is not hidden; there is nothing to restore."))
    if action is ContentAction.release and visibility is not Visibility.held:
        raise Refused(409, gettext("This content is not held for review."))
    if action is ContentAction.dismiss:
        case = cases.case_of(session, *target.ref)
        if case is None or case.status != CaseStatus.open:
            raise Refused(409, gettext("There are no open reports on this content."))
    if action in (ContentAction.lock, ContentAction.unlock):
        if not target.kind.has_discussion:
            raise Refused(409, gettext("This content has no discussion to lock."))
        if (action is ContentAction.lock) == is_locked(session, target):
            if action is ContentAction.lock:
                raise Refused(409, gettext("This discussion is already locked."))
            raise Refused(409, gettext("This discussion is not locked."))


def do_act(
    session: Session, moderator: User, target: Target, decision: ActionDraft
) -> ModerationAction:
    """Carry out one decision on one piece of content and log it."""
    check_can_act(session, moderator, target)
    check_action(session, target, decision)
    action = decision.action
    if action is ContentAction.hide:
        set_visibility(session, *target.ref, Visibility.hidden, decision.reason)
        _close(session, target, ReportStatus.upheld)
    elif action in (ContentAction.restore, ContentAction.release):
        set_visibility(session, *target.ref, Visibility.public, None)
        _close(session, target, ReportStatus.dismissed)
    elif action is ContentAction.dismiss:
        if target.visibility is Visibility.auto_hidden:
            set_visibility(session, *target.ref, Visibility.public, None)
        _close(session, target, ReportStatus.dismissed)
    elif action is ContentAction.lock:
        session.add(
            DiscussionLock(
                subject=target.kind.name, subject_id=target.content_id, locked_by_id=moderator.id
            )
        )
    else:
        session.execute(
            delete(DiscussionLock).where(
                col(DiscussionLock.subject) == target.kind.name,
                col(DiscussionLock.subject_id) == target.content_id,
            )
        )
    entry = record_action(
        session,
        ActionKind(action.value),
        moderator_id=moderator.id,
        content=target.ref,
        target_user_id=target.author_id,
        reason=decision.reason,
        note=decision.note,
    )
    if action in (ContentAction.hide, ContentAction.restore):
        _tell_author(session, target, entry)
    publish(
        session,
        f"moderation.{action.value}",
        content_type=target.kind.name,
        content_id=target.content_id,
        action_id=entry.id,
    )
    return entry


def _close(session: Session, target: Target, status: ReportStatus) -> None:
    """A decision answers every open report on the content and takes it out of the queue;
    a later report opens the case again."""
    cases.resolve_reports(session, *target.ref, status)
    case = cases.case_of(session, *target.ref)
    if case is not None and case.status == CaseStatus.open:
        cases.close_case(session, case)


def _tell_author(session: Session, target: Target, entry: ModerationAction) -> None:
    if target.author_id is None:
        return
    assert entry.id is not None
    hidden = entry.action == ActionKind.hide
    reason = entry.reason

    def message() -> str:
        values = {"thing": target.kind.label()}
        if hidden and reason:
            values["reason"] = reason_label(reason)
            return (
                gettext("A moderator hid your %(thing)s. Reason: %(reason)s. You can appeal.")
                % values
            )
        return gettext("A moderator made your %(thing)s public again.") % values

    tell(session, target.author_id, entry, message)
