"""The privacy pages through HTTP: the privacy page made from the declarations, my data as a
page and as a download, deleting the account with its password, and the cookies every page
sets (only the session's, the language's and the flash message's)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from participation import privacy, ratelimit
from participation.database import Database
from participation.i18n import use_language
from participation.middleware import LANGUAGE_COOKIE, SESSION_COOKIE
from participation.models import User
from participation.settings import Settings
from tests.helpers import (
    PASSWORD,
    Browser,
    create_user,
    field_error,
    in_english,
    select_one,
    soup,
)

HOSTILE_NAME = '<script>alert(1)</script>"]]></title><x>'


def test_the_privacy_page_says_what_is_stored_and_where_it_goes(
    browser: Browser, settings: Settings
) -> None:
    page = in_english(browser).get("/privacy")
    assert page.status_code == 200
    main = select_one(page, "main")
    headings = [h.get_text(strip=True) for h in main.select("h3")]
    with use_language("en"):
        assert headings == [entry.what for entry in privacy.described(settings)]
    text = main.get_text(" ", strip=True)
    for name in (SESSION_COOKIE, LANGUAGE_COOKIE, "tile.openstreetmap.org"):
        assert name in text
    assert f"older than {settings.retention_days} days" in text
    assert "Read notifications are deleted after 90 days." in text


@pytest.mark.parametrize("path", ["/me/data", "/me/data.json", "/me/delete"])
def test_a_visitor_is_sent_to_log_in(browser: Browser, path: str) -> None:
    response = browser.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path.replace('/', '%2F')}"


def test_my_data_as_a_page_and_as_a_download(browser: Browser, db: Database) -> None:
    create_user(db, email="eve@example.be", name=HOSTILE_NAME, language="en")
    browser.login("eve@example.be")
    page = browser.get("/me/data")
    assert page.status_code == 200
    main = select_one(page, "main")
    assert not main.select("script, x")
    assert HOSTILE_NAME in main.get_text()
    account = select_one(page, "section[aria-labelledby='data-account']")
    assert account.select_one("h2") is not None
    assert select_one(page, "a[href='/me/data.json'][download]")

    download = browser.get("/me/data.json")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/json")
    assert download.headers["content-disposition"] == 'attachment; filename="inspraak-data.json"'
    assert download.headers["cache-control"] == "no-store"
    data = json.loads(download.text)
    assert data["sections"]["account"][0]["display_name"] == HOSTILE_NAME
    assert data["sections"]["login_sessions"][0]["user_agent"] == "testclient"


def test_a_wrong_password_keeps_the_form_and_counts(browser: Browser, db: Database) -> None:
    resident = create_user(db, email="eve@example.be", name="Eve", language="en")
    browser.login(resident.email)
    form_page = browser.get("/me/delete")
    form = select_one(form_page, "form[action='/me/delete']")
    assert form.select_one("label[for='field-password']")
    assert form.select_one("input[name='password'][type='password']")
    empty = browser.post("/me/delete", {"password": ""})
    assert empty.status_code == 400
    assert field_error(empty, "password") == "This field is required."
    wrong = browser.post("/me/delete", {"password": "not my password"})
    assert wrong.status_code == 400
    assert field_error(wrong, "password") == "Your password is not correct."
    assert soup(wrong).select_one("input[name='password']").get("value") is None  # type: ignore[union-attr]
    with db.write() as session:
        for _ in range(ratelimit.LOGIN_PER_ACCOUNT.limit):
            ratelimit.hit(session, ratelimit.LOGIN_PER_ACCOUNT, resident.email)
    limited = browser.post("/me/delete", {"password": PASSWORD})
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    assert field_error(limited, "password").startswith("Too many attempts.")
    with db.read() as session:
        assert session.exec(select(User).where(User.id == resident.id)).first() is not None


def test_deleting_needs_the_csrf_token(browser: Browser, db: Database, resident: User) -> None:
    browser.login(resident.email)
    response = browser.client.post("/me/delete", data={"password": PASSWORD})
    assert response.status_code == 403
    with db.read() as session:
        assert session.get(User, resident.id) is not None


PAGES = (
    "/",
    "/ideas",
    "/pacts",
    "/problems",
    "/meetings",
    "/questions",
    "/transparency",
    "/privacy",
    "/api",
    "/login",
    "/register",
)
OWN_PAGES = ("/account", "/notifications", "/account/notifications", "/me/data", "/me/delete")


def test_no_cookie_but_the_session_language_and_flash(
    browser: Browser, db: Database, resident: User
) -> None:
    """No tracking: whatever a visitor or a resident opens, only the platform's own three
    cookies are set (the language one only when the language changes)."""
    allowed = {SESSION_COOKIE, LANGUAGE_COOKIE}
    seen: set[str] = set()

    def visit(paths: tuple[str, ...]) -> None:
        for path in paths:
            response = browser.get(path)
            assert response.status_code == 200, path
            for header in response.headers.get_list("set-cookie"):
                seen.add(header.split("=", 1)[0])

    visit(PAGES)
    login = browser.post("/login", {"email": resident.email, "password": PASSWORD})
    seen.update(h.split("=", 1)[0] for h in login.headers.get_list("set-cookie"))
    visit(PAGES + OWN_PAGES)
    assert SESSION_COOKIE in seen
    assert seen <= allowed
