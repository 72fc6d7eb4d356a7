"""How a setting's text becomes a value: each parser checks its text and raises ValueError with
what is wrong, for the settings (participation.setting_list) to report with the variable's name.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("nl", "fr", "en")


def text(raw: str) -> str:
    return raw.strip()


def _at_least(raw: str, least: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"must be a whole number, got {raw!r}") from None
    if value < least:
        raise ValueError(f"must be {least} or more, got {value}")
    return value


def positive_int(raw: str) -> int:
    return _at_least(raw, 1)


def count(raw: str) -> int:
    """A whole number where 0 switches the feature off."""
    return _at_least(raw, 0)


def hour(raw: str) -> int:
    value = count(raw)
    if value > 23:
        raise ValueError(f"must be an hour from 0 to 23, got {value}")
    return value


def names(raw: str) -> tuple[str, ...]:
    """A comma-separated list of lowercase names, such as content types: idea,comment."""
    names = tuple(part.strip() for part in raw.split(",") if part.strip())
    for name in names:
        if not name.replace("_", "").isalpha() or not name.islower():
            raise ValueError(f"must be comma-separated lowercase names, got {name!r}")
    return names


def database_url(raw: str) -> str:
    if not raw.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
        raise ValueError(f"must start with sqlite:// or postgresql://, got {raw!r}")
    return raw


def broker_url(raw: str) -> str:
    if not raw.startswith(("memory://", "postgresql://", "redis://")):
        raise ValueError(f"must start with memory://, postgresql:// or redis://, got {raw!r}")
    return raw


def http_url(raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise ValueError(f"must start with http:// or https://, got {raw!r}")
    return raw.rstrip("/")


def optional_http_url(raw: str) -> str:
    return http_url(raw) if raw.strip() else ""


def smtp_url(raw: str) -> str:
    if raw and not raw.startswith(("smtp://", "smtps://")):
        raise ValueError(f"must be empty or start with smtp:// or smtps://, got {raw!r}")
    return raw


def lat_lng(raw: str) -> tuple[float, float]:
    try:
        latitude, longitude = (float(part) for part in raw.split(","))
    except ValueError:
        raise ValueError(f"must be latitude,longitude such as 51.05,3.72, got {raw!r}") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"is not a place on Earth: {raw!r}")
    return latitude, longitude


def switch(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
        raise ValueError(f"must be on or off, got {raw!r}")
    return value in ("on", "true", "1", "yes")


def polygon(raw: str) -> tuple[tuple[float, float], ...]:
    """Corners as `latitude,longitude` separated by `;`: at least three, or none at all."""
    if not raw.strip():
        return ()
    corners = tuple(lat_lng(part) for part in raw.split(";") if part.strip())
    if len(corners) < 3:
        raise ValueError("needs at least three corners latitude,longitude separated by ;")
    return corners


def places(raw: str) -> tuple[tuple[str, float, float], ...]:
    """Named places as `Name=latitude,longitude` separated by `;`."""
    places = []
    for part in raw.split(";"):
        if not part.strip():
            continue
        name, _sep, where = part.partition("=")
        if not name.strip() or not where:
            raise ValueError(f"must be Name=latitude,longitude separated by ;, got {part!r}")
        latitude, longitude = lat_lng(where)
        places.append((name.strip(), latitude, longitude))
    return tuple(places)


def language(raw: str) -> str:
    if raw not in LANGUAGES:
        raise ValueError(f"must be one of {', '.join(LANGUAGES)}, got {raw!r}")
    return raw


def time_zone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"must be a time zone such as Europe/Brussels, got {raw!r}") from None
    return raw


def secret_key(raw: str) -> str:
    if raw and len(raw) < 32:
        raise ValueError("must be at least 32 characters long")
    return raw
