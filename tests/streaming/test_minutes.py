"""The record after the session, read from the log of a session driven through the console's
and voting's actions: the timeline in words, each item's start (also relative to the session's
start, to link the recording), its speakers and its ballots with named votes; nothing of the
items in closed session for the public; the Markdown draft with user text kept literal."""

from __future__ import annotations

import re

import pytest

from participation.database import Database
from participation.models import User
from streaming.minutes import Minutes, as_markdown, clock, load_minutes
from tests.streaming.live_world import end, grant_floor, request_floor, set_current, set_video
from tests.voting.agenda_world import ZONE, add_item, decide, id_of
from voting.models import AgendaItem, Meeting

CLOCK = re.compile(r"\d\d:\d\d:\d\d")


def minutes_of(db: Database, meeting: Meeting, *, include_closed: bool = False) -> Minutes:
    with db.read() as session:
        found = session.get(Meeting, id_of(meeting))
        assert found is not None
        return load_minutes(session, found, include_closed=include_closed)


@pytest.fixture
def session_held(
    db: Database,
    clerk: User,
    council_members: list[User],
    meeting: Meeting,
    item: AgendaItem,
    in_session: int,
    english_messages: None,
) -> Meeting:
    """Item 1 with two speakers and a named vote, a secret vote on item 2, an item in closed
    session in between, and the end of the session."""
    meeting_id = id_of(meeting)
    secret = id_of(add_item(db, clerk, meeting, title="Benoeming", secret=True))
    closed = id_of(add_item(db, clerk, meeting, title="Personeelszaak", closed_session=True))
    set_video(db, clerk, meeting_id, "embed", "https://video.example/raad")
    set_current(db, clerk, meeting_id, in_session)
    grant_floor(db, clerk, request_floor(db, council_members[1], meeting_id))
    grant_floor(db, clerk, request_floor(db, council_members[0], meeting_id))
    decide(db, clerk, council_members, in_session, "yyn")
    set_current(db, clerk, meeting_id, closed)
    grant_floor(db, clerk, request_floor(db, council_members[2], meeting_id))
    decide(db, clerk, council_members, closed, "nnn")
    set_current(db, clerk, meeting_id, secret)
    decide(db, clerk, council_members, secret, "yya")
    end(db, clerk, meeting_id)
    return meeting


def test_each_item_with_its_start_speakers_and_votes(db: Database, session_held: Meeting) -> None:
    minutes = minutes_of(db, session_held)
    assert minutes.started_at is not None
    assert [item.title for item in minutes.items] == ["Zebrapad aan de school", "Benoeming"]
    first, second = minutes.items
    assert first.started_at is not None
    assert first.offset is not None
    assert first.offset >= 0
    assert [str(who) for _, who in first.speakers] == ["Member 1 (Vooruit)", "Member 0 (Groen)"]
    [ballot] = first.ballots
    assert (ballot.outcome, ballot.tally) == ("approved", {"yes": 2, "no": 1, "abstain": 0})
    assert [(choice, [v.name for v in voters]) for choice, voters in ballot.votes] == [
        ("yes", ["Member 0", "Member 1"]),
        ("no", ["Member 2"]),
        ("abstain", []),
    ]
    assert (ballot.present, ballot.in_office, ballot.secret) == (3, 3, False)
    [secret] = second.ballots
    assert secret.secret
    assert secret.votes == []
    assert secret.tally == {"yes": 2, "no": 0, "abstain": 1}
    assert second.speakers == []


def test_the_recording_is_linked_at_each_item(db: Database, session_held: Meeting) -> None:
    minutes = minutes_of(db, session_held)
    first = minutes.items[0]
    assert minutes.video_at(first.offset) == f"https://video.example/raad#t={first.offset}"
    assert minutes.video_at(None) == ""


def test_the_timeline_in_words(db: Database, session_held: Meeting) -> None:
    texts = [moment.text for moment in minutes_of(db, session_held).timeline]
    assert texts[0] == "The session started."
    assert "Item 1: Zebrapad aan de school." in texts
    assert "Member 1 (Vooruit) has the floor." in texts
    assert "Member 1 (Vooruit) finished speaking." in texts
    assert "The vote on item 1 closed: Approved (2–1–0)." in texts
    assert texts[-1] == "The session ended."
    assert not any("tally" in text or text == "" for text in texts)


def test_closed_session_items_stay_out_of_the_public_record(
    db: Database, session_held: Meeting
) -> None:
    public = minutes_of(db, session_held)
    everything = " ".join(moment.text for moment in public.timeline)
    assert "Personeelszaak" not in everything
    assert "Member 2 (N-VA) has the floor" not in everything
    assert "Rejected" not in everything
    council = minutes_of(db, session_held, include_closed=True)
    assert [item.title for item in council.items] == [
        "Zebrapad aan de school",
        "Benoeming",
        "Personeelszaak",
    ]
    assert [str(who) for _, who in council.items[2].speakers] == ["Member 2 (N-VA)"]


def test_the_markdown_draft(db: Database, session_held: Meeting) -> None:
    text = as_markdown(minutes_of(db, session_held), ZONE)
    assert text.startswith("# Gemeenteraad\n")
    assert "## 1. Zebrapad aan de school" in text
    assert "https://video.example/raad#t=" in text
    assert "- Yes (2): Member 0 (Groen), Member 1 (Vooruit)" in text
    assert "Secret ballot: only the totals are recorded" in text
    assert "Personeelszaak" not in text


def test_user_text_in_markdown_stays_literal(
    db: Database, clerk: User, council_members: list[User], meeting: Meeting, in_session: int
) -> None:
    hostile = id_of(add_item(db, clerk, meeting, title="<script>x</script> *bold* [a](b)"))
    set_current(db, clerk, id_of(meeting), hostile)
    text = as_markdown(minutes_of(db, meeting), ZONE)
    assert r"\<script\>x\</script\> \*bold\* \[a\](b)" in text
    assert "<script>" not in text


def test_before_the_session_the_record_is_empty(db: Database, meeting: Meeting) -> None:
    minutes = minutes_of(db, meeting)
    assert minutes.started_at is None
    assert minutes.timeline == []
    assert all(item.started_at is None for item in minutes.items)


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "00:00:00"), (59, "00:00:59"), (3725, "01:02:05"), (None, "")]
)
def test_clock(seconds: int | None, text: str) -> None:
    assert clock(seconds) == text
    assert not text or CLOCK.fullmatch(text)
