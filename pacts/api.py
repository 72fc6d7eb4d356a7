"""Pacts as open data: GeoJSON for maps (filters, bounding box, paging in `links`) and one
pact as JSON with its public timeline, resources and progress reports.

Drafts and pacts that moderation took out of view are absent (404), as from every list: a
machine reader must never mistake a placeholder for the pact's own text.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from pacts import queries
from pacts.models import Organisation, Pact, PactStep
from participation import auth
from participation.api import ApiError, absolute, iso, next_link, page_limit
from participation.markup import plain_text
from participation.paging import whole_number
from participation.profiles import public_names

GEOJSON = "application/geo+json"
EXCERPT = 160  # characters of a popup's short description
# Markdown's marks, for a short text without rendering: a link keeps its words.
_MARKS = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*`]+|^[#>\s]+", re.MULTILINE)


def _choice(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.query_params.get(name, "")
    if value and value not in allowed:
        raise ApiError(400, f"invalid_{name}", f"{name} must be one of {', '.join(allowed)}")
    return value or None


def _filter(request: Request) -> queries.PactFilter:
    cursor = request.query_params.get("cursor", "")
    if cursor and whole_number(cursor) is None:
        raise ApiError(400, "invalid_cursor", "cursor must be taken from a links.next URL")
    return queries.PactFilter(
        category=_choice(request, "category", queries.CATEGORIES),
        status=_choice(request, "status", queries.PUBLIC_STATUSES),
        cursor=cursor,
    )


def parse_bbox(raw: str) -> queries.BBox | None:
    """`minlon,minlat,maxlon,maxlat` in degrees, or None when absent."""
    if not raw:
        return None
    message = "bbox is min longitude,min latitude,max longitude,max latitude in degrees"
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except ValueError:
        raise ApiError(400, "invalid_bbox", message) from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ApiError(400, "invalid_bbox", message)
    return west, south, east, north


def _cached_json(request: Request, data: dict[str, Any], media_type: str) -> Response:
    """The JSON answer with a validator: a client that has this exact answer gets a 304."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Language"}
    if etag in (tag.strip() for tag in request.headers.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def short_text(markdown: str, limit: int = EXCERPT) -> str:
    """A one-line start of user Markdown for a map popup. The map reads thousands at once:
    rendering and sanitising each (participation.markup.plain_text) would cost more than the
    rest of the answer, and this is data that the map inserts as text, never as HTML."""
    line = " ".join(_MARKS.sub(lambda found: found.group(1) or "", markdown).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _feature(request: Request, point: queries.MapPoint) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": point.id,
        "geometry": {"type": "Point", "coordinates": [point.longitude, point.latitude]},
        "properties": {
            "title": point.title,
            "status": point.status,
            "category": point.category,
            "excerpt": short_text(point.description_start),
            "url": absolute(request, f"/pacts/{point.id}"),
        },
    }


def pacts_geojson(request: Request) -> Response:
    """Public pacts with a place, newest first, a page at a time (links.next)."""
    limit = page_limit(request)
    flt = _filter(request)
    box = parse_bbox(request.query_params.get("bbox", ""))
    with auth.database(request).read() as session:
        found = queries.map_points(session, flt, box, limit + 1)
    more = str(found[limit - 1].id) if len(found) > limit else None
    data = {
        "type": "FeatureCollection",
        "features": [_feature(request, point) for point in found[:limit]],
        "links": {"next": next_link(request, more)},
    }
    return _cached_json(request, data, GEOJSON)


def _timeline(steps: list[PactStep], names: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "kind": step.kind,
            "status": step.status,
            "time": iso(step.created_at),
            "automatic": step.automatic,
            "actor": names.get(step.actor_id) if step.actor_id else None,
            "reason": step.reason,
        }
        for step in steps
    ]


def _detail(request: Request, session: Session, pact: Pact) -> dict[str, Any]:
    assert pact.id is not None
    steps = queries.steps_of(session, pact.id)
    reports = queries.reports_of(session, pact.id)
    names = public_names(
        session,
        {
            i
            for i in [pact.author_id, *(s.actor_id for s in steps), *(r.author_id for r in reports)]
            if i
        },
    )
    organisation = session.get(Organisation, pact.organisation_id) if pact.organisation_id else None
    url = absolute(request, f"/pacts/{pact.id}")
    return {
        "id": pact.id,
        "title": pact.title,
        "description": pact.description,
        "category": pact.category,
        "status": pact.status,
        "location": (
            {"latitude": pact.latitude, "longitude": pact.longitude} if pact.has_location else None
        ),
        "starts_on": pact.starts_on.isoformat() if pact.starts_on else None,
        "ends_on": pact.ends_on.isoformat() if pact.ends_on else None,
        "commitments": pact.commitments,
        "proposer": names.get(pact.author_id) if pact.author_id else None,
        "organisation": (
            {"id": organisation.id, "name": organisation.name, "kind": organisation.kind}
            if organisation
            else None
        ),
        "department": pact.department or None,
        "consultation_opens_at": iso(pact.consultation_opens_at),
        "consultation_closes_at": iso(pact.consultation_closes_at),
        "city_signed_at": iso(pact.city_signed_at),
        "proposer_signed_at": iso(pact.proposer_signed_at),
        "comment_count": pact.comment_count,
        "created_at": iso(pact.created_at),
        "updated_at": iso(pact.updated_at),
        "url": url,
        "timeline": _timeline(steps, names),
        "resources": [
            {
                "kind": r.kind,
                "description": r.description,
                "budget_eur": r.budget_eur,
                "decision": r.decision,
                "city_note": r.city_note,
            }
            for r in queries.resources_of(session, pact.id)
        ],
        "progress_reports": [
            {
                "id": r.id,
                "by_city": r.by_city,
                "author": names.get(r.author_id) if r.author_id else None,
                "excerpt": plain_text(r.body),
                "hours": r.hours,
                "created_at": iso(r.created_at),
                "url": f"{url}#progress-{r.id}",
            }
            for r in reports
        ],
    }


def pact_json(request: Request) -> Response:
    with auth.database(request).read() as session:
        found = queries.public_pact(session, request.path_params["pact_id"])
        if found is None:
            raise ApiError(404, "not_found", "no pact with this id")
        return _cached_json(request, _detail(request, session, found), "application/json")
