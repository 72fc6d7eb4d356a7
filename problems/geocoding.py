"""Finding a place from a typed address, for residents who report without a map (no
JavaScript, a screen reader, a slow phone).

Only when the municipality configures a geocoder (INSPRAAK_GEOCODER_URL, a Nominatim-style
search API, ideally its own): a lookup sends the typed address to that service, so it is off
by default. The address is searched within the municipality; the first hit wins. The view
looks the address up before it opens a database session, and writes the coordinates into the
form, so the resident sees the place that was found and can correct it.
"""

from __future__ import annotations

import enum
import json
import logging
import urllib.request
from urllib.parse import urlencode

from participation.forms import Form
from participation.settings import Settings

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5.0


class Lookup(enum.Enum):
    not_asked = "not_asked"  # no geocoder, a place already given, or no address typed
    found = "found"
    not_found = "not_found"
    unavailable = "unavailable"


def _search(settings: Settings, address: str, language: str) -> tuple[float, float] | None:
    query = urlencode(
        {"q": f"{address}, {settings.municipality_name}", "format": "jsonv2", "limit": "1"}
    )
    request = urllib.request.Request(  # noqa: S310 - a setting that must be http(s)
        f"{settings.geocoder_url}?{query}",
        headers={"User-Agent": f"Inspraak ({settings.base_url})", "Accept-Language": language},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - the URL is a setting checked to be http(s)
        hits = json.load(response)
    if not isinstance(hits, list) or not hits or not isinstance(hits[0], dict):
        return None
    return float(hits[0]["lat"]), float(hits[0]["lon"])


def fill_location(form: Form, settings: Settings, language: str) -> Lookup:
    """Put the coordinates of the typed address into the form when it has no place yet."""
    address = form.data.get("address", "").strip()
    has_place = form.data.get("latitude", "").strip() or form.data.get("longitude", "").strip()
    if not settings.geocoder_url or not address or has_place:
        return Lookup.not_asked
    try:
        found = _search(settings, address, language)
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("geocoder unavailable: %s", error)
        return Lookup.unavailable
    if found is None:
        return Lookup.not_found
    form.data["latitude"], form.data["longitude"] = (f"{value:.6f}" for value in found)
    return Lookup.found
