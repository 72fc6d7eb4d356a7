"""Browser fixtures: the real server in a subprocess, Chromium driven by Playwright, axe-core.

The server is the one `inspraak serve` runs (uvicorn with the app factory) on a free port, with
its own migrated SQLite file and var/ folder. Pages use Playwright's sync API; each test gets a
fresh browser context, so no cookie leaks from one test to the next.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

from participation.database import Database
from tests.conftest import TEST_SECRET_KEY, unavailable
from tests.helpers import create_user
from tests.server import ServerFailed, free_port, served

if TYPE_CHECKING:
    from tests.browser.ideas_world import SignedIn, World
    from tests.browser.voting_world import VotingWorld

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = REPO_ROOT / "static" / "vendor" / "axe.min.js"
AXE_URL = "/static/vendor/axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")

# Without the networking switches Chromium stalls on a closed network, waiting for Google.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 800}
# A Flemish visitor: the app picks Dutch, its default, from the Accept-Language header.
LOCALE = "nl-BE"
# Where the live server's maps fetch their tiles: the server itself, which has none. Checks for
# errors ignore the failed requests for them.
TILE_PATH = "/static/tiles"


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    var_dir: Path
    database_url: str
    env: dict[str, str]
    log_path: Path

    @property
    def outbox(self) -> Path:
        return self.var_dir / "outbox"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def server_env(database_url: str, var_dir: Path, base_url: str) -> dict[str, str]:
    """This environment, without any INSPRAAK_ setting of the developer's, plus the server's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("INSPRAAK_")}
    env.update(
        INSPRAAK_DATABASE_URL=database_url,
        INSPRAAK_VAR_DIR=str(var_dir),
        INSPRAAK_SECRET_KEY=TEST_SECRET_KEY,
        INSPRAAK_BASE_URL=base_url,
        # No internet in tests: maps ask the server itself for tiles (a 404 is fine).
        INSPRAAK_MAP_TILE_URL=f"{base_url}{TILE_PATH}/{{z}}/{{x}}/{{y}}.png",
        # Every page of every test comes from one address: maps would soon meet the API's
        # limit (tests/participation/test_api_http.py tests the limit itself).
        INSPRAAK_API_RATE_LIMIT="0",
    )
    return env


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        unavailable("browser tests need Chromium (the chromium package) on the PATH")
    assert path is not None
    return path


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[LiveServer]:
    """The real server in a subprocess; tests in a module share it and use distinct emails."""
    root = tmp_path_factory.mktemp("live")
    database_path = root / "inspraak.db"
    shutil.copy(sqlite_template, database_path)
    database_url = f"sqlite:///{database_path}"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = server_env(database_url, root / "var", base_url)
    log_path = root / "server.log"
    try:
        with served("participation.app:create_app", env, port, log_path=log_path):
            yield LiveServer(base_url, root / "var", database_url, env, log_path)
    except ServerFailed as failure:
        pytest.fail(str(failure))


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path, args=list(CHROMIUM_ARGS))
    yield browser
    browser.close()


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def new_context(chromium: Browser, live_server: LiveServer) -> Iterator[NewContext]:
    """Open a browser context on the live server (Dutch, 1280x800 unless told otherwise)."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        settings: dict[str, Any] = {
            "base_url": live_server.base_url,
            "viewport": DESKTOP,
            "locale": LOCALE,
            **options,
        }
        context = chromium.new_context(**settings)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: NewContext) -> Page:
    return new_context().new_page()


# The ideas tests' accounts and ideas, made once per module. Imported here, not at the top:
# tests.browser.ideas_world itself imports from this file.


@pytest.fixture(scope="module")
def world(live_server: LiveServer) -> World:
    from tests.browser.ideas_world import build_world

    return build_world(live_server)


@pytest.fixture(scope="module")
def signed_in(chromium: Browser, live_server: LiveServer) -> SignedIn:
    from tests.browser.ideas_world import sign_in_states

    return sign_in_states(chromium, live_server)


# The voting tests' accounts, meetings and items, made once per module; imported lazily for the
# same reason.


@pytest.fixture(scope="module")
def voting_world(live_server: LiveServer) -> VotingWorld:
    from tests.browser.voting_world import build_voting_world

    return build_voting_world(live_server)


# --- axe-core ---------------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return its violations.

    axe is loaded from the app's own /static/vendor/, so the page's Content-Security-Policy
    (script-src 'self') lets it run and the tests see pages with their real CSP; an inline
    script from `add_script_tag(path=...)` would be refused by that policy.
    """
    if not AXE_PATH.exists():
        unavailable(f"{AXE_PATH} is missing: run `make install`")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL)
    results: dict[str, Any] = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        list(AXE_TAGS),
    )
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One paragraph per rule: id, impact, what to do, and where, so a human can fix it."""
    lines: list[str] = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"<{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node.get('html', '')}")
            summary = str(node.get("failureSummary", "")).replace("\n", "\n        ")
            if summary:
                lines.append(f"        {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {page.url}:\n"
        + describe_violations(violations)
    )


# --- the mail outbox --------------------------------------------------------------------------


def outbox_messages(server: LiveServer, address: str) -> list[Message]:
    """The messages written to the outbox for `address`, oldest first."""
    if not server.outbox.exists():
        return []
    messages = [
        email.message_from_bytes(p.read_bytes()) for p in sorted(server.outbox.glob("*.eml"))
    ]
    return [m for m in messages if m["To"] == address]


def latest_link(server: LiveServer, address: str, path_prefix: str = "/verify/") -> str:
    """The full URL of the last link to `path_prefix` mailed to `address`.

    Mail is written after the transaction commits, before the response; the short wait only
    guards against a slow disk.
    """
    pattern = re.compile(rf"{re.escape(server.base_url)}{re.escape(path_prefix)}\S+")
    deadline = time.monotonic() + 5
    while True:
        for message in reversed(outbox_messages(server, address)):
            body = message.get_payload(decode=True)
            assert isinstance(body, bytes)
            found = pattern.search(body.decode(message.get_content_charset() or "utf-8"))
            if found:
                return found.group(0)
        if time.monotonic() > deadline:
            raise AssertionError(f"no {path_prefix} link mailed to {address} in {server.outbox}")
        time.sleep(0.1)


# --- accounts ---------------------------------------------------------------------------------


def create_account(server: LiveServer, address: str, name: str, password: str) -> int:
    """A verified resident, written straight into the server's database (the fast way); its id."""
    db = Database(server.database_url)
    try:
        user = create_user(db, email=address, name=name, password=password)
    finally:
        db.dispose()
    assert user.id is not None
    return user.id


def create_account_with_cli(server: LiveServer, address: str, name: str, password: str) -> None:
    """A verified account made with `inspraak users create`, as an administrator would."""
    command = [
        sys.executable,
        "-m",
        "participation.cli",
        "users",
        "create",
        "--email",
        address,
        "--name",
        name,
        "--password-stdin",
    ]
    done = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=server.env,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"inspraak users create failed:\n{done.stdout}{done.stderr}"


# --- layout -----------------------------------------------------------------------------------

WIDER_THAN_VIEWPORT = """width => [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .map(el => {
        const classes = el.classList.length ? "." + [...el.classList].join(".") : "";
        const right = Math.round(el.getBoundingClientRect().right);
        return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes} (right ${right})`;
    })"""


def assert_fits(page: Page, width: int) -> None:
    """No horizontal scrollbar: the page is no wider than the viewport (WCAG 1.4.10 Reflow)."""
    scroll_width: int = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        wide: list[str] = page.evaluate(WIDER_THAN_VIEWPORT, width)
        raise AssertionError(
            f"{page.url} scrolls sideways at {width} px (scrollWidth {scroll_width} px); "
            f"elements past the right edge: {', '.join(wide)}"
        )


# --- errors -----------------------------------------------------------------------------------


def watch_for_errors(page: Page) -> list[str]:
    """Collect script errors, console errors and failed responses of `page` from now on.

    Map tiles are left out: the test server has none, so every tile request fails. So is the
    /favicon.ico that Chromium asks for by itself: the app has none (yet), no page links to it.
    """
    problems: list[str] = []

    def is_tile(url: str) -> bool:
        return f"{TILE_PATH}/" in url or urlsplit(url).path == "/favicon.ico"

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not is_tile(message.location.get("url", "")):
            problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def on_response(response: Response) -> None:
        if response.status >= 400 and not is_tile(response.url):
            problems.append(f"{response.status} for {response.url}")

    def on_request_failed(request: Request) -> None:
        # ERR_ABORTED: the page went on before the answer came (say, a form was submitted
        # while an htmx request was still under way); that is the browser's doing, no error.
        if not is_tile(request.url) and request.failure != "net::ERR_ABORTED":
            problems.append(f"request failed: {request.url} ({request.failure})")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    return problems


def catch_dialogs(page: Page) -> list[str]:
    """Collect the message of each dialog `page` opens from now on, and dismiss it: a script
    smuggled in through user text would show itself this way (alert, confirm, prompt)."""
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs
