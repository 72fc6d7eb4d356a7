"""Handling actions: who may handle, status changes in order, reassigning, merging, the fix
photo and the photo check, and the reporter's one answer to "fixed"."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import col, select

from participation import erasure
from participation.checks import Refused
from participation.database import Database
from participation.models import User
from participation.notifications import Follow, Notification, do_follow
from participation.photos import StoredPhoto
from participation.settings import Settings
from problems import admin, handling, handling_photos, reporting
from problems.handling_forms import DepartmentDraft
from problems.models import MeToo, PhotoKind, ProblemCategory, ProblemPhoto, ProblemUpdate
from tests.helpers import create_user
from tests.problems.reporting_world import add_category, report


def _status(db: Database, user: User, report_id: int, status: str, note: str = "", ref: str = ""):  # type: ignore[no-untyped-def]
    with db.write() as session:
        return handling.do_set_status(session, user, report_id, status, note, ref)


def _refusal(db: Database, action, *args) -> Refused:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as caught, db.write() as session:
        action(session, *args)
    return caught.value


def _notifications(db: Database, user: User) -> list[Notification]:
    with db.read() as session:
        statement = select(Notification).where(Notification.user_id == user.id)
        return list(session.exec(statement.order_by(col(Notification.id))).all())


def _worker(db: Database, clerk: User, department_id: int, email: str = "wim@example.be") -> User:
    worker = create_user(db, email=email, name="Wim", language="en")
    with db.write() as session:
        admin.do_add_worker(session, clerk, department_id, email)
    return worker


def test_clerks_and_workers_of_the_department_handle_residents_do_not(
    db: Database, settings: Settings, clerk: User, resident: User, category: ProblemCategory
) -> None:
    found = report(db, settings, resident, category)
    worker = _worker(db, clerk, category.department_id)
    other = add_category(db, clerk, "graffiti", "Netheid")
    outsider = _worker(db, clerk, other.department_id, "nina@example.be")
    with db.read() as session:
        assert handling.can_handle(session, clerk, found)
        assert handling.can_handle(session, worker, found)
        assert not handling.can_handle(session, outsider, found)
        assert not handling.can_handle(session, resident, found)
        assert not handling.can_handle(session, None, found)


def test_the_status_moves_forward_with_a_public_note(
    db: Database, clerk: User, resident: User, neighbour: User, reported_id: int
) -> None:
    with db.write() as session:
        do_follow(session, neighbour.id or 0, reporting.SUBJECT, reported_id)
    _status(db, clerk, reported_id, "acknowledged", "We plan the repair.")
    _status(db, clerk, reported_id, "in_progress")
    fixed = _status(db, clerk, reported_id, "fixed", "Filled.")
    assert fixed.status == "fixed"
    assert fixed.fixed_at is not None
    assert fixed.closed_at is not None
    assert fixed.note == "Filled."
    with db.read() as session:
        kinds = session.exec(
            select(ProblemUpdate.kind, ProblemUpdate.status, ProblemUpdate.note)
            .where(ProblemUpdate.report_id == reported_id)
            .order_by(col(ProblemUpdate.id))
        ).all()
    assert list(kinds) == [
        ("status", "acknowledged", "We plan the repair."),
        ("status", "in_progress", ""),
        ("status", "fixed", "Filled."),
    ]
    told = [(n.kind, n.text, n.link) for n in _notifications(db, resident)]
    assert told[0] == (
        "problem.status",
        f"Report #{reported_id} is now “Acknowledged”.",
        f"/problems/{reported_id}#timeline",
    )
    assert told[-1][0] == "problem.fixed"
    assert told[-1][2] == f"/problems/{reported_id}#confirm"
    assert [n.kind for n in _notifications(db, neighbour)][-1] == "problem.status"
    assert _notifications(db, clerk) == []  # the actor is not told


def test_refusals_of_a_status_change(
    db: Database, clerk: User, resident: User, reported_id: int
) -> None:
    do = handling.do_set_status
    assert _refusal(db, do, resident, reported_id, "acknowledged", "", "").status_code == 403
    _status(db, clerk, reported_id, "in_progress")
    back = _refusal(db, do, clerk, reported_id, "acknowledged", "", "")
    assert back.status_code == 409
    assert "only moves forward" in back.message
    assert _refusal(db, do, clerk, reported_id, "not_ours", "note", "").status_code == 400
    assert _refusal(db, do, clerk, reported_id, "rejected", "", "").status_code == 400
    assert _refusal(db, do, clerk, reported_id, "bogus", "", "").status_code == 400
    assert _refusal(db, do, clerk, 999, "fixed", "", "").status_code == 404
    _status(db, clerk, reported_id, "not_ours", "Sorry.", "The region (AWV) handles this road.")
    closed = _refusal(db, do, clerk, reported_id, "fixed", "", "")
    assert closed.status_code == 409


def test_not_ours_keeps_the_referral_in_the_note(
    db: Database, clerk: User, reported_id: int
) -> None:
    done = _status(db, clerk, reported_id, "not_ours", "", "Infrabel, the railway.")
    assert done.note == "Infrabel, the railway."
    assert done.closed_at is not None
    assert done.fixed_at is None


def test_reassigning_moves_the_report_to_the_other_queue(
    db: Database, clerk: User, resident: User, category: ProblemCategory, reported_id: int
) -> None:
    worker = _worker(db, clerk, category.department_id)
    with db.write() as session:
        green = admin.do_create_department(session, clerk, DepartmentDraft("Groen", ""))
    assert green.id is not None
    with db.write() as session:
        moved = handling.do_assign(session, worker, reported_id, green.id)
    assert moved.department_id == green.id
    # The worker of the first department no longer handles it.
    assert (
        _refusal(db, handling.do_assign, worker, reported_id, category.department_id).status_code
        == 403
    )
    assert _refusal(db, handling.do_assign, clerk, reported_id, green.id).status_code == 409
    assert _refusal(db, handling.do_assign, clerk, reported_id, 999).status_code == 404
    with db.read() as session:
        kinds = session.exec(
            select(ProblemUpdate.kind).where(ProblemUpdate.report_id == reported_id)
        )
        assert list(kinds) == ["reassigned"]
    assert _notifications(db, resident)[-1].kind == "problem.reassigned"


def test_merging_moves_supporters_and_followers_without_duplicates(
    db: Database,
    settings: Settings,
    clerk: User,
    resident: User,
    neighbour: User,
    category: ProblemCategory,
) -> None:
    target = report(db, settings, resident, category)
    carl = create_user(db, email="carl@example.be", name="Carl", language="en")
    dora = create_user(db, email="dora@example.be", name="Dora", language="en")
    duplicate = report(db, settings, neighbour, category)
    assert target.id is not None
    assert duplicate.id is not None
    with db.write() as session:
        reporting.do_me_too(session, duplicate.id, carl)  # supports both: counted once
        reporting.do_me_too(session, target.id, carl)
        reporting.do_me_too(session, duplicate.id, dora)
    with db.write() as session:
        merged = handling.do_merge(session, clerk, duplicate.id, target.id)
    # Before: carl. Gained: dora and the duplicate's reporter (bob); carl is not counted twice.
    assert merged.me_too_count == 3
    with db.read() as session:
        supporters = session.exec(select(MeToo.user_id).where(MeToo.report_id == target.id))
        assert Counter(supporters) == Counter([carl.id, dora.id, neighbour.id])
        follows = session.exec(
            select(Follow.user_id).where(
                Follow.subject == "problem", Follow.subject_id == target.id
            )
        ).all()
        assert Counter(follows) == Counter([resident.id, carl.id, dora.id, neighbour.id])
        assert (
            session.exec(
                select(Follow.id).where(
                    Follow.subject == "problem", Follow.subject_id == duplicate.id
                )
            ).first()
            is None
        )
        closed = reporting.get_report(session, duplicate.id)
    assert closed.merged_into_id == target.id
    assert closed.closed_at is not None
    assert not closed.is_open
    assert _notifications(db, dora)[-1].kind == "problem.merged"


def test_merging_keeps_the_me_too_of_an_erased_account(
    db: Database, settings: Settings, clerk: User, resident: User, category: ProblemCategory
) -> None:
    target = report(db, settings, resident, category)
    erin = create_user(db, email="erin@example.be", name="Erin", language="en")
    duplicate = report(db, settings, resident, category)
    assert target.id is not None
    assert duplicate.id is not None
    with db.write() as session:
        reporting.do_me_too(session, duplicate.id, erin)
    with db.write() as session:
        erasure.do_delete_account(session, erin.id or 0)
    with db.write() as session:
        merged = handling.do_merge(session, clerk, duplicate.id, target.id)
    # The reporter already reported the target; Erin's "me too" outlives her account.
    assert merged.me_too_count == 1


def test_merge_refusals(
    db: Database, settings: Settings, clerk: User, resident: User, category: ProblemCategory
) -> None:
    first = report(db, settings, resident, category)
    second = report(db, settings, resident, category)
    third = report(db, settings, resident, category)
    assert first.id
    assert second.id
    assert third.id
    merge = handling.do_merge
    assert _refusal(db, merge, clerk, first.id, first.id).status_code == 409
    assert _refusal(db, merge, resident, first.id, second.id).status_code == 403
    with db.write() as session:
        handling.do_merge(session, clerk, first.id, second.id)
    assert _refusal(db, merge, clerk, third.id, first.id).status_code == 409  # merged
    assert _refusal(db, merge, clerk, first.id, third.id).status_code == 409  # already merged
    _status(db, clerk, second.id, "fixed")
    assert _refusal(db, merge, clerk, third.id, second.id).status_code == 409  # closed


def test_the_reporter_answers_once(
    db: Database, clerk: User, resident: User, neighbour: User, reported_id: int
) -> None:
    confirm = handling.do_confirm
    assert _refusal(db, confirm, resident, reported_id, True).status_code == 409  # not fixed
    _status(db, clerk, reported_id, "fixed")
    with db.read() as session:
        fixed = reporting.get_report(session, reported_id)
    assert handling.can_confirm(fixed, resident)
    assert not handling.can_confirm(fixed, neighbour)
    assert _refusal(db, confirm, neighbour, reported_id, True).status_code == 403
    with db.write() as session:
        reopened = handling.do_confirm(session, resident, reported_id, False)
    assert reopened.status == "in_progress"
    assert reopened.closed_at is None
    assert reopened.fixed_at is None
    again = _refusal(db, confirm, resident, reported_id, True)
    assert (again.status_code, again.message) == (409, "You have already answered.")
    # Reopened, it is handled again; fixed again, the reporter is not asked a second time.
    fixed_again = _status(db, clerk, reported_id, "fixed")
    assert not handling.can_confirm(fixed_again, resident)
    assert _notifications(db, resident)[-1].kind == "problem.status"


def test_confirming_closes_the_question(
    db: Database, clerk: User, resident: User, reported_id: int
) -> None:
    _status(db, clerk, reported_id, "fixed")
    with db.write() as session:
        confirmed = handling.do_confirm(session, resident, reported_id, True)
    assert confirmed.reporter_confirmed is True
    assert confirmed.status == "fixed"


def _stored(number: int) -> StoredPhoto:
    return StoredPhoto(f"problems/{number:032x}.webp", f"problems/{number:032x}-thumb.webp", 4, 3)


def test_fix_photos_are_public_at_once_and_limited(
    db: Database, clerk: User, resident: User, reported_id: int
) -> None:
    add = handling_photos.do_add_fix_photos
    assert _refusal(db, add, resident, reported_id, [_stored(1)]).status_code == 403
    with db.write() as session:
        added = add(session, clerk, reported_id, [_stored(1), _stored(2)])
    assert all(p.public and p.kind == PhotoKind.fix for p in added)
    assert _refusal(db, add, clerk, reported_id, [_stored(3), _stored(4)]).status_code == 409
    assert _notifications(db, resident)[-1].kind == "problem.fix_photo"


def test_a_reporters_photo_is_checked_before_it_is_public(
    db: Database, clerk: User, resident: User, reported_id: int
) -> None:
    with db.write() as session:
        first = ProblemPhoto(report_id=reported_id, name="a", thumb_name="b", width=1, height=1)
        second = ProblemPhoto(report_id=reported_id, name="c", thumb_name="d", width=1, height=1)
        session.add_all([first, second])
    assert first.id
    assert second.id
    check = handling_photos.do_check_photo
    assert _refusal(db, check, resident, first.id, True).status_code == 403
    with db.write() as session:
        assert check(session, clerk, first.id, True) == (reported_id, None)
    assert _refusal(db, check, clerk, first.id, True).status_code == 409
    with db.write() as session:
        _report_id, files = check(session, clerk, second.id, False)
    assert files is not None
    assert files.name == "c"
    with db.read() as session:
        assert session.get(ProblemPhoto, second.id) is None
        shown = session.get(ProblemPhoto, first.id)
    assert shown is not None
    assert shown.public
    assert shown.checked_by_id == clerk.id
