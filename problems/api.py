"""Problem reports as open data: GeoJSON for maps (filters, bounding box, paging in `links`).

Personal data never leaves here: no reporter, no contact preference, no address typed by the
reporter, and only photos a clerk has checked (or the department's photos of the fix). A
report that moderation hid keeps its point, with its description left out.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from participation import auth
from participation.api import ApiError, absolute, iso, next_link, page_limit
from participation.i18n import current_language
from participation.paging import whole_number
from participation.visibility import Visibility
from problems import queries
from problems.models import STATUS_VALUES, ProblemCategory, ProblemPhoto, ProblemReport

GEOJSON = "application/geo+json"
BBOX_MESSAGE = "bbox is min longitude,min latitude,max longitude,max latitude in degrees"


def _filter(request: Request) -> tuple[queries.ReportFilter, int | None]:
    params = request.query_params
    category = params.get("category", "")
    status = params.get("status", "")
    cursor = params.get("cursor", "")
    category_id, before = whole_number(category), whole_number(cursor)
    if category and category_id is None:
        raise ApiError(400, "invalid_category", "category must be a category id")
    if status and status not in STATUS_VALUES:
        raise ApiError(400, "invalid_status", f"status must be one of {', '.join(STATUS_VALUES)}")
    if cursor and before is None:
        raise ApiError(400, "invalid_cursor", "cursor must be taken from a links.next URL")
    flt = queries.ReportFilter(
        category_id=category_id,
        status=status or None,
        neighbourhood=params.get("neighbourhood") or None,
        sort="new",
    )
    return flt, before


def _bbox(raw: str) -> queries.BBox | None:
    if not raw:
        return None
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except ValueError:
        raise ApiError(400, "invalid_bbox", BBOX_MESSAGE) from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ApiError(400, "invalid_bbox", BBOX_MESSAGE)
    return west, south, east, north


def _photo(request: Request, photo: ProblemPhoto) -> dict[str, Any]:
    return {
        "kind": photo.kind,
        "url": absolute(request, f"/uploads/{photo.name}"),
        "thumbnail_url": absolute(request, f"/uploads/{photo.thumb_name}"),
        "width": photo.width,
        "height": photo.height,
    }


def _feature(
    request: Request,
    report: ProblemReport,
    categories: dict[int, ProblemCategory],
    photos: list[ProblemPhoto],
    language: str,
) -> dict[str, Any]:
    category = categories.get(report.category_id)
    return {
        "type": "Feature",
        "id": report.id,
        "geometry": {"type": "Point", "coordinates": [report.longitude, report.latitude]},
        "properties": {
            "id": report.id,
            "category": (
                {"id": category.id, "slug": category.slug, "name": category.name(language)}
                if category
                else None
            ),
            "status": report.status,
            "created_at": iso(report.created_at),
            "due_at": iso(report.due_at),
            "fixed_at": iso(report.fixed_at),
            "overdue": queries.is_overdue(report),
            "me_too_count": report.me_too_count,
            "description": (report.description if report.visibility == Visibility.public else None),
            "url": absolute(request, f"/problems/{report.id}"),
            "photos": [_photo(request, photo) for photo in photos],
        },
    }


def reports(request: Request) -> JSONResponse:
    """Reports newest first, a page at a time (links.next); `bbox` limits them to a box."""
    limit = page_limit(request)
    flt, before = _filter(request)
    box = _bbox(request.query_params.get("bbox", ""))
    with auth.database(request).read() as session:
        found = queries.map_points(session, flt, box, limit + 1, before)
        shown = found[:limit]
        photos = queries.public_photos(session, [r.id for r in shown if r.id is not None])
        categories = queries.categories_by_id(session)
    language = current_language()
    more = str(found[limit - 1].id) if len(found) > limit else None
    return JSONResponse(
        {
            "type": "FeatureCollection",
            "features": [
                _feature(request, r, categories, photos.get(r.id or 0, []), language) for r in shown
            ],
            "links": {"next": next_link(request, more)},
        },
        media_type=GEOJSON,
    )
