"""The OpenAPI description of problems/api.py, for participation/openapi.py to gather."""

from __future__ import annotations

from typing import Any

from participation.i18n import N_
from participation.openapi import (
    BBOX,
    BOOLEAN,
    COUNT,
    GEOJSON,
    ID,
    LIMIT,
    NUMBER_CURSOR,
    STRING,
    TIME,
    URL,
    array,
    enum,
    feature_collection,
    get,
    id_query,
    nullable,
    point_feature,
    query,
    ref,
    shape,
)
from problems.models import STATUS_VALUES, PhotoKind

SCHEMAS: dict[str, Any] = {
    "ProblemFeature": point_feature(
        shape(
            id=ID,
            category=nullable(shape(id=ID, slug=STRING, name=STRING)),
            status=enum(STATUS_VALUES),
            created_at=TIME,
            due_at=TIME,
            fixed_at=nullable(TIME),
            overdue=BOOLEAN,
            me_too_count=COUNT,
            description={
                **nullable(STRING),
                "description": "Null when moderation took the text out of view.",
            },
            url=URL,
            photos=array(
                shape(
                    kind=enum([kind.value for kind in PhotoKind]),
                    url=URL,
                    thumbnail_url=URL,
                    width=COUNT,
                    height=COUNT,
                )
            ),
        )
    ),
}

PATHS: dict[str, Any] = {
    "/api/v1/reports": get(
        N_("Problem reports in public space, newest first, as GeoJSON (no personal data)."),
        feature_collection(ref("ProblemFeature")),
        parameters=[
            LIMIT,
            NUMBER_CURSOR,
            BBOX,
            id_query("category", "Only reports in this category (its id)."),
            query("status", enum(STATUS_VALUES), "Only reports with this status."),
            query("neighbourhood", STRING, "Only reports in this neighbourhood (its name)."),
        ],
        media_type=GEOJSON,
        tag="reports",
    ),
}
