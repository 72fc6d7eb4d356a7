"""The chair pauses and resumes the session: out of order is 409, no vote opens while paused,
and the form on the session controls does it."""

from __future__ import annotations

import pytest

from participation.database import Database
from participation.models import User
from tests.helpers import Browser, flashes, select_one
from tests.voting.agenda_world import (
    id_of,
    log_in,
    open_ballot,
    pause_session,
    refusal,
    resume_session,
    start_session,
)
from voting import actions
from voting.models import AgendaItem, Meeting

pytestmark = pytest.mark.usefixtures("english_messages")


def test_pause_and_resume_set_and_clear_thepause_session(
    db: Database, clerk: User, meeting: Meeting, in_session: int
) -> None:
    meeting_id = id_of(meeting)
    assert pause_session(db, clerk, meeting_id).paused_at is not None
    assert refusal(lambda: pause_session(db, clerk, meeting_id)).status_code == 409
    assert resume_session(db, clerk, meeting_id).paused_at is None
    failed = refusal(lambda: resume_session(db, clerk, meeting_id))
    assert (failed.status_code, failed.message) == (409, "The session is not paused.")


def test_only_a_running_session_pauses(db: Database, clerk: User, meeting: Meeting) -> None:
    failed = refusal(lambda: pause_session(db, clerk, id_of(meeting)))
    assert (failed.status_code, failed.message) == (409, "The session is not running.")


def test_only_the_chair_or_a_clerk_pauses(
    db: Database, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    assert refusal(lambda: pause_session(db, council_members[0], id_of(meeting))).status_code == 403


def test_no_vote_opens_while_paused(
    db: Database, clerk: User, meeting: Meeting, in_session: int
) -> None:
    pause_session(db, clerk, id_of(meeting))
    failed = refusal(lambda: open_ballot(db, clerk, in_session))
    assert failed.status_code == 409
    assert "paused" in failed.message
    resume_session(db, clerk, id_of(meeting))
    assert open_ballot(db, clerk, in_session).status == "open"


def test_ending_a_paused_session_clears_thepause_session(
    db: Database, clerk: User, meeting: Meeting, in_session: int
) -> None:
    pause_session(db, clerk, id_of(meeting))
    with db.write() as session:
        ended = actions.do_end_session(session, clerk, id_of(meeting))
    assert ended.paused_at is None


def test_the_session_form_pauses_and_resumes(
    browser: Browser,
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    item: AgendaItem,
) -> None:
    start_session(db, clerk, id_of(meeting), [])
    log_in(browser, clerk)
    back = f"/items/{item.id}"
    page = browser.get(back)
    button = select_one(
        page, f"form[action='/meetings/{meeting.id}/session'] button[value='pause']"
    )
    assert button.get_text(strip=True) == "Pause the session"
    path = f"/meetings/{meeting.id}/session"
    response = browser.post(path, {"action": "pause", "next": back})
    assert response.headers["location"] == back
    page = browser.get(back)
    assert flashes(page) == ["The session is paused."]
    select_one(page, f"form[action='{path}'] button[value='resume']")
    assert browser.post(path, {"action": "pause"}).status_code == 409
    assert browser.post(path, {"action": "resume", "next": back}).status_code == 303
    assert flashes(browser.get(back)) == ["The session has resumed."]
    assert select_one(page, f"a[href='/meetings/{meeting.id}/console']")
