"""The voting pages pass axe-core (WCAG 2.2 AA) and fit a 360 px screen, for each kind of
visitor."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    NewContext,
    assert_accessible,
    assert_fits,
    watch_for_errors,
)
from tests.browser.ideas_world import VIEWPORTS, SignedIn, page_as, submit
from tests.browser.voting_world import ADD_ITEM_FORM, NEW_MEETING_FORM, VotingWorld

pytestmark = pytest.mark.browser

Opener = Callable[[Page, VotingWorld], None]


def open_meetings(page: Page, world: VotingWorld) -> None:
    page.goto("/meetings")
    expect(page.locator(f"#meeting-{world.meeting_id}")).to_be_visible()


def open_meeting(page: Page, world: VotingWorld) -> None:
    page.goto(f"/meetings/{world.meeting_id}")
    expect(page.locator(f"#item-{world.advisory_item}")).to_be_visible()


def open_meeting_with_forms(page: Page, world: VotingWorld) -> None:
    """The clerk's meeting page with the add-item form and one item's document form open."""
    open_meeting(page, world)
    expect(page.locator(ADD_ITEM_FORM)).to_be_visible()
    details = page.locator(f"#item-{world.prevote_item} details.item-tools__form").first
    details.locator("> summary").click()
    expect(details.locator("form")).to_be_visible()


def open_meeting_with_errors(page: Page, world: VotingWorld) -> None:
    open_meeting(page, world)
    page.locator("#field-advisory").check()
    submit(page, ADD_ITEM_FORM)
    expect(page.locator(".error-summary[role=alert]")).to_be_visible()
    expect(page.locator("#field-title")).to_have_attribute("aria-invalid", "true")


def open_decided_item(page: Page, world: VotingWorld) -> None:
    page.goto(f"/items/{world.decided_item}")
    expect(page.locator("#council-result .vote-group li")).to_have_count(3)
    expect(page.locator("#advisory .advisory-vote__comparison")).to_be_visible()


def open_item_to_vote(page: Page, world: VotingWorld) -> None:
    page.goto(f"/items/{world.prevote_item}")
    expect(page.locator(f"#council-vote-{world.prevote_item} form.vote-form")).to_be_visible()


def open_item_to_advise(page: Page, world: VotingWorld) -> None:
    page.goto(f"/items/{world.advisory_item}")
    expect(page.locator(f"#advisory-vote-{world.advisory_item} form.vote-form")).to_be_visible()


def open_dashboard(page: Page, world: VotingWorld) -> None:
    page.goto("/council")
    expect(page.locator(f"#council-vote-{world.prevote_item} form.vote-form")).to_be_visible()


def open_councils(page: Page, world: VotingWorld) -> None:
    page.goto("/councils")
    expect(page.locator(f".council-list a[href='/councils/{world.council_id}']")).to_be_visible()


def open_council(page: Page, world: VotingWorld) -> None:
    page.goto(f"/councils/{world.council_id}")
    expect(page.locator(".mandate-list > li.mandate")).to_have_count(len(world.members))


def open_new_meeting(page: Page, world: VotingWorld) -> None:
    page.goto("/meetings/new")
    expect(page.locator(NEW_MEETING_FORM)).to_be_visible()


def open_import_preview(page: Page, world: VotingWorld) -> None:
    """The agenda import's preview: one row to add, one named as unreadable."""
    page.goto(f"/meetings/{world.meeting_id}/import")
    csv = b"title;public\nNieuwe speeltuin;ja\n;nee\n"
    page.locator("#field-file").set_input_files(
        {"name": "agenda.csv", "mimeType": "text/csv", "buffer": csv}
    )
    page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.locator("#import-report .import-row")).to_have_count(1)
    expect(page.locator(".import-problems li")).to_have_count(1)


def clerk(world: VotingWorld) -> str:
    return world.clerk


def member(world: VotingWorld) -> str:
    # Not the member who votes in the tests above: their dashboard changes as they vote.
    return world.members[-1]


def resident(world: VotingWorld) -> str:
    return world.resident


Who = Callable[[VotingWorld], str] | None

PAGES = [
    pytest.param(None, open_meetings, id="meetings"),
    pytest.param(None, open_meeting, id="meeting-public"),
    pytest.param(clerk, open_meeting_with_forms, id="meeting-clerk"),
    pytest.param(clerk, open_meeting_with_errors, id="meeting-clerk-errors"),
    pytest.param(None, open_decided_item, id="item-decided"),
    pytest.param(member, open_item_to_vote, id="item-member"),
    pytest.param(resident, open_item_to_advise, id="item-resident"),
    pytest.param(member, open_dashboard, id="dashboard"),
    pytest.param(clerk, open_councils, id="councils"),
    pytest.param(clerk, open_council, id="council"),
    pytest.param(clerk, open_new_meeting, id="new-meeting"),
    pytest.param(clerk, open_import_preview, id="import-preview"),
]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("who", "open_page"), PAGES)
def test_voting_pages_are_accessible_and_fit(
    new_context: NewContext,
    signed_in: SignedIn,
    voting_world: VotingWorld,
    who: Who,
    open_page: Opener,
    viewport: dict[str, int],
) -> None:
    """axe-core finds nothing, and nothing scrolls sideways at 360 px."""
    address = who(voting_world) if who is not None else None
    page = page_as(new_context, signed_in, address, viewport=viewport)
    problems = watch_for_errors(page)
    open_page(page, voting_world)
    assert_accessible(page)
    assert_fits(page, viewport["width"])
    if open_page is open_meeting_with_errors:
        # The form's answer to an incomplete item: 400 with the errors, as designed.
        problems = [p for p in problems if not re.search(r"\b400\b.*/items\)?$", p)]
    assert not problems, "\n".join(problems)
