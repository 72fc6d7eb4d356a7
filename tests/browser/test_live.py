"""The public live page in a real browser, over the real server's websocket: the chair opens a
vote on the console, a member votes on a tablet, and a page opened before shows the count and
then the named result without a reload. The live page and the minutes pass axe-core and fit a
360 px screen.

The tests find things by id, CSS class and attribute, never by a translated text.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from participation.database import utcnow
from streaming import console
from tests.browser.conftest import (
    PHONE,
    LiveServer,
    NewContext,
    assert_accessible,
    assert_fits,
    catch_dialogs,
    watch_for_errors,
)
from tests.browser.ideas_world import SignedIn, in_database, page_as, person
from tests.browser.voting_world import (
    HOSTILE,
    TABLET,
    VotingWorld,
    mark_page,
    same_page,
    seed_item,
    seed_meeting,
)
from voting import actions

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class LiveMeeting:
    meeting_id: int
    item_id: int  # the current item, its named vote not opened yet
    hostile_item: int


def live_meeting(server: LiveServer, world: VotingWorld, title: str) -> LiveMeeting:
    """A meeting in session today, every member checked in, its first item current."""
    meeting_id = seed_meeting(server, world.clerk, title, utcnow())
    item_id = seed_item(server, world.clerk, meeting_id, title="Zebrapad aan de school")
    hostile_item = seed_item(server, world.clerk, meeting_id, title=HOSTILE)

    def run(session: Session) -> None:
        chair = person(session, world.clerk)
        actions.do_start_session(session, chair, meeting_id)
        for member in world.members:
            actions.do_check_in(session, person(session, member), meeting_id)
        console.do_set_current_item(session, chair, meeting_id, item_id)

    in_database(server, run)
    return LiveMeeting(meeting_id, item_id, hostile_item)


def ballot_button(page: Page, item_id: int, action: str) -> None:
    page.locator(f"main form[action='/items/{item_id}/ballot'] button[value={action}]").click()


def test_the_public_follows_a_vote_without_reloading(
    new_context: NewContext,
    signed_in: SignedIn,
    live_server: LiveServer,
    voting_world: VotingWorld,
) -> None:
    meeting = live_meeting(live_server, voting_world, "Gemeenteraad live")
    public = page_as(new_context, signed_in, None)
    problems = watch_for_errors(public)
    dialogs = catch_dialogs(public)
    public.goto(f"/live/{meeting.meeting_id}")
    expect(public.locator("#live-agenda li[aria-current='step']")).to_have_count(1)
    expect(public.locator("#live-ballot meter")).to_have_count(0)
    mark_page(public)

    chair = page_as(new_context, signed_in, voting_world.clerk)
    chair.goto(f"/meetings/{meeting.meeting_id}/console")
    ballot_button(chair, meeting.item_id, "open")
    expect(public.locator("#live-ballot meter")).to_have_attribute("value", "0")
    expect(public.locator("#live-ballot meter")).to_have_attribute("max", "3")

    member = page_as(new_context, signed_in, voting_world.members[0], viewport=TABLET)
    member.goto(f"/meetings/{meeting.meeting_id}/tablet")
    vote = f"form[action='/items/{meeting.item_id}/council-vote'] button[value=yes]"
    member.locator(vote).click()
    expect(member.locator(vote)).to_have_attribute("aria-pressed", "true")
    expect(public.locator("#live-ballot meter")).to_have_attribute("value", "1")

    chair.goto(f"/meetings/{meeting.meeting_id}/console")
    ballot_button(chair, meeting.item_id, "close")
    expect(public.locator("#live-ballot meter")).to_have_count(0)
    expect(public.locator("#live-ballot .outcome__tally")).to_have_text("1–0–0")
    expect(public.locator("#live-ballot .vote-group li")).to_have_count(1)
    expect(public.locator("#live-results > ol > li")).to_have_count(1)
    expect(public.locator("#live-agenda .outcome--approved")).to_have_count(1)
    assert same_page(public), "the live page was reloaded"
    assert int(public.locator("#live-seq").get_attribute("data-seq") or 0) > 0
    assert_accessible(public)
    assert dialogs == []
    assert problems == []


def test_the_live_page_and_the_minutes_on_a_phone(
    new_context: NewContext,
    signed_in: SignedIn,
    live_server: LiveServer,
    voting_world: VotingWorld,
) -> None:
    """A decided vote, a speaker and a hostile item title, on a 360 px screen."""
    meeting = live_meeting(live_server, voting_world, "Gemeenteraad op de gsm")

    def decide_and_speak(session: Session) -> None:
        chair = person(session, voting_world.clerk)
        speaker = person(session, voting_world.members[1])
        request = console.do_request_floor(session, speaker, meeting.meeting_id)
        assert request.id is not None
        console.do_grant_floor(session, chair, request.id)

    in_database(live_server, decide_and_speak)
    phone = page_as(new_context, signed_in, None, viewport=PHONE)
    problems = watch_for_errors(phone)
    dialogs = catch_dialogs(phone)
    phone.goto(f"/live/{meeting.meeting_id}")
    expect(phone.locator("#live-speakers .live-speaker__elapsed")).not_to_be_empty()
    assert_fits(phone, PHONE["width"])
    assert_accessible(phone)

    phone.goto(f"/meetings/{meeting.meeting_id}/minutes")
    expect(phone.locator(f"#item-{meeting.item_id}")).to_be_visible()
    expect(phone.locator(".minutes__timeline li").first).to_be_visible()
    assert_fits(phone, PHONE["width"])
    assert_accessible(phone)
    assert dialogs == []
    assert problems == []


def test_an_embedded_player_loads_only_on_request(
    new_context: NewContext,
    signed_in: SignedIn,
    live_server: LiveServer,
    voting_world: VotingWorld,
) -> None:
    """No request to the player's host until the visitor asks (it would set its cookies)."""
    meeting = live_meeting(live_server, voting_world, "Gemeenteraad met video")
    player = "https://player.example/embed/1"

    def embed(session: Session) -> None:
        chair = person(session, voting_world.clerk)
        console.do_update_live_settings(session, chair, meeting.meeting_id, "embed", player, 0)

    in_database(live_server, embed)
    page = page_as(new_context, signed_in, None)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"/live/{meeting.meeting_id}")
    load = page.locator("#live-video .live-video__load")
    expect(load).to_be_visible()
    expect(page.locator("#live-video iframe")).to_have_count(0)
    assert not [url for url in asked if url.startswith("https://player.example")]
    load.click()
    expect(page.locator("#live-video iframe")).to_have_attribute("src", player)
    expect(load).to_have_count(0)
