"""Parse and validate request data. A form keeps what the user typed and one message per field."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from participation import passwords
from participation.i18n import LANGUAGE_NAMES, gettext, ngettext
from participation.models import ROLE_VALUES

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class Form:
    """Raw values to show again, errors per field; the typed values come from its methods."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data: dict[str, str] = {
            key: value for key, value in data.items() if isinstance(value, str)
        }
        self.errors: dict[str, str] = {}

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def value(self, name: str) -> str:
        """What the user typed, for showing back; passwords are never shown back."""
        return "" if "password" in name else self.data.get(name, "")

    def text(
        self, name: str, *, max_length: int, required: bool = True, multiline: bool = False
    ) -> str:
        value = self.data.get(name, "").strip()
        value = _clean_text(value, multiline=multiline)
        if required and not value:
            self.error(name, gettext("This field is required."))
        elif len(value) > max_length:
            self.error(
                name,
                ngettext(
                    "Use at most %(num)d character.",
                    "Use at most %(num)d characters (you used %(used)d).",
                    max_length,
                )
                % {"num": max_length, "used": len(value)},
            )
        return value

    def email(self, name: str = "email") -> str:
        value = self.text(name, max_length=254).lower()
        if value and name not in self.errors and not _EMAIL.match(value):
            self.error(name, gettext("Enter an email address such as name@example.be."))
        return value

    def password(self, name: str = "password") -> str:
        value = self.data.get(name, "")
        if not value:
            self.error(name, gettext("This field is required."))
        return value

    def new_password(self, name: str, *, personal: tuple[str, ...] = ()) -> str:
        value = self.data.get(name, "")
        if len(value) < passwords.MIN_LENGTH:
            self.error(
                name,
                gettext("Use at least %(num)d characters.") % {"num": passwords.MIN_LENGTH},
            )
        elif len(value) > passwords.MAX_LENGTH:
            self.error(
                name,
                gettext("Use at most %(num)d characters.") % {"num": passwords.MAX_LENGTH},
            )
        elif passwords.is_common(value) or value.strip().lower() in {
            p.strip().lower() for p in personal if p
        }:
            self.error(
                name,
                gettext("This password is too easy to guess. Choose a longer or rarer one."),
            )
        return value

    def choice(self, name: str, options: tuple[str, ...] | Mapping[str, str]) -> str:
        value = self.data.get(name, "")
        if value not in options:
            self.error(name, gettext("Choose one of the options."))
        return value


def parse_location(form: Form) -> tuple[float | None, float | None]:
    """Optional `latitude` and `longitude` (a decimal comma is fine): both, or neither."""
    latitude = _coordinate(form, "latitude", 90)
    longitude = _coordinate(form, "longitude", 180)
    if (latitude is None) != (longitude is None) and not form.errors.keys() & {
        "latitude",
        "longitude",
    }:
        missing = "longitude" if longitude is None else "latitude"
        form.error(missing, gettext("Give both the latitude and the longitude, or neither."))
    return latitude, longitude


def _coordinate(form: Form, name: str, limit: float) -> float | None:
    raw = form.data.get(name, "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        form.error(name, gettext("Enter a number, such as 51.0543."))
        return None
    if not -limit <= value <= limit:  # NaN fails this too
        form.error(
            name, gettext("Enter a number between -%(limit)d and %(limit)d.") % {"limit": limit}
        )
        return None
    return round(value, 6)


def parse_parent_id(form: Form) -> int | None:
    """The optional `parent_id` of a reply: the comment it answers."""
    raw = form.data.get("parent_id", "").strip()
    parent_id = int(raw) if raw.isdigit() else None
    if raw and parent_id is None:
        form.error("parent_id", gettext("The comment you reply to does not exist."))
    return parent_id


def _clean_text(value: str, *, multiline: bool) -> str:
    """Drop control characters (keeping line breaks in long text) and normalise to NFC."""
    allowed = {"\n", "\t"} if multiline else set()
    value = value.replace("\r\n", "\n")
    value = "".join(ch for ch in value if ch in allowed or unicodedata.category(ch)[0] != "C")
    return unicodedata.normalize("NFC", value)


@dataclass(frozen=True)
class Registration:
    display_name: str
    email: str
    password: str


def parse_registration(form: Form) -> Registration:
    display_name = form.text("display_name", max_length=80)
    email = form.email()
    password = form.new_password("password", personal=(email, display_name))
    return Registration(display_name, email, password)


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str


def parse_login(form: Form) -> Credentials:
    email = form.email()
    password = form.password()
    return Credentials(email, password)


@dataclass(frozen=True)
class PasswordChange:
    current_password: str
    new_password: str


def parse_password_change(form: Form, email: str, display_name: str) -> PasswordChange:
    current = form.password("current_password")
    new = form.new_password("new_password", personal=(email, display_name))
    return PasswordChange(current, new)


@dataclass(frozen=True)
class Profile:
    display_name: str
    language: str


def parse_profile(form: Form) -> Profile:
    return Profile(
        display_name=form.text("display_name", max_length=80),
        language=form.choice("language", LANGUAGE_NAMES),
    )


@dataclass(frozen=True)
class RoleChange:
    role: str
    grant: bool


def parse_role_change(form: Form) -> RoleChange:
    role = form.choice("role", ROLE_VALUES)
    action = form.choice("action", ("grant", "revoke"))
    return RoleChange(role, action == "grant")
