"""Security headers, the body limit, CSRF and Origin checks, cookies."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from participation.app import create_app
from tests.conftest import make_settings
from tests.helpers import Browser, select_one, soup


def test_pages_carry_the_security_headers(browser: Browser) -> None:
    response = browser.get("/login")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script(browser: Browser) -> None:
    page = soup(browser.get("/login"))
    for script in page.find_all("script"):
        assert script.get("src"), "inline script would need 'unsafe-inline'"
    assert not [tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


def test_session_cookie_is_httponly_and_lax(browser: Browser) -> None:
    response = browser.get("/login")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in tests


def test_cookies_are_secure_behind_https(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(database_url, tmp_path, INSPRAAK_BASE_URL="https://inspraak.example")
    with TestClient(create_app(settings), base_url="https://inspraak.example") as client:
        response = client.get("/login")
    assert "Secure" in response.headers["set-cookie"]
    assert "max-age" in response.headers["strict-transport-security"]


def test_a_form_without_csrf_token_is_refused_and_the_text_is_kept(browser: Browser) -> None:
    browser.get("/register")
    response = browser.client.post(
        "/register",
        data={"display_name": "Bea", "email": "bea@example.be", "password": "secret passphrase"},
    )
    assert response.status_code == 403
    kept = [area.get_text() for area in soup(response).select("textarea")]
    assert "Bea" in kept
    assert "bea@example.be" in kept
    assert "secret passphrase" not in response.text


def test_a_wrong_csrf_token_is_refused(browser: Browser) -> None:
    browser.get("/register")
    browser.csrf_token = "0" * 64
    assert browser.post("/register", {"display_name": "Bea"}).status_code == 403


def test_the_csrf_header_works_for_htmx(browser: Browser) -> None:
    browser.get("/login")
    response = browser.client.post(
        "/language",
        data={"language": "fr", "next": "/login"},
        headers={"X-CSRF-Token": browser.csrf_token, "HX-Request": "true"},
    )
    assert response.status_code == 303


def test_a_cross_site_origin_is_refused_even_with_a_token(browser: Browser) -> None:
    browser.get("/login")
    response = browser.post(
        "/language", {"language": "fr"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    same_site = browser.post(
        "/language", {"language": "fr"}, headers={"Origin": "http://testserver"}
    )
    assert same_site.status_code == 303


def test_a_too_large_body_gets_413(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(database_url, tmp_path, INSPRAAK_MAX_REQUEST_BYTES="1000")
    with TestClient(create_app(settings)) as client:
        browser = Browser(client)
        browser.get("/register")
        response = browser.post("/register", {"display_name": "x" * 2000})
        assert response.status_code == 413
        assert select_one(response, "h1").get_text()

        def chunks() -> list[bytes]:
            return [b"display_name=" + b"y" * 600, b"y" * 600]

        streamed = client.post(
            "/register",
            content=iter(chunks()),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert streamed.status_code == 413


def test_unknown_pages_get_a_localized_404(browser: Browser) -> None:
    response = browser.get("/no/such/page", headers={"Accept-Language": "fr-BE,fr;q=0.9"})
    assert response.status_code == 404
    assert select_one(response, "html")["lang"] == "fr"
    assert select_one(response, "h1").get_text() == "Page introuvable"
