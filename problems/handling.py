"""Handling problem reports: who may handle a report, and what handlers (and, once, the
reporter) do with it. Each step writes a row on the report's public timeline, tells the
reporter and the followers in the same transaction, and publishes an event after commit.

A merged duplicate is closed as `rejected` with `merged_into_id` set: everything that asks
"is it open?" (the queue, "me too", nearby reports, statistics) then needs no special case.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from participation.auth import roles_of
from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.i18n import N_, gettext
from participation.models import Role, User
from participation.notifications import Follow, do_follow, follower_ids, notify
from problems.models import (
    Department,
    DepartmentWorker,
    MeToo,
    ProblemReport,
    ProblemStatus,
    ProblemUpdate,
    status_label,
)
from problems.reporting import SUBJECT, get_report, problem_url

S = ProblemStatus
# How far along the handling a status is: a handler moves a report forward, never back (the
# reporter's "reopen" is the one way back), and a closed report is not handled any further.
_STEP = {S.new: 0, S.acknowledged: 1, S.in_progress: 2}
_CLOSING = (S.fixed, S.not_ours, S.rejected)


# Who handles


def is_clerk(session: Session, user: User) -> bool:
    assert user.id is not None
    return Role.clerk.value in roles_of(session, user.id)


def worker_department_ids(session: Session, user: User) -> list[int]:
    """The departments the user works in (besides clerks, who handle every department)."""
    statement = select(DepartmentWorker.department_id).where(DepartmentWorker.user_id == user.id)
    return list(session.exec(statement).all())


def can_handle(session: Session, user: User | None, report: ProblemReport) -> bool:
    """A clerk handles every report; a department worker those of their departments."""
    if user is None or user.id is None:
        return False
    if is_clerk(session, user):
        return True
    return report.department_id in worker_department_ids(session, user)


def check_can_handle(session: Session, user: User | None, report: ProblemReport) -> None:
    if not can_handle(session, user, report):
        raise Refused(
            403, gettext("Only a clerk or a worker of its department can handle this report.")
        )


def can_confirm(report: ProblemReport, user: User | None) -> bool:
    """The reporter is asked once, when the report is fixed, to confirm or reopen it."""
    return (
        user is not None
        and report.author_id is not None
        and report.author_id == user.id
        and report.status == S.fixed
        and report.reporter_confirmed is None
    )


# Telling people


def _tell(
    session: Session,
    report: ProblemReport,
    actor: User | None,
    kind: str,
    message: Callable[[], str],
    *,
    anchor: str = "timeline",
    skip_reporter: bool = False,
) -> None:
    """Notify the reporter (who may not follow) and every follower, except the actor."""
    assert report.id is not None
    reporter = [] if skip_reporter or report.author_id is None else [report.author_id]
    followers = follower_ids(session, SUBJECT, report.id)
    if skip_reporter:
        followers = [f for f in followers if f != report.author_id]
    notify(
        session,
        [*reporter, *followers],
        kind=kind,
        subject=SUBJECT,
        subject_id=report.id,
        link=f"{problem_url(report.id)}#{anchor}",
        message=message,
        exclude=actor.id if actor else None,
    )


def _timeline(
    session: Session,
    report: ProblemReport,
    actor: User | None,
    kind: str,
    *,
    status: str | None = None,
    note: str = "",
    department_id: int | None = None,
) -> None:
    assert report.id is not None
    session.add(
        ProblemUpdate(
            report_id=report.id,
            kind=kind,
            status=status,
            note=note,
            department_id=department_id if department_id is not None else report.department_id,
            actor_id=actor.id if actor else None,
        )
    )


# Status


def check_status_change(report: ProblemReport, status: str, note: str, referral: str) -> None:
    """Forward only, from an open report; a referral or a reason where the status needs it."""
    if status not in _STEP and status not in _CLOSING:
        raise Refused(400, gettext("Choose one of the statuses."))
    if report.merged_into_id is not None:
        raise Refused(409, gettext("This report was merged into another one."))
    if report.status not in _STEP:
        raise Refused(409, gettext("This report is closed; only its reporter can reopen it."))
    if status in _STEP and _STEP[S(status)] <= _STEP[S(report.status)]:
        raise Refused(
            409,
            gettext("This report is already “%(status)s”; a status only moves forward.")
            % {"status": status_label(report.status)},
        )
    if status == S.not_ours and not referral.strip():
        raise Refused(400, gettext("Say who handles it instead."))
    if status == S.rejected and not note.strip():
        raise Refused(400, gettext("Give the reason why it is not handled."))


def public_note(status: str, note: str, referral: str) -> str:
    """What the timeline shows: for "not ours", the referral first, then the note."""
    if status != S.not_ours:
        return note.strip()
    return "\n\n".join(part for part in (referral.strip(), note.strip()) if part)


def do_set_status(
    session: Session, user: User, report_id: int, status: str, note: str, referral: str = ""
) -> ProblemReport:
    report = get_report(session, report_id)
    check_can_handle(session, user, report)
    check_status_change(report, status, note, referral)
    now = utcnow()
    text = public_note(status, note, referral)
    report.status = status
    report.note = text
    if status == S.fixed:
        report.fixed_at = now
    if status in _CLOSING:
        report.closed_at = now
    session.add(report)
    _timeline(session, report, user, "status", status=status, note=text)
    assert report.id is not None
    number = report.id

    def message() -> str:
        return gettext("Report #%(id)d is now “%(status)s”.") % {
            "id": number,
            "status": status_label(status),
        }

    if status == S.fixed and report.author_id is not None and report.reporter_confirmed is None:
        notify(
            session,
            [report.author_id],
            kind="problem.fixed",
            subject=SUBJECT,
            subject_id=number,
            link=f"{problem_url(number)}#confirm",
            message=lambda: (
                gettext("Your report #%(id)d is fixed. Is it? Confirm, or reopen it.")
                % {"id": number}
            ),
            exclude=user.id,
        )
        _tell(session, report, user, "problem.status", message, skip_reporter=True)
    else:
        _tell(session, report, user, "problem.status", message)
    publish(session, "problem.status", report_id=number, status=status)
    return report


# Reassigning


def do_assign(session: Session, user: User, report_id: int, department_id: int) -> ProblemReport:
    """Hand the report to another department, whose queue then has it."""
    report = get_report(session, report_id)
    check_can_handle(session, user, report)
    if report.status not in _STEP or report.merged_into_id is not None:
        raise Refused(409, gettext("A closed report cannot be passed to another department."))
    department = session.get(Department, department_id)
    if department is None or not department.active:
        raise Refused(404, gettext("This department does not exist."))
    if department_id == report.department_id:
        raise Refused(409, gettext("This report is already with that department."))
    report.department_id = department_id
    session.add(report)
    _timeline(session, report, user, "reassigned", department_id=department_id)
    name = department.name
    assert report.id is not None
    number = report.id
    _tell(
        session,
        report,
        user,
        "problem.reassigned",
        lambda: (
            gettext("Report #%(id)d was passed to %(department)s.")
            % {"id": number, "department": name}
        ),
    )
    publish(session, "problem.reassigned", report_id=number, department_id=department_id)
    return report


# Merging duplicates


def check_merge(duplicate: ProblemReport, target: ProblemReport) -> None:
    if duplicate.id == target.id:
        raise Refused(409, gettext("A report cannot be merged into itself."))
    if duplicate.merged_into_id is not None or duplicate.status not in _STEP:
        raise Refused(409, gettext("Only an open report can be merged into another."))
    if target.merged_into_id is not None or target.status not in _STEP:
        raise Refused(409, gettext("A report can only be merged into an open report."))


def do_merge(session: Session, user: User, report_id: int, into_id: int) -> ProblemReport:
    """Close the duplicate, pointing to the report it repeats; its reporter, "me too"
    supporters and followers move to that report (each once: the unique constraints)."""
    duplicate = get_report(session, report_id)
    check_can_handle(session, user, duplicate)
    target = get_report(session, into_id)
    check_merge(duplicate, target)
    assert duplicate.id is not None
    assert target.id is not None
    number, into = duplicate.id, target.id
    _tell(
        session,
        duplicate,
        user,
        "problem.merged",
        lambda: (
            gettext(
                "Report #%(id)d repeats report #%(into)d and was merged into it; you "
                "follow that one now."
            )
            % {"id": number, "into": into}
        ),
    )
    added = _move_supporters(session, duplicate, target)
    _move_followers(session, duplicate, target)
    now = utcnow()
    duplicate.merged_into_id = into
    duplicate.status = S.rejected
    duplicate.closed_at = now
    session.add(duplicate)
    _timeline(session, duplicate, user, "merged", status=S.rejected)
    session.execute(
        update(ProblemReport)
        .where(col(ProblemReport.id) == into)
        .values(me_too_count=ProblemReport.me_too_count + added)
    )
    session.refresh(target)
    publish(session, "problem.merged", report_id=number, into_id=into)
    return target


def _move_supporters(session: Session, duplicate: ProblemReport, target: ProblemReport) -> int:
    """Give the target a "me too" for each supporter of the duplicate and for its reporter,
    skipping whoever already supports (or reported) the target; returns how many it gained.
    An anonymous duplicate still counts once: someone had the same problem, and so does each
    "me too" whose account was erased since (its row went with the account, its count stayed)."""
    supporters = set(
        session.exec(select(MeToo.user_id).where(MeToo.report_id == duplicate.id)).all()
    )
    erased = max(0, duplicate.me_too_count - len(supporters))
    if duplicate.author_id is not None:
        supporters.add(duplicate.author_id)
    already = set(session.exec(select(MeToo.user_id).where(MeToo.report_id == target.id)).all())
    new = sorted(supporters - already - {target.author_id})
    assert target.id is not None
    session.add_all(MeToo(report_id=target.id, user_id=user_id) for user_id in new)
    session.execute(delete(MeToo).where(col(MeToo.report_id) == duplicate.id))
    duplicate.me_too_count = 0
    return len(new) + erased + (1 if duplicate.author_id is None else 0)


def _move_followers(session: Session, duplicate: ProblemReport, target: ProblemReport) -> None:
    assert duplicate.id is not None
    assert target.id is not None
    movers = set(follower_ids(session, SUBJECT, duplicate.id))
    if duplicate.author_id is not None:
        movers.add(duplicate.author_id)
    for user_id in sorted(movers):
        do_follow(session, user_id, SUBJECT, target.id)
    session.execute(
        delete(Follow).where(col(Follow.subject) == SUBJECT, col(Follow.subject_id) == duplicate.id)
    )


# The reporter's answer to "fixed"


def check_can_confirm(report: ProblemReport, user: User) -> None:
    if report.author_id is None or report.author_id != user.id:
        raise Refused(403, gettext("Only the reporter can confirm or reopen this report."))
    if report.reporter_confirmed is not None:
        raise Refused(409, gettext("You have already answered."))
    if report.status != S.fixed:
        raise Refused(409, gettext("This report is not marked as fixed."))


def do_confirm(session: Session, user: User, report_id: int, fixed: bool) -> ProblemReport:
    """The reporter's one answer: confirmed fixed, or reopened (back to "being fixed")."""
    report = get_report(session, report_id)
    check_can_confirm(report, user)
    report.reporter_confirmed = fixed
    assert report.id is not None
    number = report.id
    if fixed:
        _timeline(session, report, user, "confirmed")
        message = N_("The reporter confirmed that report #%(id)d is fixed.")
    else:
        report.status = S.in_progress
        report.fixed_at = None
        report.closed_at = None
        _timeline(session, report, user, "reopened", status=S.in_progress)
        message = N_("The reporter reopened report #%(id)d: it is not fixed.")
    session.add(report)
    _tell(session, report, user, "problem.confirmed", lambda: gettext(message) % {"id": number})
    publish(session, "problem.confirmed", report_id=number, fixed=fixed)
    return report
