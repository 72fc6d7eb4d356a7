"""Problem reports in a real browser on a phone (360 px): report one with a pin and a photo,
see the nearby open report suggested on the way, follow it to fixed on its page; and the
public pages pass axe-core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from problems import handling, handling_photos
from problems.models import ProblemPhoto
from tests.browser.conftest import (
    PHONE,
    LiveServer,
    NewContext,
    assert_accessible,
    assert_fits,
    catch_dialogs,
    watch_for_errors,
)
from tests.browser.ideas_world import in_database, jpeg, log_in, person, wait_for_map
from tests.browser.problems_world import (
    NEW_PROBLEM_FORM,
    PROBLEM_URL,
    ProblemsWorld,
    build_problems_world,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def problems_world(live_server: LiveServer) -> ProblemsWorld:
    return build_problems_world(live_server)


def report_id_of(page: Page) -> int:
    expect(page).to_have_url(PROBLEM_URL)
    found = PROBLEM_URL.search(page.url)
    assert found is not None
    return int(found.group(1))


def test_report_with_a_pin_and_a_photo_then_follow_it_to_fixed(
    new_context: NewContext, live_server: LiveServer, problems_world: ProblemsWorld, tmp_path: Path
) -> None:
    page = new_context(viewport=PHONE).new_page()
    errors = watch_for_errors(page)
    dialogs = catch_dialogs(page)
    photo = tmp_path / "put.jpg"
    photo.write_bytes(jpeg(320, 240))
    log_in(page, problems_world.reporter)

    page.goto("/problems/new")
    picker = page.locator("[data-map-picker]")
    wait_for_map(page, "[data-map-picker]")
    assert_fits(page, PHONE["width"])
    page.locator("#field-category_id").select_option(str(problems_world.category_id))
    box = picker.bounding_box()
    assert box is not None
    picker.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#field-latitude")).to_have_value(re.compile(r"^\d{1,2}\.\d{6}$"))
    # The open report of the same kind at the centre is suggested, with its "me too".
    suggestion = page.locator(
        f"#problem-nearby a[href='/problems/{problems_world.existing_report}']"
    )
    expect(suggestion).to_have_count(1)
    me_too = f"/problems/{problems_world.existing_report}/me-too"
    expect(page.locator(f"#problem-nearby button[formaction='{me_too}']")).to_have_count(1)
    assert_fits(page, PHONE["width"])

    page.locator("#field-description").fill("Een put in het fietspad, vlak bij de lantaarnpaal.")
    page.locator("#field-photos").set_input_files(photo)
    page.locator(f"{NEW_PROBLEM_FORM} > button[type=submit]").click()
    report_id = report_id_of(page)
    assert report_id != problems_world.existing_report
    expect(page.locator("#problem-status")).to_have_class(re.compile(r"status--new"))
    expect(page.locator("#photos img")).to_have_count(0)  # not checked yet
    assert_fits(page, PHONE["width"])

    def handle(session: Session) -> None:
        clerk = person(session, problems_world.clerk)
        photo_id = session.exec(
            select(ProblemPhoto.id).where(col(ProblemPhoto.report_id) == report_id)
        ).one()
        assert photo_id is not None
        handling_photos.do_check_photo(session, clerk, photo_id, approve=True)
        handling.do_set_status(session, clerk, report_id, "in_progress", "Ploeg ingepland.")

    in_database(live_server, handle)
    page.reload()
    expect(page.locator("#problem-status")).to_have_class(re.compile(r"status--in_progress"))
    expect(page.locator("#photos img")).to_have_count(1)

    in_database(
        live_server,
        lambda session: handling.do_set_status(
            session, person(session, problems_world.clerk), report_id, "fixed", "Hersteld."
        ),
    )
    page.reload()
    expect(page.locator("#problem-status")).to_have_class(re.compile(r"status--fixed"))
    expect(page.locator("#timeline .timeline__step")).to_have_count(3)
    expect(page.locator("#timeline")).to_contain_text("Hersteld.")
    assert_fits(page, PHONE["width"])
    assert_accessible(page)
    assert not dialogs
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("width", [PHONE, None])
def test_the_public_pages_pass_axe(
    new_context: NewContext, problems_world: ProblemsWorld, width: dict[str, int] | None
) -> None:
    options = {"viewport": width} if width else {}
    page = new_context(**options).new_page()
    errors = watch_for_errors(page)
    dialogs = catch_dialogs(page)
    # In English: the new texts reach the Dutch catalog later, and a link's accessible name
    # must hold its visible text in one language.
    log_in(page, problems_world.reader)
    for path in (
        "/problems",
        "/problems/new",
        f"/problems/{problems_world.existing_report}",
        "/problems/statistics",
    ):
        page.goto(path)
        if path == "/problems":
            wait_for_map(page, "[data-problems-map]")
            expect(page.locator("[data-problems-map] .leaflet-marker-icon")).not_to_have_count(0)
        assert_accessible(page)
        if width:
            assert_fits(page, width["width"])
    assert not dialogs
    assert not errors, "\n".join(errors)
