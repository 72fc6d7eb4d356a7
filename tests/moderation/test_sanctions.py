"""Sanctions through the actions: warn, mute, ban (with the content hidden), and lifting."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from ideas.models import Idea
from moderation import sanctions
from moderation.models import ActionKind, ModerationAction, Sanction, SanctionKind
from participation.checks import Refused
from participation.comments import Comment
from participation.database import Database, utcnow
from participation.forms import Form
from participation.models import LoginSession, User
from participation.notifications import Notification
from participation.visibility import reason_label
from tests.ideas.conftest import post_idea
from tests.moderation.conftest import act, sanction
from tests.moderation.people import comment_on


def account(db: Database, user: User) -> User:
    with db.read() as session:
        found = session.get(User, user.id)
    assert found is not None
    return found


def log(db: Database) -> list[ModerationAction]:
    with db.read() as session:
        return list(session.exec(select(ModerationAction).order_by(col(ModerationAction.id))))


def notifications(db: Database, user: User) -> list[Notification]:
    with db.read() as session:
        return list(session.exec(select(Notification).where(Notification.user_id == user.id)))


def test_parse_checks_kind_reason_and_days() -> None:
    form = Form({"kind": "mute", "reason": "spam", "days": "400", "note": "x"})
    sanctions.parse_sanction(form)
    assert set(form.errors) == {"days"}
    form = Form({"kind": "kick", "reason": "rude", "days": ""})
    sanctions.parse_sanction(form)
    assert set(form.errors) == {"kind", "reason"}
    form = Form({"kind": "ban", "reason": "spam", "hide_content": "on"})
    parsed = sanctions.parse_sanction(form)
    assert form.ok
    assert parsed.hide_content
    assert parsed.days is None


def test_a_warning_is_logged_and_told(db: Database, moderator: User, resident: User) -> None:
    made = sanction(db, moderator, resident, "warn")
    assert (made.kind, made.reason, made.ends_at) == ("warn", "insult", None)
    (entry,) = log(db)
    assert (entry.action, entry.moderator_id, entry.target_user_id) == (
        "warn",
        moderator.id,
        resident.id,
    )
    assert entry.created_at == made.created_at  # how the log finds its sanction
    (told,) = notifications(db, resident)
    assert told.link == "/me/moderation"
    assert reason_label("insult") in told.text  # in the resident's language, English


def test_a_mute_sets_the_end(db: Database, moderator: User, resident: User) -> None:
    before = utcnow()
    made = sanction(db, moderator, resident, "mute", days=3)
    assert made.ends_at is not None
    assert made.ends_at - before >= dt.timedelta(days=3)
    muted = account(db, resident)
    assert muted.muted_until == made.ends_at
    with pytest.raises(Refused) as again:
        sanction(db, moderator, resident, "mute", days=1)
    assert again.value.status_code == 409


def test_a_moderator_cannot_sanction_themselves(db: Database, moderator: User) -> None:
    with pytest.raises(Refused) as refused:
        sanction(db, moderator, moderator, "warn")
    assert refused.value.status_code == 403


def test_only_a_moderator_sanctions(db: Database, resident: User, neighbour: User) -> None:
    with pytest.raises(Refused) as refused:
        sanction(db, neighbour, resident, "ban")
    assert refused.value.status_code == 403
    assert account(db, resident).banned_at is None


def test_a_ban_ends_every_session(db: Database, moderator: User, resident: User) -> None:
    assert resident.id is not None
    with db.write() as session:
        for token in ("a", "b"):
            session.add(
                LoginSession(
                    token_hash=token,
                    user_id=resident.id,
                    expires_at=utcnow() + dt.timedelta(days=1),
                    user_agent="",
                )
            )
    sanction(db, moderator, resident, "ban")
    with db.read() as session:
        left = session.exec(select(LoginSession).where(LoginSession.user_id == resident.id))
        assert list(left) == []
    assert account(db, resident).banned_at is not None
    with pytest.raises(Refused) as again:
        sanction(db, moderator, resident, "warn")
    assert again.value.status_code == 409


def _visibilities(db: Database, ideas: list[Idea], comments: list[Comment]) -> list[str]:
    """The content rows' own `visibility` column, which every list filters on."""
    with db.read() as session:
        rows = [session.get(Idea, i.id) for i in ideas] + [
            session.get(Comment, c.id) for c in comments
        ]
    return [row.visibility for row in rows if row is not None]


def test_a_ban_hides_all_content_and_unban_shows_it_again(
    db: Database, moderator: User, second_moderator: User, neighbour: User, idea: Idea
) -> None:
    own_idea = post_idea(db, neighbour, "Mijn idee")
    own_comment = comment_on(db, idea, neighbour)
    earlier_hidden = comment_on(db, idea, neighbour, "Eerder verborgen")
    assert earlier_hidden.id is not None
    act(db, second_moderator, "comment", earlier_hidden.id, "hide", "spam")

    sanction(db, moderator, neighbour, "ban", "spam", hide_content=True)
    assert _visibilities(db, [own_idea, idea], [own_comment, earlier_hidden]) == [
        "hidden",
        "public",  # someone else's idea
        "hidden",
        "hidden",
    ]

    with db.write() as session:
        assert neighbour.id is not None
        sanctions.do_lift(session, moderator, neighbour.id, SanctionKind.ban, "")
    assert account(db, neighbour).banned_at is None
    # What the ban hid is public again; the separate decision before it stands.
    assert _visibilities(db, [own_idea], [own_comment, earlier_hidden]) == [
        "public",
        "public",
        "hidden",
    ]
    assert [e.action for e in log(db)][-2:] == ["ban", "unban"]
    with db.read() as session:
        ended = session.exec(select(Sanction).where(Sanction.kind == "ban")).one()
    assert ended.ended_at is not None


def test_lifting_a_mute(db: Database, moderator: User, resident: User) -> None:
    assert resident.id is not None
    with pytest.raises(Refused) as not_muted, db.write() as session:
        sanctions.do_lift(session, moderator, resident.id, SanctionKind.mute, "")
    assert not_muted.value.status_code == 409
    sanction(db, moderator, resident, "mute", days=5)
    with db.write() as session:
        entry = sanctions.do_lift(session, moderator, resident.id, SanctionKind.mute, "Excuses")
    assert (entry.action, entry.reason, entry.note) == (ActionKind.unmute, "insult", "Excuses")
    assert account(db, resident).muted_until is None
    assert len(notifications(db, resident)) == 2
