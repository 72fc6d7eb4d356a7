"""Reports and moderators' decisions through the actions, on any registered content type."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from ideas.models import Idea
from moderation import actions
from moderation.forms import ReportDraft
from moderation.models import ActionKind, ModerationAction, ModerationCase, Report
from participation import ratelimit
from participation.checks import Refused
from participation.comments import Comment, DiscussionLock
from participation.database import Database
from participation.models import User
from participation.notifications import Notification
from participation.visibility import Visibility, hidden_state
from tests.moderation.conftest import NOTE, act, at_once, make_residents, post_note, report


def _visibility(db: Database, type_name: str, content_id: int) -> str:
    with db.read() as session:
        state = hidden_state(session, type_name, content_id)
    return Visibility.public.value if state is None else state.visibility


def _case(db: Database, type_name: str, content_id: int) -> ModerationCase:
    with db.read() as session:
        return session.exec(
            select(ModerationCase).where(
                ModerationCase.content_type == type_name, ModerationCase.content_id == content_id
            )
        ).one()


def _log(db: Database) -> list[ModerationAction]:
    with db.read() as session:
        return list(session.exec(select(ModerationAction).order_by(col(ModerationAction.id))).all())


def _refused(db: Database, call: object, *args: object) -> Refused:
    with pytest.raises(Refused) as refused, db.write() as session:
        call(session, *args)  # type: ignore[operator]
    return refused.value


# Reports


def test_a_report_opens_a_case_and_counts(db: Database, idea: Idea, neighbour: User) -> None:
    assert idea.id is not None
    report(db, neighbour, "idea", idea.id, "insult", "Scheldwoorden")
    case = _case(db, "idea", idea.id)
    assert (case.status, case.open_reports, case.last_reason) == ("open", 1, "insult")
    assert case.author_id == idea.author_id
    with db.read() as session:
        stored = session.exec(select(Report)).one()
    assert (stored.reason, stored.details, stored.status) == ("insult", "Scheldwoorden", "open")


@pytest.mark.parametrize(
    ("type_name", "content_id"), [("idea", 999), ("nothing", 1), ("participation", 1)]
)
def test_unknown_content_cannot_be_reported(
    db: Database, neighbour: User, idea: Idea, type_name: str, content_id: int
) -> None:
    draft = ReportDraft(type_name, content_id, "spam", "")
    refused = _refused(db, actions.do_report, neighbour, draft, 0)
    assert refused.status_code == 404


def test_reporting_twice_is_refused_and_stores_one_report(
    db: Database, idea: Idea, neighbour: User
) -> None:
    assert idea.id is not None
    report(db, neighbour, "idea", idea.id)
    refused = _refused(
        db, actions.do_report, neighbour, ReportDraft("idea", idea.id, "other", ""), 0
    )
    assert refused.status_code == 409
    assert "already reported" in refused.message
    assert _case(db, "idea", idea.id).open_reports == 1


def test_own_content_cannot_be_reported(db: Database, idea: Idea, resident: User) -> None:
    assert idea.id is not None
    refused = _refused(db, actions.do_report, resident, ReportDraft("idea", idea.id, "spam", ""), 0)
    assert refused.status_code == 403


def test_hidden_content_cannot_be_reported(
    db: Database, idea: Idea, neighbour: User, moderator: User
) -> None:
    assert idea.id is not None
    act(db, moderator, "idea", idea.id, "hide", "spam")
    refused = _refused(
        db, actions.do_report, neighbour, ReportDraft("idea", idea.id, "spam", ""), 0
    )
    assert (refused.status_code, refused.message) == (409, "This content is already hidden.")


def test_a_report_flood_is_refused(
    db: Database,
    resident: User,
    neighbour: User,
    monkeypatch: pytest.MonkeyPatch,
    note_type: object,
) -> None:
    monkeypatch.setattr(
        ratelimit, "REPORT_PER_ACCOUNT", ratelimit.RateLimit("report-account", 2, 3600)
    )
    notes = [post_note(db, resident, f"Notitie {n}") for n in range(3)]
    report(db, neighbour, NOTE, notes[0])
    report(db, neighbour, NOTE, notes[1])
    refused = _refused(db, actions.do_report, neighbour, ReportDraft(NOTE, notes[2], "spam", ""), 0)
    assert refused.status_code == 429
    with db.read() as session:
        assert len(session.exec(select(Report)).all()) == 2


def test_auto_hide_at_the_threshold_of_distinct_verified_reporters(
    db: Database, idea: Idea
) -> None:
    assert idea.id is not None
    verified = make_residents(db, 3)
    unverified = make_residents(db, 2, verified=False, prefix="u")
    for user in [verified[0], *unverified, verified[1]]:
        report(db, user, "idea", idea.id, "insult", auto_hide_at=3)
    assert _visibility(db, "idea", idea.id) == "public"  # 2 verified, 2 unverified
    report(db, verified[2], "idea", idea.id, "insult", auto_hide_at=3)
    assert _visibility(db, "idea", idea.id) == "auto_hidden"
    with db.read() as session:
        assert session.get(Idea, idea.id).visibility == "auto_hidden"  # type: ignore[union-attr]
    entry = _log(db)[-1]
    assert (entry.action, entry.moderator_id, entry.automatic) == ("auto_hide", None, True)
    assert entry.reason == "insult"
    case = _case(db, "idea", idea.id)
    assert (case.status, case.open_reports) == ("open", 5)  # still waiting for review


def test_auto_hide_is_off_at_zero(db: Database, idea: Idea) -> None:
    assert idea.id is not None
    for user in make_residents(db, 2):
        report(db, user, "idea", idea.id, auto_hide_at=0)
    assert _visibility(db, "idea", idea.id) == "public"
    assert _log(db) == []


def test_concurrent_first_reports_make_one_case(db: Database, idea: Idea) -> None:
    """Two first reports at the same moment: one case, both counted (PostgreSQL runs them in
    parallel; SQLite queues writers)."""
    import threading

    assert idea.id is not None
    first, second = make_residents(db, 2)
    barrier = threading.Barrier(2, timeout=10)
    parallel = db.dialect == "postgresql"

    def run(user: User) -> None:
        with db.write() as session:
            if parallel:
                session.exec(select(User.id).where(User.id == user.id)).one()
                barrier.wait()
            actions.do_report(session, user, ReportDraft("idea", idea.id or 0, "spam", ""), 0)

    at_once(lambda: run(first), lambda: run(second))
    with db.read() as session:
        assert len(session.exec(select(ModerationCase)).all()) == 1
    assert _case(db, "idea", idea.id).open_reports == 2


def test_concurrent_double_report_ends_in_one_row(
    db: Database, idea: Idea, neighbour: User
) -> None:
    import threading

    if db.dialect != "postgresql":
        pytest.skip("SQLite queues writers; the unique constraint is tested above")
    assert idea.id is not None
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def run() -> None:
        try:
            with db.write() as session:
                session.exec(select(User.id)).first()
                barrier.wait()
                actions.do_report(
                    session, neighbour, ReportDraft("idea", idea.id or 0, "spam", ""), 0
                )
            outcomes.append("ok")
        except Refused as refused:
            outcomes.append(str(refused.status_code))

    at_once(run, run)
    assert sorted(outcomes) == ["409", "ok"]
    assert _case(db, "idea", idea.id).open_reports == 1


# Decisions


def test_hide_upholds_reports_closes_the_case_and_tells_the_author(
    db: Database, idea: Idea, neighbour: User, moderator: User, resident: User
) -> None:
    assert idea.id is not None
    report(db, neighbour, "idea", idea.id, "insult")
    act(db, moderator, "idea", idea.id, "hide", "insult", note="Grof")
    assert _visibility(db, "idea", idea.id) == "hidden"
    case = _case(db, "idea", idea.id)
    assert (case.status, case.open_reports) == ("closed", 0)
    with db.read() as session:
        assert session.exec(select(Report.status)).one() == "upheld"
        told = session.exec(select(Notification).where(Notification.user_id == resident.id)).one()
    assert told.link == "/me/moderation"
    assert "Insult or hate" in told.text or "Belediging" in told.text or told.text
    entry = _log(db)[-1]
    assert (entry.action, entry.moderator_id, entry.reason, entry.note) == (
        "hide",
        moderator.id,
        "insult",
        "Grof",
    )
    assert entry.target_user_id == resident.id


def test_restore_makes_it_public_and_tells_the_author(
    db: Database, idea: Idea, moderator: User, resident: User
) -> None:
    assert idea.id is not None
    act(db, moderator, "idea", idea.id, "hide", "spam")
    act(db, moderator, "idea", idea.id, "restore")
    assert _visibility(db, "idea", idea.id) == "public"
    with db.read() as session:
        kinds = session.exec(
            select(Notification.kind)
            .where(Notification.user_id == resident.id)
            .order_by(col(Notification.id))
        ).all()
    assert kinds == ["moderation.hide", "moderation.restore"]


def test_dismiss_restores_auto_hidden_content(db: Database, idea: Idea, moderator: User) -> None:
    assert idea.id is not None
    for user in make_residents(db, 2):
        report(db, user, "idea", idea.id, auto_hide_at=2)
    assert _visibility(db, "idea", idea.id) == "auto_hidden"
    act(db, moderator, "idea", idea.id, "dismiss")
    assert _visibility(db, "idea", idea.id) == "public"
    assert _case(db, "idea", idea.id).status == "closed"
    with db.read() as session:
        assert set(session.exec(select(Report.status)).all()) == {"dismissed"}


def test_a_new_report_after_a_decision_reopens_the_case(
    db: Database, idea: Idea, moderator: User
) -> None:
    assert idea.id is not None
    first, second = make_residents(db, 2)
    report(db, first, "idea", idea.id)
    act(db, moderator, "idea", idea.id, "dismiss")
    report(db, second, "idea", idea.id, "off_topic")
    case = _case(db, "idea", idea.id)
    assert (case.status, case.open_reports, case.last_reason) == ("open", 1, "off_topic")


@pytest.mark.parametrize(
    ("setup", "action", "reason"),
    [
        ((), "restore", None),
        ((("hide", "spam"),), "hide", "spam"),
        ((), "dismiss", None),
        ((), "release", None),
        ((("lock", None),), "lock", None),
        ((), "unlock", None),
    ],
)
def test_out_of_place_decisions_are_refused(
    db: Database,
    idea: Idea,
    moderator: User,
    setup: tuple[tuple[str, str | None], ...],
    action: str,
    reason: str | None,
) -> None:
    assert idea.id is not None
    for earlier, earlier_reason in setup:
        act(db, moderator, "idea", idea.id, earlier, earlier_reason)
    with pytest.raises(Refused) as refused:
        act(db, moderator, "idea", idea.id, action, reason)
    assert refused.value.status_code == 409


def test_lock_and_unlock_a_discussion(db: Database, idea: Idea, moderator: User) -> None:
    assert idea.id is not None
    act(db, moderator, "idea", idea.id, "lock")
    with db.read() as session:
        lock = session.get(DiscussionLock, ("idea", idea.id))
    assert lock is not None
    assert lock.locked_by_id == moderator.id
    act(db, moderator, "idea", idea.id, "unlock")
    with db.read() as session:
        assert session.get(DiscussionLock, ("idea", idea.id)) is None
    assert [e.action for e in _log(db)] == ["lock", "unlock"]


def test_a_comment_cannot_be_locked(db: Database, comment: Comment, moderator: User) -> None:
    assert comment.id is not None
    with pytest.raises(Refused) as refused:
        act(db, moderator, "comment", comment.id, "lock")
    assert refused.value.status_code == 409


def test_release_publishes_held_content(
    db: Database, resident: User, moderator: User, note_type: object
) -> None:
    from moderation import cases
    from participation.visibility import set_visibility

    note_id = post_note(db, resident)
    with db.write() as session:
        set_visibility(session, NOTE, note_id, Visibility.held, None)
        cases.open_case(session, NOTE, note_id, resident.id)
    act(db, moderator, NOTE, note_id, "release")
    assert _visibility(db, NOTE, note_id) == "public"
    assert _case(db, NOTE, note_id).status == "closed"
    assert _log(db)[-1].action == ActionKind.release


def test_a_moderator_cannot_act_on_their_own_content(db: Database, moderator: User) -> None:
    from tests.ideas.conftest import post_idea

    own = post_idea(db, moderator)
    assert own.id is not None
    with pytest.raises(Refused) as refused:
        act(db, moderator, "idea", own.id, "hide", "spam")
    assert refused.value.status_code == 403


def test_only_a_moderator_decides(db: Database, idea: Idea, neighbour: User) -> None:
    assert idea.id is not None
    with pytest.raises(Refused) as refused:
        act(db, neighbour, "idea", idea.id, "hide", "spam")
    assert refused.value.status_code == 403
    assert _visibility(db, "idea", idea.id) == "public"


def test_a_type_moderation_never_heard_of_is_reported_hidden_and_restored(
    db: Database, resident: User, neighbour: User, moderator: User, note_type: list[object]
) -> None:
    note_id = post_note(db, resident, "Koop goedkope horloges")
    report(db, neighbour, NOTE, note_id, "spam")
    assert _case(db, NOTE, note_id).open_reports == 1
    act(db, moderator, NOTE, note_id, "hide", "spam")
    with db.read() as session:
        assert session.get(Comment, note_id).visibility == "hidden"  # type: ignore[union-attr]
    act(db, moderator, NOTE, note_id, "restore")
    with db.read() as session:
        assert session.get(Comment, note_id).visibility == "public"  # type: ignore[union-attr]
    assert note_type == [(note_id, Visibility.hidden), (note_id, Visibility.public)]
    assert [e.action for e in _log(db)] == ["hide", "restore"]
