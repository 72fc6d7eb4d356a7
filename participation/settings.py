"""The settings as the app reads them: every entry of the one list
(participation.setting_list) taken from the environment and checked, the generated secret
key, and the table the README carries."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from participation.setting_list import SETTINGS, Setting
from participation.setting_values import LANGUAGES

__all__ = ["LANGUAGES", "SETTINGS", "Setting", "Settings", "SettingsError", "markdown_table"]


class SettingsError(Exception):
    """A setting has a value that Inspraak cannot use; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    broker_url: str
    base_url: str
    default_language: str
    time_zone: str
    municipality_name: str
    var_dir: str
    uploads_dir: str
    support_threshold: int
    map_tile_url: str
    geocoder_url: str
    map_center: tuple[float, float]
    smtp_url: str
    mail_from: str
    max_request_bytes: int
    session_days: int
    live_max_connections_per_ip: int
    threads: int
    moderation_auto_hide_reports: int
    moderation_hold_first_posts: tuple[str, ...]
    moderation_new_account_days: int
    moderation_hold_links: tuple[str, ...]
    moderation_max_links: int
    municipality_boundary: tuple[tuple[float, float], ...]
    neighbourhoods: tuple[tuple[str, float, float], ...]
    problems_anonymous: bool
    question_deadline_days: int
    api_rate_limit: int
    digest_hour: int
    retention_days: int

    @property
    def var_path(self) -> Path:
        return Path(self.var_dir)

    @property
    def uploads_path(self) -> Path:
        return Path(self.uploads_dir) if self.uploads_dir else self.var_path / "uploads"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every setting from the environment; raise SettingsError naming a bad one."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = environ.get(setting.env, setting.default)
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as error:
                raise SettingsError(f"{setting.env}: {error}") from None
        settings = cls(**values)
        if not settings.secret_key:
            settings = cls(**{**values, "secret_key": _stored_secret_key(settings.var_path)})
        return settings

    def shown(self) -> list[tuple[Setting, str]]:
        """Each setting with its current value, secrets masked."""
        return [(s, _mask(s, _shown(getattr(self, s.name)))) for s in SETTINGS]


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(str(part) for part in value)
    return str(value)


def _mask(setting: Setting, value: str) -> str:
    if not setting.secret or not value:
        return value
    if "://" in value:
        scheme, rest = value.split("://", 1)
        if "@" in rest:
            return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
        return value
    return "***"


def _stored_secret_key(var_path: Path) -> str:
    """Read the generated key, creating it once; linking a full file keeps workers on one key."""
    path = var_path / "secret_key"
    var_path.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        draft = var_path / f".secret_key.{secrets.token_hex(8)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def markdown_table() -> str:
    """The settings table that README.md carries (a test keeps the two equal)."""
    lines = ["| Variable | Type | Default | What it does |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "(empty)"
        lines.append(f"| `{s.env}` | {s.type} | {default} | {s.help} |")
    return "\n".join(lines)


assert [f.name for f in fields(Settings)] == [s.name for s in SETTINGS]
