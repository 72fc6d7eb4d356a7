"""Notification email: immediate emails and digests, each sent once, only when wanted."""

from __future__ import annotations

import datetime as dt
from email.message import Message

import pytest
from sqlalchemy import update
from sqlmodel import col, select
from starlette.testclient import TestClient

from participation import digests
from participation.app import create_app
from participation.comments import do_post_comment
from participation.database import Database, utcnow
from participation.digests import period_start, send_due
from participation.email_preferences import do_set_preferences
from participation.models import User
from participation.notifications import DAILY, WEEKLY, DigestRun, Notification, notify
from participation.settings import Settings
from participation.visibility import Visibility
from tests.conftest import make_settings
from tests.helpers import Outbox, create_user, set_visible

HOSTILE = '<script>alert(1)</script> "]]></title><x>'


def _comment(db: Database, author: User, body: str) -> int:
    """A comment: registered content with a title (its text) that moderation can hide."""
    with db.write() as session:
        posted = do_post_comment(session, author, "thing", 1, body, None, None)
    assert posted.id is not None
    return posted.id


def _tell(db: Database, user: User, comment_id: int, text: str) -> None:
    assert user.id is not None
    with db.write() as session:
        notify(
            session,
            [user.id],
            kind="comment.reply",
            subject="comment",
            subject_id=comment_id,
            link="/account",
            message=lambda: text,
        )


def _choose(db: Database, user: User, frequency: str) -> None:
    assert user.id is not None
    with db.write() as session:
        do_set_preferences(session, user.id, {"comment": frequency})


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _next_start(settings: Settings, frequency: str) -> dt.datetime:
    """The start of the first digest period after now."""
    step = dt.timedelta(days=7 if frequency == WEEKLY else 1)
    return period_start(settings, frequency, utcnow() + step)


def test_periods_start_at_the_digest_hour_local_time_and_weekly_on_mondays(
    tmp_path: object,
) -> None:
    settings = Settings.from_env({"INSPRAAK_DIGEST_HOUR": "7"})
    zone = settings.zone

    def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime(2026, 3, day, hour, minute, tzinfo=zone)

    # 2026-03-24 is a Tuesday; summer time starts on Sunday 29 March.
    assert period_start(settings, DAILY, at(24, 6, 59)) == at(23, 7)
    assert period_start(settings, DAILY, at(24, 7)) == at(24, 7)
    assert period_start(settings, WEEKLY, at(24, 7)) == at(23, 7)
    assert period_start(settings, WEEKLY, at(23, 6)) == at(16, 7)
    assert period_start(settings, DAILY, at(30, 8)) == at(30, 7)  # 07:00 in summer time
    assert period_start(settings, DAILY, at(30, 8)).utcoffset() == dt.timedelta(0)


def test_an_immediate_email_goes_once_with_one_click_unsubscribe(
    db: Database, settings: Settings, outbox: Outbox
) -> None:
    ann = create_user(db)
    bob = create_user(db, email="bob@example.be", name="Bob")
    _choose(db, ann, "immediately")
    about = _comment(db, bob, f"Over de school {HOSTILE}\nBcc: eve@example.be")
    _tell(db, ann, about, f"Bob antwoordde: {HOSTILE}\r\nBcc: eve@example.be")
    now = utcnow() + dt.timedelta(seconds=1)
    send_due(db, settings, now)
    send_due(db, settings, now + dt.timedelta(minutes=1))
    [message] = outbox.messages()
    assert message["To"] == "ann@example.be"
    assert message["Bcc"] is None
    subject = " ".join(message["Subject"].split())  # unfolded
    assert subject == f"Bob antwoordde: {HOSTILE} Bcc: eve@example.be"
    assert message.get_content_type() == "text/plain"
    body = _body(message)
    assert f"Bob antwoordde: {HOSTILE}" in body
    [notification_id] = _ids(db)
    assert f"http://testserver/notifications/{notification_id}" in body
    unsubscribe = outbox.last_link("ann@example.be", "/unsubscribe/")
    assert message["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://testserver/account/notifications" in body


def _ids(db: Database) -> list[int]:
    with db.read() as session:
        return [n for n in session.exec(select(Notification.id)).all() if n is not None]


def test_a_daily_digest_groups_newest_first_and_caps_what_it_lists(
    db: Database, settings: Settings, outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(digests, "DIGEST_LINES", 3)
    ann = create_user(db, language="en")
    bob = create_user(db, email="bob@example.be", name="Bob")
    school = _comment(db, bob, f"De school {HOSTILE}")
    park = _comment(db, bob, "Het park")
    for subject, text in ((school, "eerste"), (park, "tweede"), (school, "derde"), (park, "x")):
        _tell(db, ann, subject, text)
    start = _next_start(settings, DAILY)
    send_due(db, settings, start - dt.timedelta(minutes=1))
    assert outbox.messages() == []
    send_due(db, settings, start + dt.timedelta(minutes=1))
    send_due(db, settings, start + dt.timedelta(minutes=2))
    [digest] = outbox.to("ann@example.be")
    body = _body(digest)
    # Grouped, newest first: the park (its newest line "x") before the school; three lines.
    assert body.startswith("Hello Ann,")
    park_at = body.index("Comment: Het park\n")
    school_at = body.index("Comment: De school")
    assert park_at < body.index("\nx\n") < body.index("tweede") < school_at < body.index("derde")
    assert "eerste" not in body
    assert "1 more notification" in body
    assert "http://testserver/notifications\n" in body
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with db.read() as session:
        runs = session.exec(select(DigestRun.frequency)).all()
        pending = session.exec(select(Notification).where(col(Notification.emailed_at).is_(None)))
        assert pending.all() == []
    assert runs.count(DAILY) >= 1


def test_a_missed_digest_is_sent_once_across_restarts(
    database_url: str, db: Database, settings: Settings, outbox: Outbox
) -> None:
    ann = create_user(db)
    _tell(db, ann, _comment(db, ann, "Het plein"), "Nieuws over het plein")
    with db.write() as session:  # written two days ago, when the server was down
        session.execute(update(Notification).values(created_at=utcnow() - dt.timedelta(days=2)))
    for _restart in range(2):
        again = make_settings(database_url, settings.var_path)
        with TestClient(create_app(again)):
            pass
    send_due(db, settings)
    [digest] = outbox.to("ann@example.be")
    assert "Nieuws over het plein" in _body(digest)


def test_a_weekly_digest_leaves_on_mondays_only(
    db: Database, settings: Settings, outbox: Outbox
) -> None:
    ann = create_user(db)
    _choose(db, ann, WEEKLY)
    _tell(db, ann, _comment(db, ann, "Het plein"), "Nieuws over het plein")
    monday = _next_start(settings, WEEKLY)
    for day in range(6, 0, -1):  # each day's digest hour in the week before
        send_due(db, settings, monday - dt.timedelta(days=day, minutes=-1))
    assert outbox.messages() == []
    send_due(db, settings, monday + dt.timedelta(minutes=1))
    send_due(db, settings, monday + dt.timedelta(hours=1))
    [digest] = outbox.to("ann@example.be")
    assert digest["Subject"] == "Je wekelijkse overzicht van Demostad"  # in Ann's Dutch


def test_no_email_when_off_unverified_or_about_hidden_content(
    db: Database, settings: Settings, outbox: Outbox
) -> None:
    ann = create_user(db)
    bob = create_user(db, email="bob@example.be", name="Bob")
    cat = create_user(db, email="cat@example.be", name="Cat", verified=False)
    _choose(db, ann, "immediately")
    _choose(db, bob, "off")
    shown = _comment(db, bob, "Blijft zichtbaar")
    hidden = _comment(db, bob, "Wordt verborgen")
    for user in (ann, bob, cat):
        _tell(db, user, shown, "Over iets zichtbaars")
        _tell(db, user, hidden, "Over iets verborgens")
    set_visible(db, "comment", hidden, Visibility.hidden)
    send_due(db, settings, _next_start(settings, WEEKLY) + dt.timedelta(minutes=1))
    [message] = outbox.messages()
    assert message["To"] == "ann@example.be"
    assert "Over iets zichtbaars" in _body(message)
    with db.read() as session:
        due = session.exec(select(Notification.user_id, Notification.email_due)).all()
    assert {(user_id, email_due) for user_id, email_due in due} == {
        (ann.id, "immediately"),
        (bob.id, None),
        (cat.id, None),
    }
