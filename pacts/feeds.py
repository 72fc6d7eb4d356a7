"""Pacts as CSV: every public pact with the overview's filters, newest first.

Rows come from `pacts.queries.list_pacts`, the overview's own keyset pages, so drafts and
pacts that moderation took out of view are absent here exactly as from /pacts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from starlette.requests import Request
from starlette.responses import Response

from pacts import queries
from pacts.overview_views import parse_filter
from participation import auth
from participation.api import iso
from participation.database import Database
from participation.feeds import Cell, csv_response
from participation.web import settings_of

CSV_CHUNK = 1000  # pacts read per query while the file streams
CSV_HEADER = (
    "id",
    "title",
    "status",
    "category",
    "organisation",
    "created_at",
    "city_signed_at",
    "proposer_signed_at",
    "starts_on",
    "ends_on",
    "latitude",
    "longitude",
    "url",
)


def _rows(db: Database, flt: queries.PactFilter, base_url: str) -> Iterator[list[Cell]]:
    """A chunk per read transaction, so a long download holds no transaction open."""
    cursor = ""
    while True:
        with db.read() as session:
            page = queries.list_pacts(session, dataclasses.replace(flt, cursor=cursor), CSV_CHUNK)
        for pact in page.pacts:
            organisation = page.organisations.get(pact.organisation_id or 0)
            yield [
                pact.id,
                pact.title,
                pact.status,
                pact.category,
                organisation,
                iso(pact.created_at),
                iso(pact.city_signed_at),
                iso(pact.proposer_signed_at),
                pact.starts_on.isoformat() if pact.starts_on else None,
                pact.ends_on.isoformat() if pact.ends_on else None,
                pact.latitude,
                pact.longitude,
                f"{base_url}/pacts/{pact.id}",
            ]
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def pacts_csv(request: Request) -> Response:
    """The overview's filters (category, status) apply; its page cursor does not."""
    flt = dataclasses.replace(parse_filter(request), cursor="")
    rows = _rows(auth.database(request), flt, settings_of(request).base_url)
    return csv_response("pacts.csv", CSV_HEADER, rows)
