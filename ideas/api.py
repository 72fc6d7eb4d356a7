"""Ideas as open data: JSON lists and details, and GeoJSON for maps."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse

from ideas import queries
from ideas.models import STATUS_VALUES, Idea, IdeaCategory
from participation import auth
from participation.api import ApiError, absolute, iso, next_link, page_limit
from participation.markup import plain_text
from participation.paging import whole_number
from participation.profiles import public_names
from participation.visibility import Visibility


def _filter(request: Request) -> queries.IdeaFilter:
    params = request.query_params
    category = params.get("category", "")
    status = params.get("status", "")
    sort = params.get("sort", "new")
    category_id = whole_number(category)
    if category and category_id is None:
        raise ApiError(400, "invalid_category", "category must be a category id")
    if status and status not in STATUS_VALUES:
        raise ApiError(400, "invalid_status", f"status must be one of {', '.join(STATUS_VALUES)}")
    if sort not in queries.SORTS or sort == "random":
        raise ApiError(400, "invalid_sort", "sort must be new, supported or discussed")
    return queries.IdeaFilter(
        query=params.get("q", "")[:200],
        category_id=category_id,
        status=status or None,
        sort=sort,
        cursor=params.get("cursor", "")[:60],
    )


def _summary(
    request: Request, idea: Idea, authors: dict[int, str], categories: dict[int, IdeaCategory]
) -> dict[str, Any]:
    category = categories.get(idea.category_id) if idea.category_id else None
    return {
        "id": idea.id,
        "title": idea.title,
        "excerpt": plain_text(idea.body),
        "status": idea.status,
        "withdrawn": idea.is_withdrawn,
        "category": {"id": category.id, "slug": category.slug} if category else None,
        "location": (
            {"latitude": idea.latitude, "longitude": idea.longitude} if idea.has_location else None
        ),
        "support_count": idea.support_count,
        "comment_count": idea.comment_count,
        "author": authors.get(idea.author_id) if idea.author_id else None,
        "created_at": iso(idea.created_at),
        "updated_at": iso(idea.updated_at),
        "url": absolute(request, f"/ideas/{idea.id}"),
    }


def ideas(request: Request) -> JSONResponse:
    limit = page_limit(request)
    with auth.database(request).read() as session:
        page = queries.list_ideas(session, _filter(request), limit)
    items = [_summary(request, i, page.authors, page.categories) for i in page.ideas]
    return JSONResponse({"items": items, "next": next_link(request, page.next_cursor)})


def _detail(request: Request, session: Session, idea: Idea) -> dict[str, Any]:
    assert idea.id is not None
    category = session.get(IdeaCategory, idea.category_id) if idea.category_id else None
    timeline = queries.timeline_of(session, idea.id)
    authors = public_names(
        session, {i for i in [idea.author_id, *(a.author_id for a in timeline)] if i}
    )
    found = {category.id: category} if category and category.id else {}
    data = _summary(request, idea, authors, found)
    data["body"] = idea.body
    data["photos"] = [
        {"url": absolute(request, f"/uploads/{p.name}"), "width": p.width, "height": p.height}
        for p in queries.photos_of(session, idea.id)
    ]
    data["timeline"] = [
        {
            "status": answer.status,
            "body": answer.body,
            "automatic": answer.automatic,
            "official": not answer.automatic,
            "created_at": iso(answer.created_at),
        }
        for answer in timeline
    ]
    return data


def idea(request: Request) -> JSONResponse:
    with auth.database(request).read() as session:
        found = session.get(Idea, request.path_params["idea_id"])
        # Hidden or held ideas are absent from open data, as from every list: no placeholder
        # here, because a machine reader could not tell it from the idea's own text.
        if found is None or found.visibility != Visibility.public:
            raise ApiError(404, "not_found", "no idea with this id")
        return JSONResponse(_detail(request, session, found))


def _bbox(raw: str) -> tuple[float, float, float, float] | None:
    if not raw:
        return None
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except ValueError:
        raise ApiError(400, "invalid_bbox", "bbox is min lng,min lat,max lng,max lat") from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ApiError(400, "invalid_bbox", "bbox is min lng,min lat,max lng,max lat")
    return west, south, east, north


def ideas_geojson(request: Request) -> JSONResponse:
    """Ideas with a place, newest first, paged like the lists (links.next)."""
    limit = page_limit(request)
    box = _bbox(request.query_params.get("bbox", ""))
    cursor = request.query_params.get("cursor", "")
    before = whole_number(cursor)
    with auth.database(request).read() as session:
        found = queries.in_box(session, box, limit + 1, before)
    features = [
        {
            "type": "Feature",
            "id": i.id,
            "geometry": {"type": "Point", "coordinates": [i.longitude, i.latitude]},
            "properties": {
                "title": i.title,
                "status": i.status,
                "support_count": i.support_count,
                "url": absolute(request, f"/ideas/{i.id}"),
            },
        }
        for i in found[:limit]
    ]
    more = str(found[limit - 1].id) if len(found) > limit else None
    return JSONResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "links": {"next": next_link(request, more)},
        },
        media_type="application/geo+json",
    )
