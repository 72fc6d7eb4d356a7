"""Accounts in a real browser: register, confirm, log in and out, language, keyboard, no JS,
and axe-core on the account pages at phone and desktop widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, Response, expect

from participation.email_preferences import unsubscribe_token
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    LiveServer,
    NewContext,
    assert_accessible,
    assert_fits,
    create_account,
    create_account_with_cli,
    latest_link,
)
from tests.conftest import TEST_SECRET_KEY
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

VIEWPORTS = [pytest.param(PHONE, id="360px"), pytest.param(DESKTOP, id="1280px")]


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Hoofdmenu")


def register(page: Page, name: str, address: str, password: str = PASSWORD) -> None:
    page.goto("/register")
    page.get_by_label("Naam die anderen zien").fill(name)
    page.get_by_label("E-mailadres", exact=True).fill(address)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Mijn account aanmaken").click()
    expect(page).to_have_url(re.compile(r"/register/sent$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in je mailbox")


def log_in(page: Page, address: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres", exact=True).fill(address)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("status")).to_have_text("Je bent aangemeld.")
    expect(nav(page).get_by_role("link", name="Mijn account")).to_be_visible()


def test_register_verify_log_in_and_out(page: Page, live_server: LiveServer) -> None:
    address = "flow@example.be"
    register(page, "Fien", address)

    page.goto(latest_link(live_server, address))
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_have_text("Je e-mailadres is bevestigd. Welkom!")

    page.get_by_label("E-mailadres", exact=True).fill(address)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("status")).to_have_text("Je bent aangemeld.")
    expect(nav(page).get_by_role("link", name="Mijn account")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Aanmelden")).to_have_count(0)

    nav(page).get_by_role("link", name="Mijn account").click()
    expect(page.get_by_text(f"Je bent aangemeld als {address}.")).to_be_visible()

    nav(page).get_by_role("button", name="Afmelden").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_have_text("Je bent afgemeld.")
    expect(nav(page).get_by_role("link", name="Aanmelden")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Mijn account")).to_have_count(0)


def test_wrong_password_keeps_the_email_and_says_why(page: Page, live_server: LiveServer) -> None:
    address = "wrong@example.be"
    create_account(live_server, address, "Wout", PASSWORD)
    page.goto("/login")
    page.get_by_label("E-mailadres", exact=True).fill(address)
    page.get_by_label("Wachtwoord", exact=True).fill("not the right password")
    page.get_by_role("main").get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("alert")).to_contain_text("Verbeter het volgende")
    password = page.get_by_label("Wachtwoord", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_value("")
    expect(page.get_by_label("E-mailadres", exact=True)).to_have_value(address)
    expect(nav(page).get_by_role("link", name="Aanmelden")).to_be_visible()


def test_language_switch(page: Page) -> None:
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    switch = page.get_by_role("group", name="Taal")
    expect(switch.get_by_role("button", name="Nederlands")).to_have_attribute(
        "aria-pressed", "true"
    )

    switch.get_by_role("button", name="Français").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    french_nav = page.get_by_role("navigation", name="Menu principal")
    expect(french_nav.get_by_role("link", name="Se connecter")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    expect(page.get_by_role("button", name="Français")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("group", name="Langue").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    english_nav = page.get_by_role("navigation", name="Main menu")
    expect(english_nav.get_by_role("link", name="Log in")).to_be_visible()

    # The choice is remembered on the next page.
    page.goto("/register")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")


def focused(page: Page) -> dict[str, str]:
    """What has the keyboard focus: its tag, id, name, href and text."""
    found: dict[str, str] = page.evaluate(
        """() => {
            const el = document.activeElement;
            return {
                tag: el ? el.tagName.toLowerCase() : "",
                id: (el && el.id) || "",
                name: (el && el.getAttribute("name")) || "",
                href: (el && el.getAttribute("href")) || "",
                text: el ? el.textContent.trim() : "",
                outline: el ? getComputedStyle(el).outlineStyle : "",
            };
        }"""
    )
    return found


def tab_to(page: Page, element_id: str, most: int = 20) -> int:
    """Press Tab until the element with `element_id` has the focus; return how many presses."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if focused(page)["id"] == element_id:
            return presses
    raise AssertionError(f"#{element_id} not reached in {most} Tabs; focus is on {focused(page)}")


def test_log_in_with_the_keyboard_only(page: Page, live_server: LiveServer) -> None:
    address = "keys@example.be"
    create_account_with_cli(live_server, address, "Kees", PASSWORD)
    page.goto("/login")

    page.keyboard.press("Tab")
    skip = focused(page)
    assert (skip["href"], skip["text"]) == ("#main", "Ga naar de hoofdinhoud"), skip
    assert skip["outline"] != "none", "the focused skip link shows no focus outline"
    expect(page.get_by_role("link", name="Ga naar de hoofdinhoud")).to_be_in_viewport()

    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main", "the skip link does not move the focus to <main>"
    assert tab_to(page, "field-email") == 1, "the email field is not the first stop in <main>"
    assert focused(page)["outline"] != "none", "the focused field shows no focus outline"
    page.keyboard.type(address)
    assert tab_to(page, "field-password") == 1
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("Je bent aangemeld.")
    expect(nav(page).get_by_role("link", name="Mijn account")).to_be_visible()


def test_register_and_log_in_without_javascript(
    new_context: NewContext, live_server: LiveServer
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    address = "nojs@example.be"
    register(page, "Noor", address)
    page.goto(latest_link(live_server, address))
    expect(page.get_by_role("status")).to_have_text("Je e-mailadres is bevestigd. Welkom!")
    log_in(page, address)
    nav(page).get_by_role("button", name="Afmelden").click()
    expect(nav(page).get_by_role("link", name="Aanmelden")).to_be_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", ["/", "/login", "/register"])
def test_public_pages_are_accessible(
    new_context: NewContext, path: str, viewport: dict[str, int]
) -> None:
    page = new_context(viewport=viewport).new_page()
    page.goto(path)
    assert_accessible(page)


@pytest.mark.parametrize("locale", ["nl-BE", "fr-BE", "en-GB"])
@pytest.mark.parametrize(
    "path", [pytest.param("/", id="home"), pytest.param("/login"), pytest.param("/register")]
)
def test_public_pages_fit_a_phone(new_context: NewContext, path: str, locale: str) -> None:
    """No horizontal scrollbar at 360 px in any language (WCAG 1.4.10 Reflow)."""
    page = new_context(viewport=PHONE, locale=locale).new_page()
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    assert_fits(page, PHONE["width"])


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", ["/login", "/register"])
def test_forms_with_errors_are_accessible(
    new_context: NewContext, path: str, viewport: dict[str, int]
) -> None:
    page = new_context(viewport=viewport).new_page()
    page.goto(path)
    page.get_by_role("main").locator("form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("Verbeter het volgende")
    expect(page.get_by_text("Dit veld is verplicht.").first).to_be_visible()
    assert_accessible(page)
    assert_fits(page, viewport["width"])


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_account_page_is_accessible(
    new_context: NewContext, live_server: LiveServer, viewport: dict[str, int]
) -> None:
    address = f"axe-{viewport['width']}@example.be"
    create_account(live_server, address, "Axel", PASSWORD)
    page = new_context(viewport=viewport).new_page()
    log_in(page, address)
    page.goto("/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account")
    assert_accessible(page)
    assert_fits(page, viewport["width"])


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_privacy_data_and_email_pages_are_accessible(
    new_context: NewContext, live_server: LiveServer, viewport: dict[str, int]
) -> None:
    address = f"pia-{viewport['width']}@example.be"
    pia = create_account(live_server, address, "Pia", PASSWORD)
    page = new_context(viewport=viewport).new_page()
    for path, heading in (("/privacy", "Privacy"), ("/api", "Open data")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)
        assert_fits(page, viewport["width"])
    log_in(page, address)
    for path in ("/me/data", "/me/delete", "/account/notifications"):
        page.goto(path)
        expect(page.get_by_role("main").locator("h1")).to_be_visible()
        assert_accessible(page)
        assert_fits(page, viewport["width"])
    # The link at the foot of every notification email, and what it answers.
    page.goto(f"/unsubscribe/{unsubscribe_token(TEST_SECRET_KEY, pia, 'all')}")
    assert_accessible(page)
    assert_fits(page, viewport["width"])
    page.get_by_role("main").locator("form button[type=submit]").click()
    expect(page.get_by_role("main").locator("h1")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/login", "/register"])
def test_pages_load_without_errors(page: Page, path: str) -> None:
    """No script error, no resource refused by the Content-Security-Policy, no missing file."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    page.goto(path, wait_until="load")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert not problems, "\n".join(problems)
