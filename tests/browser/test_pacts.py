"""Collaboration pacts in a real browser: a pact walked from proposal to completion by a
resident, a clerk and a neighbour, then read by the public; the proposal form without
JavaScript on a phone; and axe-core and reflow on every pacts page at phone and desktop widths."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.browser.conftest import (
    PHONE,
    LiveServer,
    NewContext,
    assert_accessible,
    assert_fits,
    catch_dialogs,
    watch_for_errors,
)
from tests.browser.ideas_world import (
    VIEWPORTS,
    SignedIn,
    page_as,
    shown_coordinates,
    submit,
    wait_for_map,
)
from tests.browser.pacts_world import (
    HOSTILE,
    NEW_PACT_FORM,
    PactsWorld,
    build_pacts_world,
    close_consultation,
    expect_status,
    open_step,
    pact_id_of,
    send_step,
    status_of,
    step_form,
)
from tests.browser.test_ideas_pages import MAP_AT_REST
from tests.helpers import jpeg

pytestmark = pytest.mark.browser

# The statuses a pact passes through, in order, as its public timeline shows them.
WALK = [
    "draft",
    "submitted",
    "in_assessment",
    "consultation",
    "awaiting_signatures",
    "active",
    "completed",
]
TIMELINE_STATUSES = """steps => steps.map(step => {
    const badge = step.querySelector(".status");
    return badge ? [...badge.classList].find(name => name.startsWith("status--")) : null;
}).filter(Boolean).map(name => name.slice("status--".length))"""


@pytest.fixture(scope="module")
def pacts_world(live_server: LiveServer) -> PactsWorld:
    return build_pacts_world(live_server)


def timeline_statuses(page: Page) -> list[str]:
    """The status after each step, consecutive repeats folded into one."""
    statuses: list[str] = page.locator("#timeline li.timeline__step").evaluate_all(
        TIMELINE_STATUSES
    )
    return [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]


# --- from proposal to completion --------------------------------------------------------------


def test_a_pact_walks_from_proposal_to_completion(
    new_context: NewContext,
    signed_in: SignedIn,
    live_server: LiveServer,
    pacts_world: PactsWorld,
) -> None:
    # The resident proposes, with a pin on the map and a resource line, and submits.
    resident = page_as(new_context, signed_in, pacts_world.proposer)
    problems = watch_for_errors(resident)
    resident.goto("/pacts/new")
    wait_for_map(resident, "[data-map-picker]")
    resident.locator("#field-title").fill("Een bloemenweide in het Citadelpark")
    resident.locator("#field-description").fill("We zaaien **bloemen** voor bijen en vlinders.")
    resident.locator("#field-category").select_option("green_space")
    resident.locator("#field-commitments").fill("We maaien twee keer per jaar.")
    resident.locator("#field-resources_requested").fill(
        "Materialen: zaad voor 200 m²\nBudget: € 250 voor een zeis"
    )
    picker = resident.locator("[data-map-picker]")
    box = picker.bounding_box()
    assert box is not None
    picker.click(position={"x": box["width"] * 0.4, "y": box["height"] * 0.6})
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(resident.locator("#field-latitude")).to_have_value(re.compile(r"^\d{1,2}\.\d{6}$"))
    latitude = float(resident.locator("#field-latitude").input_value())
    longitude = float(resident.locator("#field-longitude").input_value())
    submit(resident, NEW_PACT_FORM)

    pact_id = pact_id_of(resident)
    pact_url = f"/pacts/{pact_id}"
    expect_status(resident, "draft")
    expect(resident.locator("h1#pact-title")).to_have_text("Een bloemenweide in het Citadelpark")
    expect(resident.locator("#resources li.resource--requested")).to_have_count(2)
    shown = shown_coordinates(resident, ".pact__place")
    assert shown == pytest.approx((latitude, longitude), abs=1e-6)
    send_step(resident, "submit")
    expect_status(resident, "submitted")

    # The clerk takes it for assessment and opens the consultation: the materials granted,
    # the budget not.
    clerk = page_as(new_context, signed_in, pacts_world.clerk)
    clerk_problems = watch_for_errors(clerk)
    clerk.goto(pact_url)
    clerk.locator("#assess-department").fill("Groendienst")
    send_step(clerk, "assess")
    expect_status(clerk, "in_assessment")
    open_step(clerk, "open_consultation")
    decisions = clerk.locator("#actions fieldset.resource-decision")
    expect(decisions).to_have_count(2)
    decisions.nth(0).locator("input[type=radio][value=granted]").check()
    decisions.nth(1).locator("input[type=radio][value=refused]").check()
    decisions.nth(1).locator("input[type=text]").fill("Geen budget meer dit jaar.")
    expect(clerk.locator("#open_consultation-days")).to_have_value("14")
    send_step(clerk, "open_consultation")
    expect_status(clerk, "consultation")
    expect(clerk.locator("#resources li.resource--granted")).to_have_count(1)
    expect(clerk.locator("#resources li.resource--refused .resource__note")).to_have_text(
        "Geen budget meer dit jaar."
    )

    # A neighbour gives advice.
    neighbour = page_as(new_context, signed_in, pacts_world.neighbour)
    neighbour_problems = watch_for_errors(neighbour)
    neighbour.goto(pact_url)
    advice_form = neighbour.locator("#consultation form.comment-form")
    advice_form.locator("#advice-body-new").fill("Prima, maar laat een pad vrij.")
    advice_form.locator("input[name=stance][value=neutral]").check()
    advice_form.locator("button[type=submit]").click()
    expect(neighbour.locator("#advice-list > li.comment")).to_have_count(1)

    # The days pass: the scheduler's job closes the consultation.
    close_consultation(live_server, pact_id)
    assert status_of(live_server, pact_id) == "awaiting_signatures"

    # The clerk says how the advice was used, and signs for the city.
    clerk.goto(pact_url)
    expect_status(clerk, "awaiting_signatures")
    expect(clerk.locator(step_form("sign"))).to_have_count(0)  # the response comes first
    open_step(clerk, "respond_to_advice")
    clerk.locator("#respond_to_advice-response").fill("Er komt een maaipad door de weide.")
    send_step(clerk, "respond_to_advice")
    expect(clerk.locator("#advice-response .pact__body")).to_contain_text("maaipad")
    send_step(clerk, "sign")
    expect(clerk.locator(step_form("sign"))).to_have_count(0)
    expect_status(clerk, "awaiting_signatures")

    # The resident signs for the proposers: the pact is active. Then they report progress,
    # and complete it with a final report.
    resident.goto(pact_url)
    send_step(resident, "sign")
    expect_status(resident, "active")
    open_step(resident, "report_progress")
    resident.locator("#report_progress-body").fill("Het zaad is gezaaid, met tien buren.")
    resident.locator("#report_progress-hours").fill("12")
    send_step(resident, "report_progress")
    expect(resident.locator("#progress li.progress-report")).to_have_count(1)
    open_step(resident, "complete")
    resident.locator("#complete-body").fill("De weide bloeit. Bedankt iedereen!")
    resident.locator("#complete-hours").fill("6")
    send_step(resident, "complete")
    expect_status(resident, "completed")
    problems += clerk_problems + neighbour_problems
    assert not problems, "\n".join(problems)

    # The public reads the whole story on the timeline, with nothing to do but read.
    public = new_context().new_page()
    public.goto(pact_url)
    expect_status(public, "completed")
    assert timeline_statuses(public) == WALK
    steps = public.locator("#timeline li.timeline__step")
    expect(steps.filter(has=public.locator(".timeline__body")).first).to_be_visible()
    automatic = public.locator("#timeline li.timeline__step:not(.timeline__step--official)")
    # The consultation's close and the activation.
    expect(automatic).to_have_count(2)
    expect(public.locator("#progress .pact__final .pact__body")).to_contain_text("De weide bloeit")
    expect(public.locator("#progress li.progress-report")).to_have_count(2)
    expect(public.locator("#advice-list > li.comment")).to_have_count(1)
    expect(public.locator("#actions form")).to_have_count(0)
    public.locator(f"#pact-text a[href='{pact_url}/text']").click()
    expect(public.locator("h1#pact-text-title")).to_have_text("Een bloemenweide in het Citadelpark")
    expect(public.locator(".pact-text__body")).to_contain_text("maaipad")


# --- without JavaScript, on a phone -----------------------------------------------------------


def test_propose_and_submit_without_javascript_on_a_phone(
    new_context: NewContext, signed_in: SignedIn, pacts_world: PactsWorld
) -> None:
    page = new_context(
        java_script_enabled=False, viewport=PHONE, storage_state=signed_in(pacts_world.proposer)
    ).new_page()
    page.goto("/pacts/new")
    expect(page.locator("[data-map-picker]")).to_be_hidden()
    assert_fits(page, PHONE["width"])

    # A resource without a description, and no title: the form comes back with what was typed.
    page.locator("#field-description").fill("Elke zaterdag een taalcafé in de bib.")
    page.locator("#field-category").select_option("social")
    page.locator("#field-latitude").fill("51,0431")
    page.locator("#field-longitude").fill("3.7265")
    page.locator("#field-starts_on").fill("2030-03-01")
    page.locator("#field-resources_requested").fill("Ruimte: een lokaal\nBudget:")
    submit(page, NEW_PACT_FORM)
    expect(page.locator(".error-summary[role=alert]")).to_be_visible()
    expect(page.locator("#field-title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#field-resources_requested")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#field-description")).to_have_value(
        "Elke zaterdag een taalcafé in de bib."
    )
    expect(page.locator("#field-latitude")).to_have_value("51,0431")
    expect(page.locator("#field-starts_on")).to_have_value("2030-03-01")
    expect(page.locator("#field-category")).to_have_value("social")
    assert_fits(page, PHONE["width"])

    page.locator("#field-title").fill("Taalcafé in de bibliotheek")
    page.locator("#field-resources_requested").fill("Ruimte: een lokaal\nBudget: € 100 voor koffie")
    submit(page, NEW_PACT_FORM)
    pact_id_of(page)
    expect_status(page, "draft")
    expect(page.locator("h1#pact-title")).to_have_text("Taalcafé in de bibliotheek")
    assert shown_coordinates(page, ".pact__place") == pytest.approx((51.0431, 3.7265))
    expect(page.locator("[data-idea-map]")).to_be_hidden()
    expect(page.locator("#resources li.resource")).to_have_count(2)
    assert_fits(page, PHONE["width"])

    send_step(page, "submit")
    expect_status(page, "submitted")
    expect(page.locator("#timeline li.timeline__step .status--submitted")).to_have_count(1)
    assert_fits(page, PHONE["width"])


# --- the proposal's photos when editing -------------------------------------------------------


def test_edit_a_draft_to_remove_a_photo_and_add_another(
    new_context: NewContext, signed_in: SignedIn, pacts_world: PactsWorld
) -> None:
    page = page_as(new_context, signed_in, pacts_world.proposer)
    problems = watch_for_errors(page)
    page.goto("/pacts/new")
    wait_for_map(page, "[data-map-picker]")
    page.locator("#field-title").fill("Zitbanken aan de vijver")
    page.locator("#field-description").fill("Twee zitbanken, door ons geschuurd en geverfd.")
    photo = FilePayload(name="bank.jpg", mimeType="image/jpeg", buffer=jpeg())
    page.locator("#field-photos").set_input_files([photo])
    submit(page, NEW_PACT_FORM)
    pact_id = pact_id_of(page)
    first = page.locator(".pact__proposal .photos img").get_attribute("src")

    page.goto(f"/pacts/{pact_id}/edit")
    wait_for_map(page, "[data-map-picker]")
    expect(page.locator(".pact-photos img")).to_have_count(1)
    assert_accessible(page)
    page.get_by_label("Foto 1 verwijderen").check()  # the proposer reads Dutch
    another = FilePayload(name="vijver.jpg", mimeType="image/jpeg", buffer=jpeg())
    page.locator("#field-photos").set_input_files([photo, another])
    submit(page, f"main form[action='/pacts/{pact_id}/edit']")
    expect_status(page, "draft")
    images = page.locator(".pact__proposal .photos img")
    expect(images).to_have_count(2)
    assert first not in [images.nth(n).get_attribute("src") for n in range(2)]
    assert not problems, "\n".join(problems)


# --- following, in place -----------------------------------------------------------------------


def test_follow_and_unfollow_in_place_with_htmx(
    new_context: NewContext, signed_in: SignedIn, pacts_world: PactsWorld
) -> None:
    """The button swaps itself (no page load: the marker set on the page stays) and says
    whether it is pressed; the page, loaded again, agrees."""
    page = page_as(new_context, signed_in, pacts_world.clerk)
    problems = watch_for_errors(page)
    page.goto(f"/pacts/{pacts_world.active_pact}")
    button = page.locator("#follow button")
    before = button.get_attribute("aria-pressed")
    after = "false" if before == "true" else "true"
    page.evaluate("window.stayedOnThePage = true")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        button.click()
    expect(page.locator("#follow button")).to_have_attribute("aria-pressed", after)
    assert page.evaluate("window.stayedOnThePage === true")
    page.reload()
    expect(page.locator("#follow button")).to_have_attribute("aria-pressed", after)
    page.locator("#follow button").click()
    expect(page.locator("#follow button")).to_have_attribute("aria-pressed", before or "")
    assert not problems, "\n".join(problems)


# --- accessibility and reflow -----------------------------------------------------------------


def wait_for_pacts_map(page: Page) -> None:
    """The map shows its markers and stands still (see test_ideas_pages.py)."""
    box = page.locator("[data-pacts-map]")
    page.wait_for_function(
        f"box => box.querySelector('.pact-marker-icon') && ({MAP_AT_REST})(box)",
        arg=box.element_handle(),
        polling=200,
    )


def open_list(page: Page, world: PactsWorld) -> None:
    page.goto("/pacts")
    expect(page.locator(f"a[href='/pacts/{world.active_pact}']").first).to_be_visible()


def open_map(page: Page, world: PactsWorld) -> None:
    page.goto("/pacts/map")
    wait_for_map(page, "[data-pacts-map]")
    wait_for_pacts_map(page)


def open_statistics(page: Page, world: PactsWorld) -> None:
    page.goto("/pacts/statistics")
    expect(page.locator("h1")).to_have_count(1)


def open_new(page: Page, world: PactsWorld) -> None:
    page.goto("/pacts/new")
    wait_for_map(page, "[data-map-picker]")


def open_consultation(page: Page, world: PactsWorld) -> None:
    page.goto(f"/pacts/{world.consultation_pact}")
    expect_status(page, "consultation")
    expect(page.locator("#advice-list li.comment")).to_have_count(2)
    wait_for_map(page, "[data-idea-map]")


def open_text(page: Page, world: PactsWorld) -> None:
    page.goto(f"/pacts/{world.consultation_pact}/text")
    expect(page.locator(".pact-text__body")).to_be_visible()


def open_organisations(page: Page, world: PactsWorld) -> None:
    page.goto("/organisations")
    expect(page.locator(f"a[href='/organisations/{world.organisation_id}']")).to_be_visible()


def open_organisation(page: Page, world: PactsWorld) -> None:
    page.goto(f"/organisations/{world.organisation_id}")
    expect(page.locator(f"a[href='/pacts/{world.active_pact}']")).to_be_visible()


# Each page, seen by who has the most controls on it: the clerk, or a member for organisations.
PAGES = [
    pytest.param(open_list, "clerk", id="list"),
    pytest.param(open_map, "clerk", id="map"),
    pytest.param(open_statistics, "clerk", id="statistics"),
    pytest.param(open_new, "clerk", id="new"),
    pytest.param(open_consultation, "clerk", id="consultation"),
    pytest.param(open_text, "clerk", id="text"),
    pytest.param(open_organisations, "proposer", id="organisations"),
    pytest.param(open_organisation, "proposer", id="organisation"),
]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("open_page", "who"), PAGES)
def test_pacts_pages_are_accessible_and_fit(
    new_context: NewContext,
    signed_in: SignedIn,
    pacts_world: PactsWorld,
    open_page: Callable[[Page, PactsWorld], None],
    who: str,
    viewport: dict[str, int],
) -> None:
    """axe-core finds nothing, and nothing scrolls sideways."""
    page = page_as(new_context, signed_in, getattr(pacts_world, who), viewport=viewport)
    problems = watch_for_errors(page)
    open_page(page, pacts_world)
    assert_accessible(page)
    assert_fits(page, viewport["width"])
    assert not problems, "\n".join(problems)


def test_hostile_text_stays_text_in_the_browser(
    new_context: NewContext, pacts_world: PactsWorld
) -> None:
    """A visitor's page with the hostile title and advice: no script ran, no image was made."""
    page = new_context().new_page()
    dialogs = catch_dialogs(page)
    page.goto(f"/pacts/{pacts_world.consultation_pact}")
    expect(page.locator("h1#pact-title")).to_contain_text(HOSTILE)
    expect(page.locator("main img[src=x]")).to_have_count(0)
    expect(page.locator("main script:not([src])")).to_have_count(0)
    assert dialogs == []
