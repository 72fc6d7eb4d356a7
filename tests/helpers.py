"""Test helpers that act as a user would: load a page, read its form's CSRF token, post."""

from __future__ import annotations

import email
import re
from email.message import Message
from pathlib import Path
from typing import Any

import httpx2 as httpx
from bs4 import BeautifulSoup, Tag
from starlette.testclient import TestClient

from participation.actions import do_create_user
from participation.database import Database
from participation.models import Role, User

PASSWORD = "correct horse battery staple"


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
