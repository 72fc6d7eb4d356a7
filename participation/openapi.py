"""The one OpenAPI description of /api/v1/, gathered from each feature, and the /api page.

The shell never imports a feature: each contributes the paths of its own views and their
schemas from its `<package>/openapi.py` (`PATHS`, `SCHEMAS`), found by name. What every part
shares (paging parameters, the error answer, small schema builders) lives here, so that each
feature describes only what its views return.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from participation.features import feature_modules
from participation.i18n import N_, gettext
from participation.paging import MAX_ID
from participation.templating import render

Schema = dict[str, Any]

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
GEOJSON = "application/geo+json"

# JSON Schema pieces, as OpenAPI 3.1 takes them (2020-12: a null is a type of its own).
STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
COUNT: Schema = {"type": "integer", "minimum": 0}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
TIME: Schema = {"type": "string", "format": "date-time"}
URL: Schema = {"type": "string", "format": "uri"}
ID: Schema = {"type": "integer", "minimum": 1}
OBJECT: Schema = {"type": "object"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def enum(values: tuple[str, ...] | list[str]) -> Schema:
    return {"type": "string", "enum": list(values)}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def shape(**properties: Schema) -> Schema:
    """An object with exactly these fields, each always present (perhaps null)."""
    return {"type": "object", "required": list(properties), "properties": properties}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


NEXT = nullable(URL)
TALLY = shape(yes=COUNT, no=COUNT, abstain=COUNT)
LOCATION = shape(
    latitude={"type": "number", "minimum": -90, "maximum": 90},
    longitude={"type": "number", "minimum": -180, "maximum": 180},
)


def page_of(item: Schema) -> Schema:
    """A JSON list: `{"items": [...], "next": url-or-null}`."""
    return shape(items=array(item), next=NEXT)


def point_feature(properties: Schema) -> Schema:
    return shape(
        type=enum(["Feature"]),
        id=ID,
        geometry=shape(
            type=enum(["Point"]),
            coordinates={"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2},
        ),
        properties=properties,
    )


def feature_collection(feature: Schema) -> Schema:
    """A GeoJSON list: a FeatureCollection, its paging in `links`."""
    return shape(type=enum(["FeatureCollection"]), features=array(feature), links=shape(next=NEXT))


# Parameters by reference: each view that takes them reads them the same way.
LIMIT: Schema = {"$ref": "#/components/parameters/limit"}
BBOX: Schema = {"$ref": "#/components/parameters/bbox"}


def query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def cursor(pattern: str) -> Schema:
    """The paging cursor: opaque to clients, who take it from a next link. The pattern says
    what a view's cursors look like."""
    schema = {"type": "string", "pattern": pattern}
    return query("cursor", schema, "Where the next page starts: take it from a next link.")


NUMBER_CURSOR = cursor("^[0-9]{1,9}$")  # the id of the last one of the page before


def path_id(name: str, description: str) -> Schema:
    schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
    }


def id_query(name: str, description: str) -> Schema:
    return query(name, {"type": "integer", "minimum": 0, "maximum": MAX_ID}, description)


def get(
    summary: str,
    schema: Schema,
    *,
    parameters: list[Schema] | None = None,
    media_type: str = "application/json",
    errors: tuple[int, ...] = (400, 429),
    tag: str,
) -> dict[str, Any]:
    """One GET operation: its 200 answer, the 304 of a current copy, and its errors."""
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {media_type: {"schema": schema}}},
        "304": {"$ref": "#/components/responses/NotModified"},
    }
    for status in errors:
        responses[str(status)] = {"$ref": f"#/components/responses/{_ERRORS[status][0]}"}
    return {
        "get": {
            "summary": summary,
            "tags": [tag],
            "parameters": parameters or [],
            "responses": responses,
        }
    }


_ERRORS = {
    400: ("BadRequest", "A parameter is out of range or unreadable."),
    404: ("NotFound", "No public resource with this id."),
    429: ("TooManyRequests", "Too many requests from this address; see Retry-After."),
}

ERROR = shape(error=shape(code=STRING, message=STRING))

_PARAMETERS = {
    "limit": query(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        "How many to answer at most.",
    ),
    "bbox": query(
        "bbox",
        STRING,
        "Only what lies in this box: min longitude,min latitude,max longitude,max latitude"
        " (degrees, WGS84), e.g. 3.6,51.0,3.8,51.1.",
    ),
}


def _responses() -> dict[str, Any]:
    json_error = {"application/json": {"schema": ref("Error")}}
    responses: dict[str, Any] = {
        name: {"description": text, "content": json_error} for name, text in _ERRORS.values()
    }
    responses["TooManyRequests"]["headers"] = {
        "Retry-After": {"description": "Seconds to wait.", "schema": COUNT}
    }
    responses["NotModified"] = {"description": "The copy named in If-None-Match is current."}
    return responses


def _own_paths() -> dict[str, Any]:
    return {
        "/api/v1/openapi.json": get(
            N_("This description (OpenAPI 3.1)."), OBJECT, errors=(429,), tag="api"
        )
    }


def description(base_url: str) -> dict[str, Any]:
    """The whole OpenAPI document: the shell's parts and every feature's."""
    paths = _own_paths()
    schemas: dict[str, Any] = {"Error": ERROR}
    for module in feature_modules("openapi"):
        paths.update(module.PATHS)
        schemas.update(module.SCHEMAS)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Inspraak open data",
            "version": API_VERSION,
            "description": (
                "Ideas, collaboration pacts, problem reports and council meetings as open data."
                " Lists take limit (1-100) and cursor and answer"
                ' {"items": [...], "next": url-or-null}; GeoJSON lists answer a'
                " FeatureCollection with the same paging in links. Times are ISO 8601 with an"
                ' offset. Errors answer {"error": {"code", "message"}}. Every answer carries'
                " an ETag (send it back in If-None-Match for a 304) and may be read from any"
                " origin (CORS)."
            ),
        },
        "servers": [{"url": base_url}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "parameters": _PARAMETERS,
            "responses": _responses(),
        },
    }


def openapi_json(request: Request) -> Response:
    return JSONResponse(description(request.app.state.settings.base_url))


# The feeds and exports, for the /api page: each is a standard format a tool reads as is.
FEEDS = (
    ("/ideas.atom", N_("new ideas (Atom)")),
    ("/ideas/answers.atom", N_("the city's answers to ideas (Atom)")),
    ("/decisions.atom", N_("the council's decisions (Atom)")),
    ("/meetings.ics", N_("council meetings, for a calendar (iCalendar)")),
    ("/councils/1/meetings.ics", N_("the meetings of one council (iCalendar)")),
    ("/ideas.csv", N_("ideas, for a spreadsheet (CSV)")),
    ("/pacts.csv", N_("collaboration pacts, for a spreadsheet (CSV)")),
    ("/decisions.csv", N_("votes and decisions, for a spreadsheet (CSV)")),
    ("/api/v1/ideas.geojson", N_("ideas with a place, for a map (GeoJSON)")),
    ("/api/v1/meetings/1.jsonld", N_("a meeting in the OSLO besluit vocabulary (JSON-LD)")),
    ("/api/v1/oparl", N_("council information for OParl clients (OParl 1.1)")),
)
_PATH_PARAMETER = re.compile(r"\{[a-z_]+\}")


def api_page(request: Request) -> Response:
    settings = request.app.state.settings
    paths = description(settings.base_url)["paths"]
    endpoints = [
        {"example": _PATH_PARAMETER.sub("1", path), "summary": gettext(operation["get"]["summary"])}
        for path, operation in paths.items()
    ]
    feeds = [{"path": path, "text": gettext(text)} for path, text in FEEDS]
    values = {
        "endpoints": endpoints,
        "feeds": feeds,
        "base_url": settings.base_url,
        "rate_limit": settings.api_rate_limit,
    }
    return render(request, "participation/api.html", values)
