"""What residents do with problem reports: report one (with or without an account, as the
municipality allows), say "me too" to an open one, and find open ones nearby first.

`check_*` decides whether it may happen, `do_*` does it in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from participation import ratelimit
from participation.actions import check_can_write, check_verified
from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.i18n import current_language, gettext
from participation.models import User
from participation.notifications import do_follow, notify
from participation.photos import StoredPhoto
from participation.ratelimit import RateLimit
from participation.screening import screen_new_content
from participation.settings import Settings
from participation.visibility import Visibility
from problems import geo
from problems.forms import ReportDraft, outside_message
from problems.models import (
    OPEN_STATUSES,
    DepartmentWorker,
    MeToo,
    PhotoKind,
    ProblemCategory,
    ProblemPhoto,
    ProblemReport,
)

SUBJECT = "problem"
NEARBY_METRES = 150.0
NEARBY_LIMIT = 5
# A visitor without an account reports a few problems on a walk; a script reports hundreds.
# An address may be shared (a library, a school), hence more than one.
REPORT_PER_ADDRESS = RateLimit("problem-address", 5, 60 * 60)
# A resident with an account is known and verified: a street full of potholes is fine.
REPORT_PER_ACCOUNT = RateLimit("problem-account", 20, 60 * 60)


def problem_url(report_id: int) -> str:
    return f"/problems/{report_id}"


def get_report(session: Session, report_id: int) -> ProblemReport:
    report = session.get(ProblemReport, report_id)
    if report is None:
        raise Refused(404, gettext("This problem report does not exist."))
    return report


def _limit_of(user: User | None, address: str) -> tuple[RateLimit, str]:
    if user is None:
        return REPORT_PER_ADDRESS, address
    return REPORT_PER_ACCOUNT, str(user.id)


def check_can_report(user: User | None, settings: Settings) -> None:
    """Residents with a confirmed address who are not muted; visitors without an account
    only where the municipality allows anonymous reports."""
    if user is None:
        if not settings.problems_anonymous:
            raise Refused(403, gettext("Log in to report a problem."))
        return
    check_can_write(user, settings)


def check_rate(session: Session, user: User | None, address: str) -> None:
    """Refuse (RateLimited) once the reporter has used up their reports for the hour; read
    only, so that a view can ask before it stores any photo."""
    rule, subject = _limit_of(user, address)
    ratelimit.check(session, rule, subject)


def active_categories(session: Session) -> list[ProblemCategory]:
    return list(session.exec(select(ProblemCategory).where(col(ProblemCategory.active))))


def do_report_problem(
    session: Session,
    user: User | None,
    draft: ReportDraft,
    photos: list[StoredPhoto],
    *,
    settings: Settings,
    address: str,
) -> ProblemReport:
    """Store the report, routed to its category's department with its handling time; the
    reporter follows it. Counts against the reporter's hourly limit (RateLimited past it)."""
    check_can_report(user, settings)
    rule, subject = _limit_of(user, address)
    ratelimit.check_and_hit(session, rule, subject)
    category = session.get(ProblemCategory, draft.category_id)
    if category is None or not category.active:
        raise Refused(400, gettext("Choose the kind of problem."))
    if not geo.inside(draft.latitude, draft.longitude, settings.municipality_boundary):
        raise Refused(400, outside_message())
    now = utcnow()
    report = ProblemReport(
        category_id=draft.category_id,
        department_id=category.department_id,
        author_id=user.id if user is not None else None,
        description=draft.description,
        latitude=draft.latitude,
        longitude=draft.longitude,
        address=draft.address,
        neighbourhood=geo.nearest_place(draft.latitude, draft.longitude, settings.neighbourhoods),
        contact=draft.contact if user is not None else "none",
        visibility=Visibility.public.value,
        created_at=now,
        due_at=now + dt.timedelta(days=category.handling_days),
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    for photo in photos:
        session.add(
            ProblemPhoto(
                report_id=report.id,
                kind=PhotoKind.report.value,
                name=photo.name,
                thumb_name=photo.thumb_name,
                width=photo.width,
                height=photo.height,
                public=False,  # until a clerk has checked it for faces and number plates
            )
        )
    if user is not None and user.id is not None:
        do_follow(session, user.id, SUBJECT, report.id)
        # Words, links and new accounts' first posts: the same rules as ideas and comments.
        # Anonymous reports have no account to judge; their address limit and the unpublished
        # photos are their guard.
        screen_new_content(session, settings, user, SUBJECT, report.id, draft.description)
    _tell_department(session, report, category)
    publish(session, "problem.reported", report_id=report.id)
    return report


def _tell_department(session: Session, report: ProblemReport, category: ProblemCategory) -> None:
    """The department's workers hear of each new report in their queue (a held one only once
    a moderator releases it: notifications about held content are not shown)."""
    assert report.id is not None
    workers = session.exec(
        select(DepartmentWorker.user_id).where(
            DepartmentWorker.department_id == report.department_id
        )
    ).all()
    notify(
        session,
        workers,
        kind="problem.new",
        subject=SUBJECT,
        subject_id=report.id,
        link=problem_url(report.id),
        message=lambda: (
            gettext("New problem report for your department: %(category)s")
            % {"category": category.name(current_language())}
        ),
        exclude=report.author_id,
    )


def _add_me_too_statement(insert: Any) -> Any:
    return (
        insert(MeToo)
        .values(
            report_id=bindparam("report_id"),
            user_id=bindparam("user_id"),
            created_at=bindparam("now"),
        )
        .on_conflict_do_nothing(index_elements=["report_id", "user_id"])
        .returning(MeToo.__table__.c.id)  # type: ignore[attr-defined]
    )


_ADD_ME_TOO = {
    "postgresql": _add_me_too_statement(pg_insert),
    "sqlite": _add_me_too_statement(sqlite_insert),
}
_REPORTS = ProblemReport.__table__  # type: ignore[attr-defined]
_COUNT_ME_TOO = (
    update(_REPORTS)
    .where(_REPORTS.c.id == bindparam("report_id"))
    .values(me_too_count=_REPORTS.c.me_too_count + 1)
    .returning(_REPORTS.c.me_too_count)
)
_READ_ME_TOO = select(_REPORTS.c.me_too_count).where(_REPORTS.c.id == bindparam("report_id"))


def check_can_me_too(report: ProblemReport, user: User) -> None:
    check_verified(user)
    if not report.is_open:
        raise Refused(
            409, gettext("This report is closed. If the problem is back, report it again.")
        )
    if report.author_id is not None and report.author_id == user.id:
        raise Refused(409, gettext("You reported this problem yourself."))


def do_me_too(session: Session, report_id: int, user: User) -> ProblemReport:
    """Counted once per resident, also when two requests race (the unique constraint
    decides, and the count moves in SQL in the same transaction); the resident follows."""
    report = get_report(session, report_id)
    check_can_me_too(report, user)
    assert user.id is not None
    connection = session.connection()
    params = {"report_id": report_id, "user_id": user.id, "now": utcnow()}
    added = connection.execute(_ADD_ME_TOO[connection.dialect.name], params).first()
    statement = _COUNT_ME_TOO if added is not None else _READ_ME_TOO
    count = connection.execute(statement, {"report_id": report_id}).scalar_one()
    set_committed_value(report, "me_too_count", count)
    do_follow(session, user.id, SUBJECT, report_id)
    if added is not None:
        publish(session, "problem.me_too", report_id=report_id, user_id=user.id)
    return report


def has_me_too(session: Session, report_id: int, user_id: int) -> bool:
    statement = select(MeToo.id).where(MeToo.report_id == report_id, MeToo.user_id == user_id)
    return session.exec(statement).first() is not None


@dataclass(frozen=True)
class Nearby:
    report: ProblemReport
    metres: int


def nearby_open(
    session: Session,
    category_id: int,
    latitude: float,
    longitude: float,
    *,
    metres: float = NEARBY_METRES,
    limit: int = NEARBY_LIMIT,
) -> list[Nearby]:
    """Open reports of the category within `metres`, nearest first: the place index finds
    the square around the point, the exact distance then drops its corners."""
    south, north, west, east = geo.box_around(latitude, longitude, metres)
    statement = select(ProblemReport).where(
        col(ProblemReport.latitude).between(south, north),
        col(ProblemReport.longitude).between(west, east),
        ProblemReport.category_id == category_id,
        col(ProblemReport.status).in_([s.value for s in OPEN_STATUSES]),
        col(ProblemReport.merged_into_id).is_(None),
    )
    found = [
        Nearby(r, round(geo.distance_m(latitude, longitude, r.latitude, r.longitude)))
        for r in session.exec(statement.limit(200))
    ]
    close = sorted((n for n in found if n.metres <= metres), key=lambda n: n.metres)
    return close[:limit]
