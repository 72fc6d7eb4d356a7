"""The home page and what every page shares: landmarks, navigation by role, flashes."""

from __future__ import annotations

from participation.database import Database
from participation.models import Role
from tests.helpers import Browser, create_user, soup


def test_home_has_landmarks_and_a_skip_link(browser: Browser) -> None:
    page = soup(browser.get("/"))
    skip = page.select_one("body > a.skip-link")
    assert skip is not None
    assert skip["href"] == "#main"
    assert page.select_one("main#main") is not None
    assert page.select_one("header nav[aria-label]") is not None
    assert page.select_one("footer") is not None


def test_navigation_follows_the_role(browser: Browser, db: Database) -> None:
    links = [a["href"] for a in soup(browser.get("/")).select("nav a")]
    assert "/login" in links
    assert "/register" in links
    create_user(db, email="admin@example.be", roles=(Role.admin,))
    create_user(db, email="ann@example.be")
    browser.login("ann@example.be")
    links = [a["href"] for a in soup(browser.get("/")).select("nav a")]
    assert "/account" in links
    assert "/admin/users" not in links
    browser.post("/logout")
    browser.login("admin@example.be")
    links = [a["href"] for a in soup(browser.get("/")).select("nav a")]
    assert "/admin/users" in links


def test_a_flash_message_is_shown_once(browser: Browser, db: Database) -> None:
    create_user(db)
    browser.login("ann@example.be")
    browser.post("/logout")
    first = soup(browser.get("/")).select(".flash")
    second = soup(browser.get("/")).select(".flash")
    assert [p.get_text(strip=True) for p in first] == ["Je bent afgemeld."]
    assert second == []
