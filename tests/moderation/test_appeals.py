"""Appeals through the actions: once per decision, by the person it is about, decided by
another moderator; granting undoes the decision."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from moderation import appeals, sanctions
from moderation.models import ActionKind, Appeal, ModerationAction, SanctionKind
from participation.checks import Refused
from participation.comments import Comment
from participation.database import Database
from participation.models import User
from participation.notifications import Notification
from tests.moderation.conftest import act, sanction


def _last_action(db: Database, kind: str) -> ModerationAction:
    with db.read() as session:
        found = session.exec(
            select(ModerationAction)
            .where(ModerationAction.action == kind)
            .order_by(col(ModerationAction.id).desc())
        ).first()
    assert found is not None
    return found


def _appeal(db: Database, user: User, action_id: int, text: str = "Dat was ironie.") -> int:
    with db.write() as session:
        return appeals.do_appeal(session, user, action_id, text)


def _decide(db: Database, moderator: User, appeal_id: int, grant: bool, note: str = "") -> Appeal:
    with db.write() as session:
        return appeals.do_decide(session, moderator, appeal_id, grant, note)


def _refusal(call: object, db: Database, *args: object) -> int:
    with pytest.raises(Refused) as refused, db.write() as session:
        call(session, *args)  # type: ignore[operator]
    return refused.value.status_code


def _hide(db: Database, moderator: User, comment: Comment) -> ModerationAction:
    assert comment.id is not None
    act(db, moderator, "comment", comment.id, "hide", "insult", "Scheldwoord")
    return _last_action(db, "hide")


def _visibility(db: Database, comment: Comment) -> str:
    with db.read() as session:
        found = session.get(Comment, comment.id)
    assert found is not None
    return found.visibility


def test_an_appeal_granted_makes_the_content_public_again(
    db: Database, moderator: User, second_moderator: User, neighbour: User, comment: Comment
) -> None:
    hidden = _hide(db, moderator, comment)
    assert hidden.id is not None
    appeal_id = _appeal(db, neighbour, hidden.id)

    decided = _decide(db, second_moderator, appeal_id, True, "Inderdaad ironie.")
    assert (decided.status, decided.decided_by_id, decided.decision_note) == (
        "granted",
        second_moderator.id,
        "Inderdaad ironie.",
    )
    assert _visibility(db, comment) == "public"
    entry = _last_action(db, "appeal_granted")
    assert (entry.content_type, entry.content_id, entry.reason) == ("comment", comment.id, "insult")
    with db.read() as session:
        told = session.exec(
            select(Notification)
            .where(Notification.user_id == neighbour.id)
            .order_by(col(Notification.id).desc())
        ).first()
    assert told is not None
    assert "Inderdaad ironie." in told.text
    assert told.link == "/me/moderation"


def test_an_appeal_is_refused_twice(
    db: Database, moderator: User, neighbour: User, comment: Comment
) -> None:
    hidden = _hide(db, moderator, comment)
    assert hidden.id is not None
    _appeal(db, neighbour, hidden.id)
    assert _refusal(appeals.do_appeal, db, neighbour, hidden.id, "Nog eens") == 409
    with db.read() as session:
        assert len(session.exec(select(Appeal)).all()) == 1


def test_only_the_person_concerned_appeals_an_appealable_decision(
    db: Database, moderator: User, neighbour: User, resident: User, comment: Comment
) -> None:
    hidden = _hide(db, moderator, comment)
    assert hidden.id is not None
    assert _refusal(appeals.do_appeal, db, resident, hidden.id, "Niet van mij") == 403
    assert _refusal(appeals.do_appeal, db, neighbour, 9999, "Bestaat niet") == 404
    assert comment.id is not None
    act(db, moderator, "comment", comment.id, "restore")
    restored = _last_action(db, "restore")
    assert restored.id is not None
    assert _refusal(appeals.do_appeal, db, neighbour, restored.id, "Hè?") == 409


def test_the_moderator_who_decided_cannot_decide_the_appeal(
    db: Database, moderator: User, second_moderator: User, neighbour: User, comment: Comment
) -> None:
    hidden = _hide(db, moderator, comment)
    assert hidden.id is not None
    appeal_id = _appeal(db, neighbour, hidden.id)
    assert _refusal(appeals.do_decide, db, moderator, appeal_id, True, "") == 403
    assert _refusal(appeals.do_decide, db, neighbour, appeal_id, True, "") == 403
    _decide(db, second_moderator, appeal_id, False, "Het blijft een scheldwoord.")
    assert _visibility(db, comment) == "hidden"
    assert _refusal(appeals.do_decide, db, second_moderator, appeal_id, True, "") == 409
    assert _last_action(db, "appeal_rejected").note == "Het blijft een scheldwoord."


@pytest.mark.parametrize("kind", ["mute", "ban"])
def test_granting_lifts_a_mute_or_a_ban(
    db: Database, moderator: User, second_moderator: User, resident: User, kind: str
) -> None:
    assert resident.id is not None
    sanction(db, moderator, resident, kind, "spam", days=3 if kind == "mute" else None)
    decision = _last_action(db, kind)
    assert decision.id is not None
    appeal_id = _appeal(db, resident, decision.id)
    _decide(db, second_moderator, appeal_id, True)
    with db.read() as session:
        user = session.get(User, resident.id)
    assert user is not None
    assert (user.muted_until, user.banned_at) == (None, None)


def test_the_decisions_about_a_user(
    db: Database, moderator: User, neighbour: User, comment: Comment
) -> None:
    assert neighbour.id is not None
    hidden = _hide(db, moderator, comment)
    sanction(db, moderator, neighbour, "mute", note="Een week pauze.", days=7)
    with db.write() as session:
        sanctions.do_lift(session, moderator, neighbour.id, SanctionKind.mute, "")
    with db.read() as session:
        found, next_before = appeals.decisions_about(session, neighbour.id)
        first, more = appeals.decisions_about(session, neighbour.id, limit=1)
    assert [d.action.action for d in found] == [ActionKind.mute, ActionKind.hide]
    assert next_before is None
    mute, hide = found
    assert mute.sanction is not None
    assert (mute.sanction.note, mute.sanction.ended_at is not None) == ("Een week pauze.", True)
    assert (hide.action.id, hide.content_label, hide.still_hidden) == (hidden.id, "comment", True)
    assert [d.action.id for d in first] == [mute.action.id]
    assert more == mute.action.id


def test_granting_an_old_hide_leaves_a_later_one(
    db: Database, moderator: User, second_moderator: User, neighbour: User, comment: Comment
) -> None:
    assert comment.id is not None
    first = _hide(db, moderator, comment)
    act(db, moderator, "comment", comment.id, "restore")
    _hide(db, moderator, comment)
    assert first.id is not None
    _decide(db, second_moderator, _appeal(db, neighbour, first.id), True)
    assert _visibility(db, comment) == "hidden"
