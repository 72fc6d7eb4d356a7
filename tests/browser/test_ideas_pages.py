"""The map of ideas, and axe-core and reflow on every idea page at phone and desktop widths."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, func, select

from ideas.models import Idea
from tests.browser.conftest import (
    LiveServer,
    NewContext,
    assert_accessible,
    assert_fits,
    watch_for_errors,
)
from tests.browser.ideas_world import (
    LONG_TITLE,
    NEW_IDEA_FORM,
    VIEWPORTS,
    SignedIn,
    World,
    in_database,
    page_as,
    submit,
    wait_for_map,
)

pytestmark = pytest.mark.browser


SHOWN_ON_THE_MAP = """box => {
    const single = box.querySelectorAll(".leaflet-marker-icon:not(.marker-cluster)").length;
    const clustered = [...box.querySelectorAll(".marker-cluster")]
        .reduce((sum, cluster) => sum + Number(cluster.textContent.trim()), 0);
    return single + clustered;
}"""


# Markers and clusters stand still: Leaflet and markercluster animate zooms and fade markers in,
# and halfway an animation two clusters can overlap (axe would see too small targets).
MAP_AT_REST = """box => {
    if (box.querySelector(".leaflet-zoom-anim, .leaflet-cluster-anim")) return false;
    const now = [...box.querySelectorAll(".leaflet-marker-icon")]
        .map(el => { const r = el.getBoundingClientRect(); return `${r.x},${r.y}`; })
        .join(" ");
    const before = box.markersBefore;
    box.markersBefore = now;
    return now === before;
}"""


def wait_for_the_ideas_map(page: Page, expected: int) -> None:
    """Wait until the map shows `expected` ideas (single or in clusters) and stands still."""
    box = page.locator("[data-ideas-map]")
    page.wait_for_function(
        f"([box, expected]) => ({SHOWN_ON_THE_MAP})(box) === expected && ({MAP_AT_REST})(box)",
        arg=[box.element_handle(), expected],
        polling=200,
    )


def located_ideas(server: LiveServer) -> int:
    def count(session: Session) -> int:
        statement = select(func.count()).where(
            col(Idea.latitude).is_not(None), col(Idea.withdrawn_at).is_(None)
        )
        return session.exec(statement).one()

    return in_database(server, count)


def test_the_map_shows_the_ideas_with_a_place(
    page: Page, live_server: LiveServer, world: World
) -> None:
    problems = watch_for_errors(page)
    expected = located_ideas(live_server)
    assert expected > 100, "the map should need more than one page of GeoJSON"
    page.goto("/ideas/map")
    wait_for_map(page, "[data-ideas-map]")
    markers = page.locator("[data-ideas-map] :is(.leaflet-marker-icon, .marker-cluster)")
    expect(markers.first).to_be_visible()
    assert markers.count() > 0
    expect(page.locator("[data-ideas-map] .map__fallback")).to_have_count(0)

    # Every idea with a place is there, single or counted in a cluster, from every page.
    wait_for_the_ideas_map(page, expected)
    assert not problems, "\n".join(problems)


FOREIGN_MAP = """() => {
    const box = document.createElement("div");
    box.id = "probe";
    box.className = "map map--small";
    box.dataset.tiles = "https://tiles.example.org/{z}/{x}/{y}.png";
    document.querySelector("main").append(box);
    window.inspraakMap(box, [51.05, 3.72], 13);
}"""


def test_map_images_from_another_site_wait_for_consent(page: Page, world: World) -> None:
    page.goto("/ideas/map")
    wait_for_map(page, "[data-ideas-map]")
    page.evaluate(FOREIGN_MAP)
    button = page.locator("#probe button.map-consent")
    expect(button).to_contain_text("tiles.example.org")
    expect(page.locator("#probe .leaflet-tile")).to_have_count(0)
    button.click()
    expect(button).to_have_count(0)
    expect(page.locator("#probe .leaflet-tile").first).to_be_attached()
    # Asked once: the next map in this browser loads its images at once.
    page.reload()
    wait_for_map(page, "[data-ideas-map]")
    page.evaluate(FOREIGN_MAP)
    expect(page.locator("#probe .leaflet-tile").first).to_be_attached()
    expect(page.locator("#probe button.map-consent")).to_have_count(0)


# --- accessibility and reflow -----------------------------------------------------------------


def open_ideas_list(page: Page, server: LiveServer, world: World) -> None:
    page.goto("/ideas")
    expect(page.locator("ul.idea-list > li.idea-card").first).to_be_visible()


def open_map(page: Page, server: LiveServer, world: World) -> None:
    page.goto("/ideas/map")
    wait_for_map(page, "[data-ideas-map]")
    wait_for_the_ideas_map(page, located_ideas(server))


def open_rich_idea(page: Page, server: LiveServer, world: World) -> None:
    page.goto(f"/ideas/{world.rich_idea}")
    expect(page.locator("ul.photos img")).to_have_count(2)
    expect(page.locator("#comment-list .comment-replies li.comment")).to_have_count(1)
    expect(page.locator(".timeline__step--official")).to_have_count(1)
    wait_for_map(page, "[data-idea-map]")


def open_new_idea(page: Page, server: LiveServer, world: World) -> None:
    page.goto("/ideas/new")
    wait_for_map(page, "[data-map-picker]")


def open_new_idea_with_errors(page: Page, server: LiveServer, world: World) -> None:
    open_new_idea(page, server, world)
    submit(page, NEW_IDEA_FORM)
    expect(page.locator(".error-summary[role=alert]")).to_be_visible()
    expect(page.locator("#field-title")).to_have_attribute("aria-invalid", "true")
    wait_for_map(page, "[data-map-picker]")


def open_new_idea_with_suggestions(page: Page, server: LiveServer, world: World) -> None:
    open_new_idea(page, server, world)
    page.locator("#field-title").fill(LONG_TITLE)
    expect(page.locator("#similar-ideas a").filter(has_text=LONG_TITLE)).to_be_visible()


PAGES = [
    pytest.param(open_ideas_list, id="list"),
    pytest.param(open_map, id="map"),
    pytest.param(open_rich_idea, id="idea"),
    pytest.param(open_new_idea, id="new"),
    pytest.param(open_new_idea_with_errors, id="new-with-errors"),
    pytest.param(open_new_idea_with_suggestions, id="new-with-suggestions"),
]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("open_page", PAGES)
def test_idea_pages_are_accessible_and_fit(
    new_context: NewContext,
    signed_in: SignedIn,
    world: World,
    live_server: LiveServer,
    open_page: Callable[[Page, LiveServer, World], None],
    viewport: dict[str, int],
) -> None:
    """axe-core finds nothing, and nothing scrolls sideways (signed in as a clerk: the most
    controls on the page)."""
    page = page_as(new_context, signed_in, world.clerk, viewport=viewport)
    problems = watch_for_errors(page)
    open_page(page, live_server, world)
    assert_accessible(page)
    assert_fits(page, viewport["width"])
    if open_page is open_new_idea_with_errors:
        # The form's answer to an empty form: 400 with the errors, as designed.
        problems = [p for p in problems if not re.search(r"\b400\b.*/ideas\)?$", p)]
    assert not problems, "\n".join(problems)
