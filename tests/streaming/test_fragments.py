"""The live page's out-of-band fragments, rendered from a made-up state: every panel carries its
id and `hx-swap-oob`, an event re-renders only what it touched, the text follows the language
and user text is escaped."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from participation.templating import Templates
from streaming import fragments
from streaming.state import AgendaRow, LiveState, NamedVote, RunningBallot, Speaker
from tests.conftest import make_settings
from tests.helpers import HOSTILE

STARTED = dt.datetime(2025, 3, 10, 19, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    var = tmp_path_factory.mktemp("var")
    return Templates(make_settings(f"sqlite:///{Path(var) / 'unused.db'}", var))


def speaker(name: str, status: str, request_id: int = 1) -> Speaker:
    started = STARTED if status == "speaking" else None
    return Speaker(request_id, request_id, name, "Groen", status, STARTED, started)


def make_state(**changes: object) -> LiveState:
    """A meeting in session: item 1 decided, item 2 current with its vote open."""
    done = AgendaRow(
        1,
        1,
        "Begroting",
        "done",
        "closed",
        "approved",
        {"yes": 2, "no": 1, "abstain": 0},
        False,
        {"yes": [NamedVote("Member 0", "Groen"), NamedVote("Member 1", "N-VA")], "no": []},
    )
    current = AgendaRow(2, 2, "Zebrapad", "current", "open", None, None, False, {})
    state = LiveState(
        meeting_id=7,
        title="Gemeenteraad",
        status="in_session",
        paused=False,
        started_at=STARTED,
        ended_at=None,
        seq=42,
        items=[done, current],
        current_item_id=2,
        speaker=speaker("Member 2", "speaking"),
        queue=[speaker("Member 0", "waiting", 2)],
        ballot=RunningBallot(2, False, 1, 3),
        present=3,
        speaking_limit_seconds=120,
        video_kind="none",
        video_url="",
    )
    return dataclasses.replace(state, **changes)  # type: ignore[arg-type]


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def top_ids(html: str) -> list[str]:
    return [str(tag["id"]) for tag in parse(html).find_all(recursive=False) if isinstance(tag, Tag)]


def panel(html: str, panel_id: str) -> Tag:
    found = parse(html).find(id=panel_id)
    assert isinstance(found, Tag), panel_id
    return found


def test_every_panel_is_an_out_of_band_swap_with_its_id(templates: Templates) -> None:
    html = fragments.render_all(templates, make_state(), "en")
    expected = [f"live-{name}" for name in fragments.PANELS] + ["live-seq"]
    assert top_ids(html) == expected
    for tag in parse(html).find_all(recursive=False):
        assert tag["hx-swap-oob"] == "true"
    assert panel(html, "live-seq")["data-seq"] == "42"


def test_the_same_state_renders_the_same_bytes(templates: Templates) -> None:
    state = make_state()
    assert fragments.render_all(templates, state, "en") == fragments.render_all(
        templates, state, "en"
    )


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ({"item.current"}, ["current", "ballot", "speakers", "agenda"]),
        ({"speaker.granted", "speaker.requested"}, ["speakers"]),
        ({"ballot.tally"}, ["ballot"]),
        ({"ballot.closed"}, ["ballot", "agenda", "results"]),
        ({"session.paused"}, ["status"]),
        ({"attendance"}, ["ballot", "present"]),
        ({"video.changed"}, ["video"]),
        ({"speaker.finished", "session.ended"}, ["status", "speakers"]),
        ({"snapshot"}, list(fragments.PANELS)),
        (set(), []),
    ],
)
def test_an_update_renders_the_panels_its_events_touched_and_the_seq(
    templates: Templates, kinds: set[str], expected: list[str]
) -> None:
    html = fragments.render_update(templates, make_state(), frozenset(kinds), "en")
    assert top_ids(html) == [f"live-{name}" for name in expected] + ["live-seq"]


def test_the_viewers_fragment(templates: Templates) -> None:
    html = fragments.render_viewers(templates, 1234, "en")
    assert top_ids(html) == ["live-viewers"]
    assert panel(html, "live-viewers")["hx-swap-oob"] == "true"
    assert "1234 watching" in panel(html, "live-viewers").get_text()


def test_the_language_switches_the_text(templates: Templates) -> None:
    def outcome(language: str) -> str:
        results = panel(fragments.render_all(templates, make_state(), language), "live-results")
        found = results.select_one(".outcome strong")
        assert found is not None
        return found.get_text()

    assert (outcome("en"), outcome("nl")) == ("Approved", "Goedgekeurd")


def test_a_running_ballot_shows_how_many_voted_never_who(templates: Templates) -> None:
    ballot = panel(fragments.render_all(templates, make_state(), "en"), "live-ballot")
    assert "1 of 3 present have voted" in " ".join(ballot.get_text().split())
    assert "Member" not in ballot.get_text()


def test_a_closed_named_ballot_shows_who_voted_what(templates: Templates) -> None:
    state = make_state(current_item_id=1, ballot=None)
    ballot = panel(fragments.render_all(templates, state, "en"), "live-ballot")
    names = [li.get_text(" ", strip=True) for li in ballot.select(".vote-group li")]
    assert names == ["Member 0 (Groen)", "Member 1 (N-VA)"]
    assert ballot.select_one(".outcome__tally") is not None


def test_the_speaker_and_the_queue(templates: Templates) -> None:
    speakers = panel(fragments.render_all(templates, make_state(), "en"), "live-speakers")
    elapsed = speakers.select_one("[data-since]")
    assert elapsed is not None
    assert elapsed["data-since"] == STARTED.isoformat()
    assert elapsed["data-limit"] == "120"
    assert "limit 2:00" in speakers.get_text()
    assert [li.get_text(" ", strip=True) for li in speakers.select(".live-queue li")] == [
        "Member 0 (Groen)"
    ]


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"started_at": None, "status": "published"}, "not started"),
        ({"paused": True}, "paused"),
        ({"status": "closed", "ended_at": STARTED}, "ended"),
        ({}, "In session"),
    ],
)
def test_the_status_banner(templates: Templates, changes: dict[str, object], text: str) -> None:
    status = panel(fragments.render_all(templates, make_state(**changes), "en"), "live-status")
    assert text in status.get_text()


def test_video_kinds(templates: Templates) -> None:
    hls = make_state(video_kind="hls", video_url="https://stream.example/live.m3u8")
    video = panel(fragments.render_all(templates, hls, "en"), "live-video")
    player = video.find("video")
    assert isinstance(player, Tag)
    assert player["data-hls"] == "https://stream.example/live.m3u8"
    assert not player.has_attr("src")
    embed = make_state(video_kind="embed", video_url="https://player.example/v/1")
    video = panel(fragments.render_all(templates, embed, "en"), "live-video")
    assert video.find("iframe") is None
    button = video.find("button")
    assert isinstance(button, Tag)
    assert "player.example" in button.get_text()
    link = video.find("a")
    assert isinstance(link, Tag)
    assert link["href"] == "https://player.example/v/1"


def test_a_video_address_that_is_not_a_web_address_is_not_linked(templates: Templates) -> None:
    state = make_state(video_kind="embed", video_url="javascript:alert(1)")
    video = panel(fragments.render_all(templates, state, "en"), "live-video")
    assert video.find("a") is None
    assert "javascript" not in str(video)


def test_hostile_titles_and_names_are_escaped(templates: Templates) -> None:
    state = make_state()
    hostile_row = dataclasses.replace(
        state.items[0], title=HOSTILE, votes={"yes": [NamedVote(HOSTILE, HOSTILE)]}
    )
    state = make_state(
        title=HOSTILE,
        items=[hostile_row, dataclasses.replace(state.items[1], title=HOSTILE)],
        speaker=speaker(HOSTILE, "speaking"),
        queue=[speaker(HOSTILE, "waiting", 2)],
    )
    html = fragments.render_all(templates, state, "en")
    assert parse(html).find("script") is None
    assert parse(html).find("img") is None
    assert parse(html).select_one("[hx-post]") is None
    assert HOSTILE in panel(html, "live-current").get_text()
    assert HOSTILE in panel(html, "live-results").get_text()
