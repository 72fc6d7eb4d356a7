"""The public overview of pacts: the list with filters, the map (with the same list below it,
for visitors without JavaScript), the statistics, and the address of a progress report.

Filters come from the query string; a value that is not a known category or public status
is ignored, as a stale bookmark should still show a page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from pacts import queries
from pacts.models import ProgressReport, category_label, status_label
from participation import auth
from participation.templating import render
from participation.web import see_other, settings_of

# The map's colours group the statuses into stages; each stage also has its own symbol and
# name, so colour is never the only cue (static/css/pacts-overview.css, static/js/pact-map.js).
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("proposal", ("submitted", "in_assessment", "changes_requested")),
    ("consultation", ("consultation", "awaiting_signatures")),
    ("active", ("active",)),
    ("completed", ("completed",)),
    ("closed", ("rejected", "ended")),
)
STAGE_OF = {status: stage for stage, statuses in STAGES for status in statuses}
STAGE_SYMBOLS = {
    "proposal": "?",
    "consultation": "!",
    "active": "\u25b6",
    "completed": "\u2713",
    "closed": "\u00d7",
}


def parse_filter(request: Request) -> queries.PactFilter:
    params = request.query_params
    category = params.get("category", "")
    status = params.get("status", "")
    cursor = params.get("cursor", "")
    return queries.PactFilter(
        category=category if category in queries.CATEGORIES else None,
        status=status if status in queries.PUBLIC_STATUSES else None,
        cursor=cursor if cursor.isdigit() else "",
    )


def _query(flt: queries.PactFilter, **extra: str) -> str:
    """The filters as a query string (with `extra`), empty values left out."""
    values = {"category": flt.category or "", "status": flt.status or "", **extra}
    kept = {key: value for key, value in values.items() if value}
    return f"?{urlencode(kept)}" if kept else ""


def _values(flt: queries.PactFilter, page: queries.PactPage, path: str) -> dict[str, Any]:
    return {
        "filter": flt,
        "page": page,
        "category_options": [(c, category_label(c)) for c in queries.CATEGORIES],
        "status_options": [(s, status_label(s)) for s in queries.PUBLIC_STATUSES],
        "status_label": status_label,
        "category_label": category_label,
        "stage_of": STAGE_OF,
        "stage_symbols": STAGE_SYMBOLS,
        "filters_query": _query(flt),
        "next_url": (f"{path}{_query(flt, cursor=page.next_cursor)}" if page.next_cursor else None),
    }


def pacts_list(request: Request) -> Response:
    flt = parse_filter(request)
    with auth.database(request).read() as session:
        page = queries.list_pacts(session, flt)
    return render(request, "pacts/list.html", _values(flt, page, "/pacts"))


def pacts_map(request: Request) -> Response:
    flt = parse_filter(request)
    with auth.database(request).read() as session:
        page = queries.list_pacts(session, flt)
    settings = settings_of(request)
    source = f"/api/v1/pacts{_query(queries.PactFilter(flt.category, flt.status), limit='100')}"
    values = {
        **_values(flt, page, "/pacts/map"),
        "stages": STAGES,
        "map_center": settings.map_center,
        "map_tile_url": settings.map_tile_url,
        "map_source": source,
    }
    return render(request, "pacts/map.html", values)


def statistics(request: Request) -> Response:
    with auth.database(request).read() as session:
        found = queries.statistics(session)
    values = {
        "stats": found,
        "statuses": queries.PUBLIC_STATUSES,
        "categories": queries.CATEGORIES,
        "status_label": status_label,
        "category_label": category_label,
    }
    return render(request, "pacts/statistics.html", values)


def progress_report(request: Request) -> Response:
    """A progress report's own address (the content registry links by id): on to its place
    on the pact's page."""
    with auth.database(request).read() as session:
        found = session.get(ProgressReport, request.path_params["report_id"])
        pact_id = found.pact_id if found is not None else None
    if pact_id is None:
        raise HTTPException(404)
    return see_other(f"/pacts/{pact_id}#progress-{request.path_params['report_id']}")
