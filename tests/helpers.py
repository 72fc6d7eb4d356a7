"""Test helpers that act as a user would: load a page, read its form's CSRF token, post."""

from __future__ import annotations

import datetime as dt
import email
import io
import re
from email.message import Message
from pathlib import Path
from typing import Any

import httpx2 as httpx
from bs4 import BeautifulSoup, Tag
from PIL import Image
from sqlmodel import Session
from starlette.testclient import TestClient

from participation.actions import do_create_user
from participation.database import Database
from participation.models import Role, User
from participation.settings import Settings
from participation.visibility import Visibility, set_visibility

PASSWORD = "correct horse battery staple"
# Markup and an htmx attribute that must stay text wherever a page shows what users typed.
HOSTILE = (
    '<script>alert(1)</script><img src=x onerror=alert(2)><a hx-post="/logout" id="main">x</a>'
)


class Browser:
    """A TestClient that remembers the CSRF token of the last page it loaded."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf_token = ""

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        response = self.client.get(url, **kwargs)
        if response.headers.get("content-type", "").startswith("text/html"):
            meta = soup(response).find("meta", attrs={"name": "csrf-token"})
            if isinstance(meta, Tag):
                self.csrf_token = str(meta["content"])
        return response

    def post(self, url: str, data: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        """Post a form as the page would, with the token from the last page loaded."""
        if not self.csrf_token:
            self.get("/")
        return self.client.post(url, data={"csrf_token": self.csrf_token, **(data or {})}, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        self.get("/login")
        response = self.post("/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text
        self.get("/")
        return response


def in_english(browser: Browser) -> Browser:
    """A visitor whose browser asks for English (new texts are not translated yet)."""
    browser.client.headers["Accept-Language"] = "en"
    return browser


def jpeg() -> bytes:
    """A small photo, as a resident uploads it."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "JPEG")
    return buffer.getvalue()


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def select_one(response: httpx.Response, selector: str) -> Tag:
    found = soup(response).select_one(selector)
    assert found is not None, f"no {selector!r} on the page"
    return found


def field_error(response: httpx.Response, name: str) -> str:
    """The error message shown beside a form field, or '' when there is none."""
    found = soup(response).select_one(f"#field-{name}-error")
    return found.get_text(strip=True) if found else ""


def flashes(response: httpx.Response) -> list[str]:
    return [p.get_text(strip=True) for p in soup(response).select(".flash")]


def create_user(
    db: Database,
    email: str = "ann@example.be",
    name: str = "Ann",
    roles: tuple[Role, ...] = (Role.resident,),
    verified: bool = True,
    password: str = PASSWORD,
    language: str = "nl",
) -> User:
    with db.write() as session:
        return do_create_user(
            session,
            email=email,
            display_name=name,
            password=password,
            roles=roles,
            verified=verified,
            language=language,
        )


def set_visible(
    db: Database,
    content_type: str,
    content_id: int | None,
    visibility: Visibility = Visibility.hidden,
    reason: str | None = "spam",
) -> None:
    """What a moderator's action does to the content, through the shell's registry."""
    assert content_id is not None
    with db.write() as session:
        set_visibility(session, content_type, content_id, visibility, reason)


def mute(db: Database, user: User, until: dt.datetime) -> None:
    """What a moderator's mute does to the account (the sanction itself is moderation's)."""
    with db.write() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        stored.muted_until = until


class HoldAll:
    """A feature's hooks module that holds everything (moderation's rules are its own); the
    `hold_all` fixture puts it in place."""

    def __init__(self) -> None:
        self.screened: list[tuple[str, int, str]] = []

    def screen_content(
        self,
        session: Session,
        settings: Settings,
        author: User,
        content_type: str,
        content_id: int,
        text: str,
    ) -> Visibility:
        self.screened.append((content_type, content_id, text))
        return Visibility.held


class Outbox:
    """The folder the mailer writes to when no SMTP server is configured."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def messages(self) -> list[Message]:
        if not self.path.exists():
            return []
        return [email.message_from_bytes(p.read_bytes()) for p in sorted(self.path.glob("*.eml"))]

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages() if m["To"] == address]

    def last_link(self, address: str, path_prefix: str) -> str:
        """The path of the last link to `path_prefix` mailed to `address`."""
        for message in reversed(self.to(address)):
            body = message.get_payload(decode=True)
            assert isinstance(body, bytes)
            match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", body.decode())
            if match:
                return match.group(1)
        raise AssertionError(f"no {path_prefix} link mailed to {address}")
