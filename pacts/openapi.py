"""The OpenAPI description of pacts/api.py, for participation/openapi.py to gather."""

from __future__ import annotations

from typing import Any

from pacts.models import OrganisationKind, ResourceDecision, ResourceKind
from pacts.queries import CATEGORIES, PUBLIC_STATUSES
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
    enum,
    feature_collection,
    get,
    nullable,
    path_id,
    point_feature,
    query,
    ref,
    shape,
)

DATE: dict[str, Any] = {"type": "string", "format": "date"}


def _values(kind: type[Any]) -> list[str]:
    return [member.value for member in kind]


SCHEMAS: dict[str, Any] = {
    "PactFeature": point_feature(
        shape(
            title=STRING,
            status=enum(PUBLIC_STATUSES),
            category=enum(CATEGORIES),
            excerpt=STRING,
            url=URL,
        )
    ),
    "Pact": shape(
        id=ID,
        title=STRING,
        description={**STRING, "description": "Markdown, as the proposers wrote it."},
        category=enum(CATEGORIES),
        status=enum(PUBLIC_STATUSES),
        location=nullable(LOCATION),
        starts_on=nullable(DATE),
        ends_on=nullable(DATE),
        commitments=STRING,
        proposer=nullable(STRING),
        organisation=nullable(shape(id=ID, name=STRING, kind=enum(_values(OrganisationKind)))),
        department=nullable(STRING),
        consultation_opens_at=nullable(TIME),
        consultation_closes_at=nullable(TIME),
        city_signed_at=nullable(TIME),
        proposer_signed_at=nullable(TIME),
        comment_count=COUNT,
        created_at=TIME,
        updated_at=TIME,
        url=URL,
        timeline=array(
            shape(
                kind=STRING,
                status=STRING,
                time=TIME,
                automatic=BOOLEAN,
                actor=nullable(STRING),
                reason=STRING,
            )
        ),
        resources=array(
            shape(
                kind=enum(_values(ResourceKind)),
                description=STRING,
                budget_eur=nullable(COUNT),
                decision=enum(_values(ResourceDecision)),
                city_note=STRING,
            )
        ),
        progress_reports=array(
            shape(
                id=ID,
                by_city=BOOLEAN,
                author=nullable(STRING),
                excerpt=STRING,
                hours=nullable(COUNT),
                created_at=TIME,
                url=URL,
            )
        ),
    ),
}

PATHS: dict[str, Any] = {
    "/api/v1/pacts": get(
        N_("Public collaboration pacts with a place, newest first, as GeoJSON."),
        feature_collection(ref("PactFeature")),
        parameters=[
            LIMIT,
            NUMBER_CURSOR,
            BBOX,
            query("category", enum(CATEGORIES), "Only pacts of this kind."),
            query("status", enum(PUBLIC_STATUSES), "Only pacts in this state."),
        ],
        media_type=GEOJSON,
        tag="pacts",
    ),
    "/api/v1/pacts/{pact_id}": get(
        N_("One public pact with its timeline, resources and progress reports."),
        ref("Pact"),
        parameters=[path_id("pact_id", "The pact's id.")],
        errors=(404, 429),
        tag="pacts",
    ),
}
