"""Photos handlers deal with: a photo of the fix (public at once), and the check of a
reporter's photo before the public sees it.

A rejected photo is deleted, its row and its files: it may show a face or a number plate,
and nothing on the public record needs it. The caller removes the files after commit.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.i18n import gettext, ngettext
from participation.models import User
from participation.notifications import follower_ids, notify
from participation.photos import MAX_PHOTOS, StoredPhoto
from problems.handling import check_can_handle
from problems.models import PhotoKind, ProblemPhoto
from problems.reporting import SUBJECT, get_report, problem_url


def fix_photo_room(session: Session, report_id: int) -> int:
    """How many more photos of the fix the report can take."""
    statement = select(func.count()).where(
        ProblemPhoto.report_id == report_id, ProblemPhoto.kind == PhotoKind.fix.value
    )
    return max(0, MAX_PHOTOS - int(session.exec(statement).one()))


def do_add_fix_photos(
    session: Session, user: User, report_id: int, photos: list[StoredPhoto]
) -> list[ProblemPhoto]:
    report = get_report(session, report_id)
    check_can_handle(session, user, report)
    if report.merged_into_id is not None:
        raise Refused(409, gettext("This report was merged into another one."))
    room = fix_photo_room(session, report_id)
    if len(photos) > room:
        raise Refused(
            409,
            ngettext(
                "A report has room for %(num)d more photo of the fix.",
                "A report has room for %(num)d more photos of the fix.",
                room,
            )
            % {"num": room},
        )
    now = utcnow()
    added = [
        ProblemPhoto(
            report_id=report_id,
            kind=PhotoKind.fix.value,
            name=photo.name,
            thumb_name=photo.thumb_name,
            width=photo.width,
            height=photo.height,
            public=True,
            checked_by_id=user.id,
            checked_at=now,
        )
        for photo in photos
    ]
    session.add_all(added)
    recipients = [report.author_id] if report.author_id is not None else []
    notify(
        session,
        [*recipients, *follower_ids(session, SUBJECT, report_id)],
        kind="problem.fix_photo",
        subject=SUBJECT,
        subject_id=report_id,
        link=f"{problem_url(report_id)}#photos",
        message=lambda: (
            gettext("A photo of the fix was added to report #%(id)d.") % {"id": report_id}
        ),
        exclude=user.id,
    )
    publish(session, "problem.fix_photo", report_id=report_id)
    return added


def do_check_photo(
    session: Session, user: User, photo_id: int, approve: bool
) -> tuple[int, StoredPhoto | None]:
    """Publish a reporter's photo, or delete it. Returns the report's id and, for a rejected
    photo, the files to delete once the transaction has committed."""
    photo = session.get(ProblemPhoto, photo_id)
    if photo is None:
        raise Refused(404, gettext("This photo does not exist."))
    check_can_handle(session, user, get_report(session, photo.report_id))
    report_id = photo.report_id
    if approve:
        if photo.public:
            raise Refused(409, gettext("This photo is already public."))
        photo.public = True
        photo.checked_by_id = user.id
        photo.checked_at = utcnow()
        session.add(photo)
        publish(session, "problem.photo_checked", report_id=report_id, public=True)
        return report_id, None
    files = StoredPhoto(photo.name, photo.thumb_name, photo.width, photo.height)
    session.delete(photo)
    publish(session, "problem.photo_checked", report_id=report_id, public=False)
    return report_id, files
