"""The OpenAPI description of ideas/api.py, for participation/openapi.py to gather."""

from __future__ import annotations

from typing import Any

from ideas.models import STATUS_VALUES
from ideas.queries import SEARCH_SORT_WINDOW
from participation.i18n import N_
from participation.openapi import (
    BBOX,
    BOOLEAN,
    COUNT,
    GEOJSON,
    ID,
    LIMIT,
    LOCATION,
    NUMBER_CURSOR,
    STRING,
    TIME,
    URL,
    array,
    cursor,
    enum,
    feature_collection,
    get,
    id_query,
    nullable,
    page_of,
    path_id,
    point_feature,
    query,
    ref,
    shape,
)

_SUMMARY = {
    "id": ID,
    "title": STRING,
    "excerpt": STRING,
    "status": enum(STATUS_VALUES),
    "withdrawn": BOOLEAN,
    "category": nullable(shape(id=ID, slug=STRING)),
    "location": nullable(LOCATION),
    "support_count": COUNT,
    "comment_count": COUNT,
    "author": nullable(STRING),
    "created_at": TIME,
    "updated_at": TIME,
    "url": URL,
}

SCHEMAS: dict[str, Any] = {
    "IdeaSummary": shape(**_SUMMARY),
    "Idea": shape(
        **_SUMMARY,
        body={**STRING, "description": "Markdown, as the author wrote it."},
        photos=array(shape(url=URL, width=COUNT, height=COUNT)),
        timeline=array(
            shape(
                status=enum(STATUS_VALUES),
                body=STRING,
                automatic=BOOLEAN,
                official=BOOLEAN,
                created_at=TIME,
            )
        ),
    ),
    "IdeaFeature": point_feature(
        shape(title=STRING, status=enum(STATUS_VALUES), support_count=COUNT, url=URL)
    ),
}

_FILTERS = [
    query("q", STRING, "Words to search for in the title and text."),
    id_query("category", "Only ideas in this category (its id)."),
    query("status", enum(STATUS_VALUES), "Only ideas with this status."),
    query(
        "sort",
        {**enum(["new", "supported", "discussed"]), "default": "new"},
        "Newest first, most supported first, or most discussed first. With `q`, an order "
        f"other than the newest sorts the {SEARCH_SORT_WINDOW:,} newest matches.",
    ),
]

PATHS: dict[str, Any] = {
    "/api/v1/ideas": get(
        N_("Public ideas, a page at a time."),
        page_of(ref("IdeaSummary")),
        # By the newest, the last id; by a count, the last count and id.
        parameters=[LIMIT, cursor("^[0-9]{1,9}(\\.[0-9]{1,9})?$"), *_FILTERS],
        tag="ideas",
    ),
    "/api/v1/ideas.geojson": get(
        N_("Public ideas with a place, newest first, as GeoJSON."),
        feature_collection(ref("IdeaFeature")),
        parameters=[LIMIT, NUMBER_CURSOR, BBOX],
        media_type=GEOJSON,
        tag="ideas",
    ),
    "/api/v1/ideas/{idea_id}": get(
        N_("One public idea with its photos and the city's answers."),
        ref("Idea"),
        parameters=[path_id("idea_id", "The idea's id.")],
        errors=(404, 429),
        tag="ideas",
    ),
}
