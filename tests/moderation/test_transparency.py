"""The public transparency page: counts per month by action and reason, moderators' and
automatic decisions apart, and nothing personal."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col

from moderation import transparency, words
from moderation.models import ModerationAction
from participation.comments import Comment
from participation.database import Database, utcnow
from participation.models import User
from tests.helpers import Browser, select_one, soup
from tests.moderation.conftest import act, make_residents, report, sanction

BRUSSELS = ZoneInfo("Europe/Brussels")


def test_month_starts_are_local_and_cross_the_year() -> None:
    now = dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC)
    starts = transparency.month_starts(now, BRUSSELS)
    assert len(starts) == 13
    assert starts[0] == dt.datetime(2025, 3, 1, tzinfo=BRUSSELS)
    assert starts[-2] == dt.datetime(2026, 2, 1, tzinfo=BRUSSELS)
    assert starts[-1] == dt.datetime(2026, 3, 1, tzinfo=BRUSSELS)
    # Just after midnight on the 1st in Brussels is still the last day of the month in UTC.
    late = dt.datetime(2026, 2, 28, 23, 30, tzinfo=dt.UTC)
    assert transparency.month_starts(late, BRUSSELS)[-2] == dt.datetime(2026, 3, 1, tzinfo=BRUSSELS)


def _world(db: Database, moderator: User, neighbour: User, comment: Comment) -> None:
    """A moderator's hide, an automatic hide after reports, a mute, and a log entry from more
    than a year ago that the page leaves out."""
    assert comment.id is not None
    assert neighbour.id is not None
    act(db, moderator, "comment", comment.id, "hide", "insult", "Grof tegen <b>Ann</b>")
    act(db, moderator, "comment", comment.id, "restore")
    for reporter in make_residents(db, 2):
        report(db, reporter, "comment", comment.id, "spam", auto_hide_at=2)
    sanction(db, moderator, neighbour, "mute", note="Secret note", days=3)
    with db.write() as session:
        old = ModerationAction(action="warn", moderator_id=moderator.id, reason="other")
        session.add(old)
        session.flush()
        session.execute(
            update(ModerationAction)
            .where(col(ModerationAction.id) == old.id)
            .values(created_at=utcnow() - dt.timedelta(days=400))
        )


def test_counts_by_action_and_reason(
    db: Database, moderator: User, neighbour: User, comment: Comment
) -> None:
    _world(db, moderator, neighbour, comment)
    with db.read() as session:
        months = transparency.monthly_counts(session, utcnow(), BRUSSELS)
    assert len(months) == 12
    this_month = months[0]
    assert this_month.by_action == {
        ("hide", False): 1,
        ("restore", False): 1,
        ("auto_hide", True): 1,
        ("mute", False): 1,
    }
    assert this_month.by_reason == {("insult", False): 2, ("spam", True): 1}
    assert (this_month.total(False), this_month.total(True)) == (3, 1)
    assert all(not month.by_action for month in months[1:])


def test_the_page_is_public_and_shows_no_personal_data(
    browser: Browser, db: Database, moderator: User, neighbour: User, comment: Comment
) -> None:
    _world(db, moderator, neighbour, comment)
    with db.write() as session:
        words.do_add_word(session, moderator, "geheimwoord")
    page = browser.get("/transparency")
    assert page.status_code == 200
    table = select_one(page, "table#per-month")
    assert table.select_one("caption") is not None
    assert all(th.get_text(strip=True) for th in table.select("thead th[scope=col]"))
    assert len(table.select("tbody tr")) == 12
    first = table.select("tbody tr")[0]
    assert first.select_one("th[scope=row]") is not None
    assert [td.get_text() for td in first.select("td")] == ["3", "1"]
    month_tables = soup(page).select(".transparency-month table")
    assert len(month_tables) == 2
    for found in month_tables:
        assert found.select_one("caption") is not None
        assert found.select("th[scope=col]")
    text = soup(page).select_one("main").get_text()  # type: ignore[union-attr]
    for private in ("Mia", "Bob", "Ann", "Secret note", "Dat is onzin", "geheimwoord", "Grof"):
        assert private not in text, private


def test_an_empty_year(browser: Browser) -> None:
    page = browser.get("/transparency")
    assert select_one(page, "#transparency-empty")
    assert len(select_one(page, "#per-month").select("tbody tr")) == 12
