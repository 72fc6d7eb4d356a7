"""Account pages through HTTP, as a visitor uses them."""

from __future__ import annotations

from sqlmodel import select

from participation.database import Database
from participation.links import RESET_PASSWORD, VERIFY_EMAIL, Links
from participation.models import LoginSession, User
from tests.conftest import TEST_SECRET_KEY
from tests.helpers import (
    PASSWORD,
    Browser,
    Outbox,
    create_user,
    field_error,
    flashes,
    select_one,
    soup,
)

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def register(browser: Browser, email: str = "bea@example.be", name: str = "Bea") -> None:
    browser.get("/register")
    response = browser.post(
        "/register", {"display_name": name, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("/register/sent")


def test_register_verify_login_logout(browser: Browser, outbox: Outbox, db: Database) -> None:
    register(browser)
    link = outbox.last_link("bea@example.be", "/verify/")

    verified = browser.get(link)
    assert verified.status_code == 303
    assert "bevestigd" in flashes(browser.get("/login"))[0]

    response = browser.post("/login", {"email": "BEA@example.be", "password": PASSWORD})
    assert response.status_code == 303
    account = browser.get("/account")
    assert account.status_code == 200
    assert "bea@example.be" in select_one(account, "main").get_text()

    browser.post("/logout")
    assert browser.get("/account").status_code == 303
    with db.read() as session:
        assert session.exec(select(LoginSession)).all() == []


def test_register_with_an_existing_email_looks_the_same_and_warns_the_owner(
    browser: Browser, outbox: Outbox, db: Database
) -> None:
    create_user(db, email="ann@example.be")
    register(browser, email="ann@example.be", name="Someone else")
    [warning] = outbox.to("ann@example.be")
    assert "iemand" in str(warning["Subject"]).lower()
    with db.read() as session:
        assert len(session.exec(select(User)).all()) == 1


def test_registration_errors_keep_the_text_and_name_each_field(browser: Browser) -> None:
    browser.get("/register")
    response = browser.post(
        "/register", {"display_name": "x" * 81, "email": "not-an-email", "password": "short"}
    )
    assert response.status_code == 400
    assert field_error(response, "display_name")
    assert field_error(response, "email")
    assert field_error(response, "password")
    assert select_one(response, "#field-email")["value"] == "not-an-email"
    assert select_one(response, "#field-display_name")["value"] == "x" * 81
    assert not select_one(response, "#field-password").get("value")


def test_common_password_is_refused(browser: Browser) -> None:
    browser.get("/register")
    response = browser.post(
        "/register", {"display_name": "Bea", "email": "bea@example.be", "password": "password123"}
    )
    assert response.status_code == 400
    assert "raden" in field_error(response, "password")


def test_hostile_display_name_is_shown_as_text(browser: Browser, db: Database) -> None:
    create_user(db, email="eve@example.be", name=HOSTILE)
    browser.login("eve@example.be")
    page = browser.get("/")
    assert soup(page).find("script", string='alert("x")') is None
    assert soup(page).find("img", attrs={"src": "x"}) is None
    assert HOSTILE in select_one(page, ".hero").get_text()


def test_verification_link_works_once(browser: Browser, outbox: Outbox) -> None:
    register(browser)
    link = outbox.last_link("bea@example.be", "/verify/")
    assert browser.get(link).status_code == 303
    again = browser.get(link)
    assert again.status_code == 409
    assert select_one(again, "form[action='/verify/resend']")


def test_expired_verification_link_offers_a_new_one(
    browser: Browser, outbox: Outbox, db: Database
) -> None:
    user = create_user(db, verified=False)
    assert user.id is not None
    token = Links(TEST_SECRET_KEY).make(VERIFY_EMAIL, user.id)
    expired = browser.get(f"/verify/{token}", headers={})
    assert expired.status_code == 303  # fresh: works
    # A token signed three days and a second ago no longer works.
    import itsdangerous

    class OldSigner(itsdangerous.TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - 3 * 24 * 3600 - 1

    serializer = itsdangerous.URLSafeTimedSerializer(
        TEST_SECRET_KEY, salt=f"inspraak.link.{VERIFY_EMAIL}", signer=OldSigner
    )
    old = serializer.dumps([user.id, "nonce-old", ""])
    response = browser.get(f"/verify/{old}")
    assert response.status_code == 410
    browser.post("/verify/resend", {"email": user.email})
    assert outbox.to(user.email) == []  # already verified: nothing to send


def test_tampered_link_is_refused(browser: Browser) -> None:
    assert browser.get("/verify/not-a-real-token").status_code == 409


def test_wrong_password_and_unknown_email_get_the_same_answer(
    browser: Browser, db: Database
) -> None:
    create_user(db)
    browser.get("/login")
    wrong = browser.post("/login", {"email": "ann@example.be", "password": "wrong password!"})
    unknown = browser.post("/login", {"email": "nobody@example.be", "password": "whatever123"})
    assert wrong.status_code == unknown.status_code == 400
    assert field_error(wrong, "password") == field_error(unknown, "password")
    assert select_one(wrong, "#field-email")["value"] == "ann@example.be"


def test_too_many_failed_logins_are_limited(browser: Browser, db: Database) -> None:
    create_user(db)
    browser.get("/login")
    for _ in range(10):
        browser.post("/login", {"email": "ann@example.be", "password": "wrong password!"})
    response = browser.post("/login", {"email": "ann@example.be", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert "pogingen" in field_error(response, "email")


def test_logout_ends_the_session_for_a_copied_cookie(browser: Browser, db: Database) -> None:
    create_user(db)
    browser.login("ann@example.be")
    copied = dict(browser.client.cookies)
    browser.post("/logout")
    browser.client.cookies.clear()
    for name, value in copied.items():
        browser.client.cookies.set(name, value)
    assert browser.get("/account").status_code == 303


def test_login_renews_the_session_id(browser: Browser, db: Database) -> None:
    create_user(db)
    browser.get("/login")
    before = browser.client.cookies.get("inspraak_session")
    browser.login("ann@example.be")
    assert browser.client.cookies.get("inspraak_session") != before


def test_tampered_cookie_counts_as_logged_out(browser: Browser, db: Database) -> None:
    create_user(db)
    browser.login("ann@example.be")
    value = browser.client.cookies.get("inspraak_session")
    assert value is not None
    browser.client.cookies.clear()
    browser.client.cookies.set("inspraak_session", value[:-2] + "xx")
    assert browser.get("/account").status_code == 303


def test_logout_everywhere_ends_other_devices(
    client_pair: tuple[Browser, Browser], db: Database
) -> None:
    phone, laptop = client_pair
    create_user(db)
    phone.login("ann@example.be")
    laptop.login("ann@example.be")
    phone.get("/account")
    phone.post("/account/logout-everywhere")
    assert laptop.get("/account").status_code == 303
    assert phone.get("/account").status_code == 303


def test_password_change_keeps_this_device_and_ends_the_others(
    client_pair: tuple[Browser, Browser], db: Database, outbox: Outbox
) -> None:
    phone, laptop = client_pair
    create_user(db)
    phone.login("ann@example.be")
    laptop.login("ann@example.be")
    phone.get("/account/password")
    wrong = phone.post(
        "/account/password",
        {"current_password": "not my password", "new_password": "a brand new passphrase"},
    )
    assert wrong.status_code == 400
    assert field_error(wrong, "current_password")
    done = phone.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert done.status_code == 303
    assert phone.get("/account").status_code == 200
    assert laptop.get("/account").status_code == 303
    assert outbox.to("ann@example.be")
    laptop.get("/login")
    assert (
        laptop.post(
            "/login", {"email": "ann@example.be", "password": "a brand new passphrase"}
        ).status_code
        == 303
    )


def test_password_reset_by_email(browser: Browser, db: Database, outbox: Outbox) -> None:
    create_user(db)
    browser.get("/password/forgot")
    response = browser.post("/password/forgot", {"email": "ann@example.be"})
    assert response.status_code == 303
    link = outbox.last_link("ann@example.be", "/password/reset/")
    form = browser.get(link)
    assert select_one(form, "#field-password")
    weak = browser.post(link, {"password": "123"})
    assert weak.status_code == 400
    assert browser.post(link, {"password": "another good passphrase"}).status_code == 303
    assert browser.get(link).status_code == 409  # used once: no more
    browser.login("ann@example.be", "another good passphrase")


def test_password_reset_for_an_unknown_address_looks_the_same(
    browser: Browser, outbox: Outbox
) -> None:
    browser.get("/password/forgot")
    response = browser.post("/password/forgot", {"email": "nobody@example.be"})
    assert response.status_code == 303
    assert outbox.messages() == []


def test_reset_link_dies_when_the_password_changes(db: Database, browser: Browser) -> None:
    user = create_user(db)
    assert user.id is not None
    token = Links(TEST_SECRET_KEY).make(RESET_PASSWORD, user.id, "an older password hash")
    assert browser.get(f"/password/reset/{token}").status_code == 409


def test_profile_changes_name_and_language(browser: Browser, db: Database) -> None:
    create_user(db)
    browser.login("ann@example.be")
    browser.get("/account")
    empty = browser.post("/account", {"display_name": "  ", "language": "fr"})
    assert empty.status_code == 400
    assert field_error(empty, "display_name")
    assert browser.post("/account", {"display_name": "Anne", "language": "fr"}).status_code == 303
    page = browser.get("/account")
    assert select_one(page, "html")["lang"] == "fr"
    assert select_one(page, "#field-display_name")["value"] == "Anne"


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(
    browser: Browser, db: Database
) -> None:
    create_user(db)
    redirect = browser.get("/account")
    assert redirect.headers["location"] == "/login?next=%2Faccount"
    page = browser.get("/login?next=/account")
    assert select_one(page, "form[action='/login'] input[name=next]")["value"] == "/account"
    response = browser.post(
        "/login", {"email": "ann@example.be", "password": PASSWORD, "next": "/account"}
    )
    assert response.headers["location"] == "/account"
    browser.post("/logout")
    browser.get("/login")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = browser.post(
            "/login", {"email": "ann@example.be", "password": PASSWORD, "next": evil}
        )
        assert response.headers["location"] == "/"
        browser.post("/logout")
        browser.get("/login")
