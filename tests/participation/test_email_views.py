"""The email preferences page and the one-click unsubscribe link."""

from __future__ import annotations

import time

import httpx2 as httpx
import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from participation.database import Database
from participation.digests import send_due
from participation.email_preferences import unsubscribe_token
from participation.links import VERIFY_EMAIL, Links
from participation.models import User
from participation.notifications import ALL_KINDS, Notification, NotificationPreference
from participation.settings import Settings
from tests.helpers import (
    Browser,
    Outbox,
    create_user,
    field_error,
    flashes,
    in_english,
    select_one,
    soup,
)
from tests.participation.notifying import tell

KINDS = ["idea", "pact", "problem", "question", "moderation_action"]


def _selected(page: httpx.Response) -> dict[str, str]:
    """Each select's chosen value (the first option when none is marked)."""
    chosen = {}
    for select_ in soup(page).select("form[action='/account/notifications'] select"):
        option = select_.select_one("option[selected]") or select_.select_one("option")
        assert option is not None
        chosen[str(select_["name"])] = str(option["value"])
    return chosen


def _choices(db: Database) -> dict[str, str]:
    with db.read() as session:
        rows = session.exec(
            select(NotificationPreference.kind, NotificationPreference.frequency)
        ).all()
    return dict(rows)


def _due(db: Database) -> list[str | None]:
    with db.read() as session:
        statement = select(Notification.email_due).order_by(col(Notification.id))
        return list(session.exec(statement).all())


def test_the_page_shows_the_defaults_and_saves_each_choice(
    browser: Browser, db: Database, resident: User
) -> None:
    browser.login(resident.email)  # a Dutch-speaking resident
    tell(db, resident, "Nieuws over het idee")
    page = browser.get("/account/notifications")
    assert page.status_code == 200
    assert _selected(page) == dict.fromkeys(KINDS, "daily")
    for name in KINDS:  # every select has its label
        assert soup(page).select_one(f"label[for='field-{name}']") is not None
    assert "dagelijks overzicht" in select_one(page, "main p + p").get_text()
    choice = {"idea": "immediately", "pact": "off", "problem": "weekly"}
    chosen = {**dict.fromkeys(KINDS, "daily"), **choice}
    response = browser.post("/account/notifications", chosen)
    assert response.status_code == 303
    assert response.headers["location"] == "/account/notifications"
    page = browser.get("/account/notifications")
    assert flashes(page) == ["Je e-mailkeuzes zijn opgeslagen."]
    assert _selected(page) == chosen
    assert _choices(db) == chosen
    assert _due(db) == ["immediately"]  # what still waits follows the new choice
    browser.post("/account/notifications", {**chosen, "idea": "off"})
    assert _due(db) == [None]


def test_an_unknown_choice_is_refused_on_its_field_and_the_others_kept(
    browser: Browser, db: Database, resident: User
) -> None:
    in_english(browser).login(resident.email)
    browser.get("/account/notifications")
    sent = {**dict.fromkeys(KINDS, "weekly"), "idea": "hourly"}
    response = browser.post("/account/notifications", sent)
    assert response.status_code == 400
    assert field_error(response, "idea") != ""
    assert field_error(response, "pact") == ""
    assert {k: v for k, v in _selected(response).items() if k != "idea"} == {
        k: "weekly" for k in KINDS if k != "idea"
    }
    assert _choices(db) == {}


def test_a_visitor_is_sent_to_log_in(browser: Browser) -> None:
    response = browser.get("/account/notifications")
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")


def test_the_link_in_an_email_unsubscribes_with_one_click(
    browser: Browser, client: TestClient, db: Database, settings: Settings, outbox: Outbox
) -> None:
    in_english(browser)
    ann = _immediate_user(browser, db)
    tell(db, ann, "Nieuws over het idee")
    send_due(db, settings)
    link = outbox.last_link(ann.email, "/unsubscribe/")
    page = browser.get(link)  # a link checker opening it changes nothing
    assert page.status_code == 200
    form = soup(page).select_one("form[method='post']")
    assert form is not None
    assert form.select_one("button[type='submit']") is not None
    assert _choices(db)["idea"] == "immediately"
    client.cookies.clear()  # the mail client posts without cookies or token (RFC 8058)
    for _twice in range(2):
        done = client.post(link, data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200
        assert "You will no longer get emails about: Idea." in soup(done).get_text(" ")
    assert _choices(db)["idea"] == "off"
    tell(db, ann, "Meer nieuws")
    send_due(db, settings)
    assert len(outbox.to(ann.email)) == 1


def _immediate_user(browser: Browser, db: Database) -> User:
    ann = create_user(db)
    browser.login(ann.email)
    browser.get("/account/notifications")
    chosen = {**dict.fromkeys(KINDS, "daily"), "idea": "immediately"}
    assert browser.post("/account/notifications", chosen).status_code == 303
    return ann


def test_unsubscribing_from_a_digest_stops_every_kind(
    client: TestClient, db: Database, settings: Settings, resident: User
) -> None:
    assert resident.id is not None
    tell(db, resident, "Wacht op de digest")
    token = unsubscribe_token(settings.secret_key, resident.id, ALL_KINDS)
    response = client.post(f"/unsubscribe/{token}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "You will no longer get notification emails." in response.text
    assert _choices(db) == {ALL_KINDS: "off"}
    assert _due(db) == [None]


def test_a_tampered_expired_or_foreign_token_changes_nothing(
    client: TestClient,
    db: Database,
    settings: Settings,
    resident: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert resident.id is not None
    good = unsubscribe_token(settings.secret_key, resident.id, "idea")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 91 * 24 * 3600)
    expired = unsubscribe_token(settings.secret_key, resident.id, "idea")
    monkeypatch.undo()
    foreign = Links(settings.secret_key).make(VERIFY_EMAIL, resident.id)
    for token, message in (
        (good[:-3] + "abc", "not valid"),
        (expired, "expired"),
        (foreign, "not valid"),
    ):
        for method in ("GET", "POST"):
            response = client.request(
                method, f"/unsubscribe/{token}", headers={"Accept-Language": "en"}
            )
            assert response.status_code == 400
            assert message in response.text
            assert soup(response).select_one("a[href='/account/notifications']") is not None
    assert _choices(db) == {}


def test_a_hostile_kind_in_a_signed_token_stays_text(
    client: TestClient, settings: Settings, resident: User
) -> None:
    assert resident.id is not None
    token = unsubscribe_token(settings.secret_key, resident.id, "<script>alert(1)</script>")
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    main = soup(page).select_one("main")
    assert main is not None
    assert main.select("script") == []
    assert "<script>alert(1)</script>" in main.get_text()
