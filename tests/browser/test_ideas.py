"""Ideas in a real browser: post with a pin and a photo, similar ideas while typing, support
without a reload, comment and reply, and the same without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from ideas import actions
from ideas.forms import CommentDraft
from tests.browser.conftest import (
    LiveServer,
    NewContext,
    assert_accessible,
    watch_for_errors,
)
from tests.browser.ideas_world import (
    COMMENT_FORM,
    GHENT,
    NEW_IDEA_FORM,
    SignedIn,
    World,
    idea_id_of,
    in_database,
    jpeg,
    log_in,
    page_as,
    person,
    seed_idea,
    shown_coordinates,
    submit,
    wait_for_map,
)

pytestmark = pytest.mark.browser


def test_post_an_idea_with_a_pin_and_a_photo(
    page: Page, live_server: LiveServer, world: World, tmp_path: Path
) -> None:
    problems = watch_for_errors(page)
    photo = tmp_path / "stoep.jpg"
    photo.write_bytes(jpeg(320, 240))
    log_in(page, world.author)

    page.goto("/ideas/new")
    picker = page.locator("[data-map-picker]")
    wait_for_map(page, "[data-map-picker]")
    page.locator("#field-title").fill("Bredere stoep in de Veldstraat")
    page.locator("#field-body").fill("De stoep is te smal voor een kinderwagen.")
    expect(page.locator("#field-latitude")).to_have_value("")

    box = picker.bounding_box()
    assert box is not None
    picker.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.4})
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#field-latitude")).to_have_value(re.compile(r"^-?\d{1,2}\.\d{6}$"))
    expect(page.locator("#field-longitude")).to_have_value(re.compile(r"^-?\d{1,3}\.\d{6}$"))
    latitude = float(page.locator("#field-latitude").input_value())
    longitude = float(page.locator("#field-longitude").input_value())
    # The click was near the centre the map opens on.
    assert abs(latitude - GHENT[0]) < 0.05
    assert abs(longitude - GHENT[1]) < 0.05

    page.locator("#field-photos").set_input_files(photo)
    submit(page, NEW_IDEA_FORM)

    idea_id_of(page)
    expect(page.locator("h1#idea-title")).to_have_text("Bredere stoep in de Veldstraat")
    thumbnail = page.locator("ul.photos img")
    expect(thumbnail).to_have_count(1)
    thumbnail.scroll_into_view_if_needed()
    expect(thumbnail).to_have_attribute("src", re.compile(r"^/uploads/ideas/[0-9a-f]{32}-thumb"))
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    shown = shown_coordinates(page)
    assert shown == pytest.approx((latitude, longitude), abs=1e-6)
    wait_for_map(page, "[data-idea-map]")
    assert not problems, "\n".join(problems)


def test_similar_ideas_are_suggested_while_typing(
    new_context: NewContext, signed_in: SignedIn, world: World
) -> None:
    page = page_as(new_context, signed_in, world.author)
    problems = watch_for_errors(page)
    page.goto("/ideas/new")
    suggestions = page.locator("#similar-ideas")
    title = page.locator("#field-title")
    expect(suggestions).to_be_hidden()
    # Screen readers announce changes inside a live region that was already there: so the
    # region must stay while the suggestions inside it are swapped.
    live_region = page.locator("[aria-live]:has(> #similar-ideas)")
    expect(live_region).to_have_count(1)
    live_region.evaluate("region => { region.keptAcrossSwaps = true; }")

    with page.expect_response(lambda r: "/ideas/similar?" in r.url):
        title.press_sequentially("Zzyzx onvindbaar", delay=20)
    expect(suggestions.locator("a")).to_have_count(0)
    expect(suggestions).to_be_hidden()

    title.fill("")
    title.press_sequentially("Fietsenstalling aan het station", delay=20)
    link = suggestions.locator(f"a[href='/ideas/{world.similar_idea}']")
    expect(link).to_be_visible()
    expect(link).to_have_text("Overdekte fietsenstalling bij het station")
    assert live_region.evaluate("region => region.keptAcrossSwaps === true")
    assert not problems, "\n".join(problems)


def test_support_and_withdraw_support_without_a_reload(
    new_context: NewContext, signed_in: SignedIn, live_server: LiveServer, world: World
) -> None:
    idea_id = seed_idea(live_server, world.author, "Een bank bij de bushalte")
    page = page_as(new_context, signed_in, world.resident)
    problems = watch_for_errors(page)
    page.goto(f"/ideas/{idea_id}")
    count = page.locator("#support strong")
    button = page.locator("#support button")
    expect(count).to_have_text("0")
    expect(button).to_have_attribute("aria-pressed", "false")
    url = page.url
    page.evaluate("() => { window.stillTheSamePage = true; }")

    button.click()
    expect(count).to_have_text("1")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.url == url
    assert page.evaluate("() => window.stillTheSamePage === true"), "the page was reloaded"
    # The swapped-in button takes the focus back, so a keyboard user keeps their place.
    expect(button).to_be_focused()
    # Wait for htmx to finish settling the swap: a key pressed in those milliseconds lands on
    # the element being replaced, which a person cannot do but a test can.
    expect(page.locator("#support")).not_to_have_class(re.compile("htmx-(swapping|settling)"))

    page.keyboard.press("Enter")
    expect(count).to_have_text("0")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_be_focused()
    assert page.url == url
    assert page.evaluate("() => window.stillTheSamePage === true"), "the page was reloaded"

    # The server kept it: a fresh load shows the same.
    page.reload()
    expect(count).to_have_text("0")
    assert not problems, "\n".join(problems)


def post_comment_and_reply(page: Page) -> None:
    """Comment with a stance, then reply to that comment; check the reply nests under it."""
    page.locator("#comment-body-new").fill("Heel goed idee, doen!")
    page.locator(f"{COMMENT_FORM} input[name=stance][value=for]").check()
    submit(page, COMMENT_FORM)

    comment = page.locator("#comment-list > li.comment").filter(has_text="Heel goed idee, doen!")
    expect(comment).to_have_count(1)
    article = comment.locator("> article")
    expect(article.locator(".stance--for")).to_have_count(1)
    comment_id = (article.get_attribute("id") or "").removeprefix("comment-")
    assert comment_id.isdigit(), f"comment article id: {comment_id!r}"

    reply_box = article.locator("details.reply")
    reply_box.locator("> summary").click()
    expect(reply_box).to_have_attribute("open", "")
    reply_box.locator(f"#comment-body-{comment_id}").fill("Akkoord, maar wel met een zebrapad.")
    submit(page, f"#comment-{comment_id} details.reply form")

    reply = page.locator(f"#comment-list > li.comment:has(> article#comment-{comment_id})").locator(
        "> ul.comment-replies > li.comment > article"
    )
    expect(reply).to_have_count(1)
    expect(reply.locator(".comment__body")).to_have_text("Akkoord, maar wel met een zebrapad.")
    expect(page.locator(f"#comment-{comment_id} .comment__body")).to_have_text(
        "Heel goed idee, doen!"
    )


def test_comment_and_reply(
    new_context: NewContext, signed_in: SignedIn, live_server: LiveServer, world: World
) -> None:
    idea_id = seed_idea(live_server, world.author, "Een drinkfontein in het park")
    page = page_as(new_context, signed_in, world.resident)
    problems = watch_for_errors(page)
    page.goto(f"/ideas/{idea_id}")
    post_comment_and_reply(page)
    assert not problems, "\n".join(problems)


def test_an_empty_reply_shows_its_error_in_the_reply_box(
    new_context: NewContext, signed_in: SignedIn, live_server: LiveServer, world: World
) -> None:
    idea_id = seed_idea(live_server, world.author, "Een fietspomp aan het gemeentehuis")

    def comment(session: Session) -> int:
        draft = CommentDraft("Handig voor iedereen.", None, None)
        posted = actions.do_comment(session, idea_id, person(session, world.author), draft)
        assert posted.id is not None
        return posted.id

    comment_id = in_database(live_server, comment)
    page = page_as(new_context, signed_in, world.resident)
    page.goto(f"/ideas/{idea_id}")
    reply_box = page.locator(f"#comment-{comment_id} details.reply")
    reply_box.locator("> summary").click()
    submit(page, f"#comment-{comment_id} details.reply form")

    # The error is shown where the reply was written, with the box still open, not on the
    # form for a new comment.
    expect(reply_box).to_have_attribute("open", "")
    reply_body = reply_box.locator(f"#comment-body-{comment_id}")
    expect(reply_body).to_have_attribute("aria-invalid", "true")
    expect(reply_body).to_have_attribute("aria-describedby", f"comment-body-{comment_id}-error")
    expect(page.locator(f"#comment-body-{comment_id}-error")).to_be_visible()
    expect(page.locator("#comment-body-new")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#comment-body-new-error")).to_have_count(0)
    assert_accessible(page)


def test_post_support_and_comment_without_javascript(new_context: NewContext, world: World) -> None:
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, world.resident)

    page.goto("/ideas/new")
    expect(page.locator("[data-map-picker]")).to_be_hidden()
    page.locator("#field-title").fill("Een boom op het Sint-Pietersplein")
    page.locator("#field-body").fill("Meer schaduw in de zomer.")
    page.locator("#field-latitude").fill("51,0431")
    page.locator("#field-longitude").fill("3.7265")
    submit(page, NEW_IDEA_FORM)

    idea_id = idea_id_of(page)
    expect(page.locator("h1#idea-title")).to_have_text("Een boom op het Sint-Pietersplein")
    assert shown_coordinates(page) == pytest.approx((51.0431, 3.7265))
    expect(page.locator("[data-idea-map]")).to_be_hidden()

    expect(page.locator("#support strong")).to_have_text("0")
    page.locator("#support button").click()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea_id}#support$"))
    expect(page.locator("#support strong")).to_have_text("1")
    expect(page.locator("#support button")).to_have_attribute("aria-pressed", "true")

    post_comment_and_reply(page)
