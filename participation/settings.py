"""The one list of settings: it drives configuration, `inspraak settings` and the README table."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("nl", "fr", "en")


class SettingsError(Exception):
    """A setting has a value that Inspraak cannot use; the message names the setting."""


def _text(raw: str) -> str:
    return raw.strip()


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"must be a whole number, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"must be 1 or more, got {value}")
    return value


def _count(raw: str) -> int:
    """A whole number where 0 switches the feature off."""
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"must be a whole number, got {raw!r}") from None
    if value < 0:
        raise ValueError(f"must be 0 or more, got {value}")
    return value


def _hour(raw: str) -> int:
    value = _count(raw)
    if value > 23:
        raise ValueError(f"must be an hour from 0 to 23, got {value}")
    return value


def _names(raw: str) -> tuple[str, ...]:
    """A comma-separated list of lowercase names, such as content types: idea,comment."""
    names = tuple(part.strip() for part in raw.split(",") if part.strip())
    for name in names:
        if not name.replace("_", "").isalpha() or not name.islower():
            raise ValueError(f"must be comma-separated lowercase names, got {name!r}")
    return names


def _database_url(raw: str) -> str:
    if not raw.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
        raise ValueError(f"must start with sqlite:// or postgresql://, got {raw!r}")
    return raw


def _broker_url(raw: str) -> str:
    if not raw.startswith(("memory://", "postgresql://", "redis://")):
        raise ValueError(f"must start with memory://, postgresql:// or redis://, got {raw!r}")
    return raw


def _http_url(raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise ValueError(f"must start with http:// or https://, got {raw!r}")
    return raw.rstrip("/")


def _optional_http_url(raw: str) -> str:
    return _http_url(raw) if raw.strip() else ""


def _smtp_url(raw: str) -> str:
    if raw and not raw.startswith(("smtp://", "smtps://")):
        raise ValueError(f"must be empty or start with smtp:// or smtps://, got {raw!r}")
    return raw


def _lat_lng(raw: str) -> tuple[float, float]:
    try:
        latitude, longitude = (float(part) for part in raw.split(","))
    except ValueError:
        raise ValueError(f"must be latitude,longitude such as 51.05,3.72, got {raw!r}") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"is not a place on Earth: {raw!r}")
    return latitude, longitude


def _switch(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
        raise ValueError(f"must be on or off, got {raw!r}")
    return value in ("on", "true", "1", "yes")


def _polygon(raw: str) -> tuple[tuple[float, float], ...]:
    """Corners as `latitude,longitude` separated by `;`: at least three, or none at all."""
    if not raw.strip():
        return ()
    corners = tuple(_lat_lng(part) for part in raw.split(";") if part.strip())
    if len(corners) < 3:
        raise ValueError("needs at least three corners latitude,longitude separated by ;")
    return corners


def _places(raw: str) -> tuple[tuple[str, float, float], ...]:
    """Named places as `Name=latitude,longitude` separated by `;`."""
    places = []
    for part in raw.split(";"):
        if not part.strip():
            continue
        name, _sep, where = part.partition("=")
        if not name.strip() or not where:
            raise ValueError(f"must be Name=latitude,longitude separated by ;, got {part!r}")
        latitude, longitude = _lat_lng(where)
        places.append((name.strip(), latitude, longitude))
    return tuple(places)


def _language(raw: str) -> str:
    if raw not in LANGUAGES:
        raise ValueError(f"must be one of {', '.join(LANGUAGES)}, got {raw!r}")
    return raw


def _time_zone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"must be a time zone such as Europe/Brussels, got {raw!r}") from None
    return raw


def _secret_key(raw: str) -> str:
    if raw and len(raw) < 32:
        raise ValueError("must be at least 32 characters long")
    return raw


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    type: str
    default: str
    help: str
    parse: Callable[[str], Any]
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "INSPRAAK_DATABASE_URL",
        "url",
        "sqlite:///var/inspraak.db",
        "Database: SQLite file, or postgresql://user:password@host/name.",
        _database_url,
        secret=True,
    ),
    Setting(
        "secret_key",
        "INSPRAAK_SECRET_KEY",
        "text",
        "",
        "Signs cookies and links; at least 32 characters. Empty: generated into var/secret_key.",
        _secret_key,
        secret=True,
    ),
    Setting(
        "broker_url",
        "INSPRAAK_BROKER_URL",
        "url",
        "memory://",
        "Live event broker: memory:// (one process), postgresql:// or redis:// for several.",
        _broker_url,
        secret=True,
    ),
    Setting(
        "base_url",
        "INSPRAAK_BASE_URL",
        "url",
        "http://127.0.0.1:8000",
        "Public address of the site, used in emails and to check the Origin of requests.",
        _http_url,
    ),
    Setting(
        "default_language",
        "INSPRAAK_DEFAULT_LANGUAGE",
        "nl, fr or en",
        "nl",
        "Language for visitors who have not chosen one and whose browser asks for none we have.",
        _language,
    ),
    Setting(
        "time_zone",
        "INSPRAAK_TIME_ZONE",
        "time zone",
        "Europe/Brussels",
        "Time zone in which times are shown and form times without an offset are read.",
        _time_zone,
    ),
    Setting(
        "municipality_name",
        "INSPRAAK_MUNICIPALITY_NAME",
        "text",
        "Demostad",
        "Name of the municipality, shown in the header and in emails.",
        _text,
    ),
    Setting(
        "var_dir",
        "INSPRAAK_VAR_DIR",
        "path",
        "var",
        "Folder for the SQLite database, the generated secret key and the mail outbox.",
        _text,
    ),
    Setting(
        "uploads_dir",
        "INSPRAAK_UPLOADS_DIR",
        "path",
        "",
        "Folder for uploaded photos (re-encoded, without EXIF or GPS data). "
        "Empty: uploads/ inside the var folder.",
        _text,
    ),
    Setting(
        "support_threshold",
        "INSPRAAK_SUPPORT_THRESHOLD",
        "integer",
        "100",
        "Supports after which an idea moves to 'under review' by itself and clerks are told.",
        _positive_int,
    ),
    Setting(
        "map_tile_url",
        "INSPRAAK_MAP_TILE_URL",
        "url",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Map tiles for Leaflet maps; the host is allowed in the Content-Security-Policy.",
        _http_url,
    ),
    Setting(
        "geocoder_url",
        "INSPRAAK_GEOCODER_URL",
        "url",
        "",
        "Address search (Nominatim-style, such as https://nominatim.openstreetmap.org/search)"
        " for problem reports typed without a map. Empty: an address alone cannot place a report.",
        _optional_http_url,
    ),
    Setting(
        "map_center",
        "INSPRAAK_MAP_CENTER",
        "latitude,longitude",
        "51.0543,3.7174",
        "Where maps open before anything is placed on them (default: Ghent).",
        _lat_lng,
    ),
    Setting(
        "smtp_url",
        "INSPRAAK_SMTP_URL",
        "url",
        "",
        "Mail server, smtp://user:password@host:587 (STARTTLS) or smtps://. "
        "Empty: mail is written to var/outbox/.",
        _smtp_url,
        secret=True,
    ),
    Setting(
        "mail_from",
        "INSPRAAK_MAIL_FROM",
        "text",
        "Inspraak <noreply@localhost>",
        "Sender address of the emails Inspraak sends.",
        _text,
    ),
    Setting(
        "max_request_bytes",
        "INSPRAAK_MAX_REQUEST_BYTES",
        "integer",
        str(20 * 1024 * 1024),
        "Largest request body accepted; larger requests get 413.",
        _positive_int,
    ),
    Setting(
        "session_days",
        "INSPRAAK_SESSION_DAYS",
        "integer",
        "30",
        "Days a login lasts before the user must log in again.",
        _positive_int,
    ),
    Setting(
        "live_max_connections_per_ip",
        "INSPRAAK_LIVE_MAX_CONNECTIONS_PER_IP",
        "integer",
        "20",
        "Live websocket connections allowed from one address at once.",
        _positive_int,
    ),
    Setting(
        "threads",
        "INSPRAAK_THREADS",
        "integer",
        "8",
        "Threads per worker that run requests' database work. More than a few adds no speed on"
        " SQLite (one writer at a time) and costs it in contention.",
        _positive_int,
    ),
    Setting(
        "moderation_auto_hide_reports",
        "INSPRAAK_MODERATION_AUTO_HIDE_REPORTS",
        "integer",
        "5",
        "Content reported by this many different verified users is hidden until a moderator"
        " reviews it (0: never).",
        _count,
    ),
    Setting(
        "moderation_hold_first_posts",
        "INSPRAAK_MODERATION_HOLD_FIRST_POSTS",
        "list",
        "",
        "Content types (comma-separated, such as idea,comment) where the first posts of new"
        " accounts wait for a moderator before they are public.",
        _names,
    ),
    Setting(
        "moderation_new_account_days",
        "INSPRAAK_MODERATION_NEW_ACCOUNT_DAYS",
        "integer",
        "7",
        "An account is new for this many days after it was created.",
        _positive_int,
    ),
    Setting(
        "moderation_hold_links",
        "INSPRAAK_MODERATION_HOLD_LINKS",
        "list",
        "idea,comment",
        "Content types (comma-separated) where a post with more links than"
        " INSPRAAK_MODERATION_MAX_LINKS waits for a moderator.",
        _names,
    ),
    Setting(
        "moderation_max_links",
        "INSPRAAK_MODERATION_MAX_LINKS",
        "integer",
        "3",
        "The number of links a post may hold before it waits for a moderator.",
        _positive_int,
    ),
    Setting(
        "municipality_boundary",
        "INSPRAAK_MUNICIPALITY_BOUNDARY",
        "polygon",
        "",
        "The municipality's boundary as corners latitude,longitude separated by ; (problem"
        " reports outside it are refused). Empty: no check.",
        _polygon,
    ),
    Setting(
        "neighbourhoods",
        "INSPRAAK_NEIGHBOURHOODS",
        "places",
        "",
        "Neighbourhoods as Name=latitude,longitude separated by ;: a problem report counts in"
        " the nearest one in the statistics.",
        _places,
    ),
    Setting(
        "problems_anonymous",
        "INSPRAAK_PROBLEMS_ANONYMOUS",
        "on/off",
        "off",
        "Whether visitors may report a problem without an account (rate-limited per address).",
        _switch,
    ),
    Setting(
        "question_deadline_days",
        "INSPRAAK_QUESTION_DEADLINE_DAYS",
        "integer",
        "10",
        "A question to the council must reach the clerk at least this many days before the"
        " meeting that it is scheduled for.",
        _count,
    ),
    Setting(
        "api_rate_limit",
        "INSPRAAK_API_RATE_LIMIT",
        "integer",
        "300",
        "Requests per minute that one address may make to /api/v1/ and the feeds; more get"
        " 429 with Retry-After (0: no limit).",
        _count,
    ),
    Setting(
        "digest_hour",
        "INSPRAAK_DIGEST_HOUR",
        "integer",
        "7",
        "Hour of the day (0-23, in INSPRAAK_TIME_ZONE) at which daily digests are sent; weekly"
        " digests go out on Mondays at that hour.",
        _hour,
    ),
    Setting(
        "retention_days",
        "INSPRAAK_RETENTION_DAYS",
        "integer",
        "90",
        "Days after which IP addresses, expired sessions, sent-mail records and other logs are"
        " removed by the retention job.",
        _positive_int,
    ),
)


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
