"""The one list of settings: it drives configuration (participation.settings), `inspraak
settings` and the README table. Each entry names its variable, its default, what it does and
how its text is read (participation.setting_values)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from participation import setting_values as values


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
        values.database_url,
        secret=True,
    ),
    Setting(
        "secret_key",
        "INSPRAAK_SECRET_KEY",
        "text",
        "",
        "Signs cookies and links; at least 32 characters. Empty: generated into var/secret_key.",
        values.secret_key,
        secret=True,
    ),
    Setting(
        "broker_url",
        "INSPRAAK_BROKER_URL",
        "url",
        "memory://",
        "Live event broker: memory:// (one process), postgresql:// or redis:// for several.",
        values.broker_url,
        secret=True,
    ),
    Setting(
        "base_url",
        "INSPRAAK_BASE_URL",
        "url",
        "http://127.0.0.1:8000",
        "Public address of the site, used in emails and to check the Origin of requests.",
        values.http_url,
    ),
    Setting(
        "default_language",
        "INSPRAAK_DEFAULT_LANGUAGE",
        "nl, fr or en",
        "nl",
        "Language for visitors who have not chosen one and whose browser asks for none we have.",
        values.language,
    ),
    Setting(
        "time_zone",
        "INSPRAAK_TIME_ZONE",
        "time zone",
        "Europe/Brussels",
        "Time zone in which times are shown and form times without an offset are read.",
        values.time_zone,
    ),
    Setting(
        "municipality_name",
        "INSPRAAK_MUNICIPALITY_NAME",
        "text",
        "Demostad",
        "Name of the municipality, shown in the header and in emails.",
        values.text,
    ),
    Setting(
        "var_dir",
        "INSPRAAK_VAR_DIR",
        "path",
        "var",
        "Folder for the SQLite database, the generated secret key and the mail outbox.",
        values.text,
    ),
    Setting(
        "uploads_dir",
        "INSPRAAK_UPLOADS_DIR",
        "path",
        "",
        "Folder for uploaded photos (re-encoded, without EXIF or GPS data). "
        "Empty: uploads/ inside the var folder.",
        values.text,
    ),
    Setting(
        "support_threshold",
        "INSPRAAK_SUPPORT_THRESHOLD",
        "integer",
        "100",
        "Supports after which an idea moves to 'under review' by itself and clerks are told.",
        values.positive_int,
    ),
    Setting(
        "map_tile_url",
        "INSPRAAK_MAP_TILE_URL",
        "url",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Map tiles for Leaflet maps; the host is allowed in the Content-Security-Policy.",
        values.http_url,
    ),
    Setting(
        "geocoder_url",
        "INSPRAAK_GEOCODER_URL",
        "url",
        "",
        "Address search (Nominatim-style, such as https://nominatim.openstreetmap.org/search)"
        " for problem reports typed without a map. Empty: an address alone cannot place a report.",
        values.optional_http_url,
    ),
    Setting(
        "map_center",
        "INSPRAAK_MAP_CENTER",
        "latitude,longitude",
        "51.0543,3.7174",
        "Where maps open before anything is placed on them (default: Ghent).",
        values.lat_lng,
    ),
    Setting(
        "smtp_url",
        "INSPRAAK_SMTP_URL",
        "url",
        "",
        "Mail server, smtp://user:password@host:587 (STARTTLS) or smtps://. "
        "Empty: mail is written to var/outbox/.",
        values.smtp_url,
        secret=True,
    ),
    Setting(
        "mail_from",
        "INSPRAAK_MAIL_FROM",
        "text",
        "Inspraak <noreply@localhost>",
        "Sender address of the emails Inspraak sends.",
        values.text,
    ),
    Setting(
        "max_request_bytes",
        "INSPRAAK_MAX_REQUEST_BYTES",
        "integer",
        str(20 * 1024 * 1024),
        "Largest request body accepted; larger requests get 413.",
        values.positive_int,
    ),
    Setting(
        "session_days",
        "INSPRAAK_SESSION_DAYS",
        "integer",
        "30",
        "Days a login lasts before the user must log in again.",
        values.positive_int,
    ),
    Setting(
        "live_max_connections_per_ip",
        "INSPRAAK_LIVE_MAX_CONNECTIONS_PER_IP",
        "integer",
        "20",
        "Live websocket connections allowed from one address at once.",
        values.positive_int,
    ),
    Setting(
        "threads",
        "INSPRAAK_THREADS",
        "integer",
        "8",
        "Threads per worker that run requests' database work. More than a few adds no speed on"
        " SQLite (one writer at a time) and costs it in contention; there, votes and supports"
        " skip the thread when no other write is under way.",
        values.positive_int,
    ),
    Setting(
        "moderation_auto_hide_reports",
        "INSPRAAK_MODERATION_AUTO_HIDE_REPORTS",
        "integer",
        "5",
        "Content reported by this many different verified users is hidden until a moderator"
        " reviews it (0: never).",
        values.count,
    ),
    Setting(
        "moderation_hold_first_posts",
        "INSPRAAK_MODERATION_HOLD_FIRST_POSTS",
        "list",
        "",
        "Content types (comma-separated, such as idea,comment) where the first posts of new"
        " accounts wait for a moderator before they are public.",
        values.names,
    ),
    Setting(
        "moderation_new_account_days",
        "INSPRAAK_MODERATION_NEW_ACCOUNT_DAYS",
        "integer",
        "7",
        "An account is new for this many days after it was created.",
        values.positive_int,
    ),
    Setting(
        "moderation_hold_links",
        "INSPRAAK_MODERATION_HOLD_LINKS",
        "list",
        "idea,comment",
        "Content types (comma-separated) where a post with more links than"
        " INSPRAAK_MODERATION_MAX_LINKS waits for a moderator.",
        values.names,
    ),
    Setting(
        "moderation_max_links",
        "INSPRAAK_MODERATION_MAX_LINKS",
        "integer",
        "3",
        "The number of links a post may hold before it waits for a moderator.",
        values.positive_int,
    ),
    Setting(
        "municipality_boundary",
        "INSPRAAK_MUNICIPALITY_BOUNDARY",
        "polygon",
        "",
        "The municipality's boundary as corners latitude,longitude separated by ; (problem"
        " reports outside it are refused). Empty: no check.",
        values.polygon,
    ),
    Setting(
        "neighbourhoods",
        "INSPRAAK_NEIGHBOURHOODS",
        "places",
        "",
        "Neighbourhoods as Name=latitude,longitude separated by ;: a problem report counts in"
        " the nearest one in the statistics.",
        values.places,
    ),
    Setting(
        "problems_anonymous",
        "INSPRAAK_PROBLEMS_ANONYMOUS",
        "on/off",
        "off",
        "Whether visitors may report a problem without an account (rate-limited per address).",
        values.switch,
    ),
    Setting(
        "question_deadline_days",
        "INSPRAAK_QUESTION_DEADLINE_DAYS",
        "integer",
        "10",
        "A question to the council must reach the clerk at least this many days before the"
        " meeting that it is scheduled for.",
        values.count,
    ),
    Setting(
        "api_rate_limit",
        "INSPRAAK_API_RATE_LIMIT",
        "integer",
        "300",
        "Requests per minute that one address may make to /api/v1/ and the feeds; more get"
        " 429 with Retry-After (0: no limit).",
        values.count,
    ),
    Setting(
        "digest_hour",
        "INSPRAAK_DIGEST_HOUR",
        "integer",
        "7",
        "Hour of the day (0-23, in INSPRAAK_TIME_ZONE) at which daily digests are sent; weekly"
        " digests go out on Mondays at that hour.",
        values.hour,
    ),
    Setting(
        "retention_days",
        "INSPRAAK_RETENTION_DAYS",
        "integer",
        "90",
        "Days after which IP addresses, expired sessions, sent-mail records and other logs are"
        " removed by the retention job.",
        values.positive_int,
    ),
)
