"""The public contracts of DESIGN.md that reviewers and other systems rely on."""

from __future__ import annotations

import subprocess
import sys

import pytest
from starlette.testclient import TestClient

from participation.models import ROLE_VALUES
from participation.settings import SETTINGS
from tests.helpers import Browser, soup


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/register", {"display_name", "email", "password", "csrf_token"}),
        ("/login", {"email", "password", "csrf_token"}),
    ],
)
def test_form_field_names(path: str, fields: set[str], browser: Browser) -> None:
    form = soup(browser.get(path)).select_one(f"main form[action='{path}']")
    assert form is not None
    assert form["method"] == "post"
    names = {str(field["name"]) for field in form.select("[name]")}
    assert fields <= names


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/password/forgot"])
def test_every_page_carries_the_csrf_meta_tag(path: str, browser: Browser) -> None:
    meta = soup(browser.get(path)).select_one("meta[name='csrf-token']")
    assert meta is not None
    assert len(str(meta["content"])) >= 32


def test_logout_is_a_post(browser: Browser) -> None:
    browser.get("/")
    assert browser.client.get("/logout").status_code == 405
    assert browser.post("/logout").status_code == 303


def test_roles() -> None:
    assert ROLE_VALUES == ("resident", "council_member", "clerk", "moderator", "admin")


def test_environment_variables() -> None:
    names = {setting.env for setting in SETTINGS}
    assert {
        "INSPRAAK_DATABASE_URL",
        "INSPRAAK_SECRET_KEY",
        "INSPRAAK_BROKER_URL",
        "INSPRAAK_BASE_URL",
        "INSPRAAK_DEFAULT_LANGUAGE",
        "INSPRAAK_LIVE_MAX_CONNECTIONS_PER_IP",
    } <= names


def _help(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "participation.cli", *args, "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


def test_cli_commands() -> None:
    top = _help()
    for command in ("serve", "db", "demo", "users", "settings"):
        assert command in top
    serve = _help("serve")
    for option in ("--host", "--port", "--workers"):
        assert option in serve
    assert "upgrade" in _help("db")
    create = _help("users", "create")
    for option in ("--email", "--name", "--role", "--password-stdin"):
        assert option in create
