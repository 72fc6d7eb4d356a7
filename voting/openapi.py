"""The OpenAPI description of voting/api.py, voting/oslo.py and voting/oparl.py, for
participation/openapi.py to gather. The JSON-LD and OParl documents follow their own
standards (OSLO besluit, OParl 1.1): they are described as objects and those standards say
the rest."""

from __future__ import annotations

from typing import Any

from participation.i18n import N_
from participation.openapi import (
    COUNT,
    ID,
    LIMIT,
    OBJECT,
    STRING,
    TALLY,
    TIME,
    URL,
    array,
    cursor,
    enum,
    get,
    id_query,
    nullable,
    page_of,
    path_id,
    query,
    ref,
    shape,
)
from voting.api import PUBLIC_STATUSES
from voting.models import (
    CHOICES,
    RECUSED,
    AdvisoryStatus,
    BallotStatus,
    ItemKind,
    Outcome,
    QuestionStatus,
    Secrecy,
)


def _values(kind: type[Any]) -> list[str]:
    return [member.value for member in kind]


_SUMMARY = {
    "id": ID,
    "title": STRING,
    "starts_at": TIME,
    "location": STRING,
    "status": enum(PUBLIC_STATUSES),
    "council": nullable(shape(id=ID, name=STRING)),
    "url": URL,
    "api_url": URL,
}

_COUNCIL_VOTE = shape(
    status=enum(_values(BallotStatus)),
    secrecy=enum(_values(Secrecy)),
    opens_at=nullable(TIME),
    closes_at=nullable(TIME),
    closed_at=nullable(TIME),
    tally={**nullable(TALLY), "description": "Once the ballot closed."},
    outcome=nullable(enum(_values(Outcome))),
    present=nullable(COUNT),
    in_office=nullable(COUNT),
    votes={
        **nullable(
            array(
                shape(
                    member=STRING,
                    political_group=nullable(STRING),
                    choice=enum([*CHOICES, RECUSED]),
                )
            )
        ),
        "description": "Each member's choice, once a named ballot closed.",
    },
    audit_head=nullable(STRING),
)

_ADVISORY_VOTE = shape(
    question=STRING,
    status=enum(_values(AdvisoryStatus)),
    opens_at=TIME,
    closes_at=TIME,
    tally={**nullable(TALLY), "description": "Once the public may see it."},
    audit_head=nullable(STRING),
)

_QUESTION = shape(
    id=ID,
    title=STRING,
    text=STRING,
    status=enum(_values(QuestionStatus)),
    asker={**nullable(STRING), "description": "Only if the resident agreed to be named."},
    answer=nullable(STRING),
    answered_at=nullable(TIME),
    answer_seconds=nullable(COUNT),
    url=URL,
)

SCHEMAS: dict[str, Any] = {
    "MeetingSummary": shape(**_SUMMARY),
    "Meeting": shape(
        **_SUMMARY,
        items=array(ref("AgendaItem")),
    ),
    "AgendaItem": shape(
        id=ID,
        number=COUNT,
        title=STRING,
        description=STRING,
        documents=array(shape(title=STRING, url=URL)),
        links=array(shape(subject=STRING, subject_id=ID, title=STRING, url=URL)),
        council_vote=nullable(_COUNCIL_VOTE),
        advisory_vote=nullable(_ADVISORY_VOTE),
        kind=enum(_values(ItemKind)),
        question=nullable(_QUESTION),
    ),
}

_MEETING_ID = path_id("meeting_id", "The meeting's id.")
_OPARL = "An OParl 1.1 object (https://oparl.org/spezifikation/)."
_OPARL_LIST = "An OParl 1.1 list: data and pagination links."


def _oparl(path: str, summary: str, name: str, what: str, *, many: bool = False) -> Any:
    parameters = [path_id(name, what)] if name else []
    if many:  # OParl lists page along the id: the cursor is the last id seen
        parameters += [LIMIT, cursor("^[0-9]{1,18}$")]
    schema = {**OBJECT, "description": _OPARL_LIST if many else _OPARL}
    errors = (400, 404, 429) if many else (404, 429)
    return path, get(summary, schema, parameters=parameters, errors=errors, tag="oparl")


PATHS: dict[str, Any] = {
    "/api/v1/meetings": get(
        N_("Published council meetings, the latest start first."),
        page_of(ref("MeetingSummary")),
        parameters=[
            LIMIT,
            cursor("^[0-9]{1,17}\\.[0-9]{1,9}$"),  # the last start (µs since 1970) and id
            id_query("council_id", "Only this council's meetings (its id)."),
            query("status", enum(PUBLIC_STATUSES), "Only meetings in this state."),
        ],
        tag="meetings",
    ),
    "/api/v1/meetings/{meeting_id}": get(
        N_("One published meeting: its public agenda with council and advisory results."),
        ref("Meeting"),
        parameters=[_MEETING_ID],
        errors=(404, 429),
        tag="meetings",
    ),
    "/api/v1/meetings/{meeting_id}.jsonld": get(
        N_("One published meeting as JSON-LD in the OSLO besluit vocabulary."),
        {**OBJECT, "description": "JSON-LD (https://data.vlaanderen.be/ns/besluit)."},
        parameters=[_MEETING_ID],
        media_type="application/ld+json",
        errors=(404, 429),
        tag="meetings",
    ),
    **dict(
        [
            _oparl("/api/v1/oparl", N_("The OParl system: where the bodies are."), "", ""),
            _oparl("/api/v1/oparl/bodies", N_("The bodies: one per council."), "", "", many=True),
            _oparl(
                "/api/v1/oparl/body/{council_id}",
                N_("A council as an OParl body."),
                "council_id",
                "The council's id.",
            ),
            _oparl(
                "/api/v1/oparl/body/{council_id}/meetings",
                N_("A body's meetings."),
                "council_id",
                "The council's id.",
                many=True,
            ),
            _oparl(
                "/api/v1/oparl/body/{council_id}/people",
                N_("A body's members."),
                "council_id",
                "The council's id.",
                many=True,
            ),
            _oparl(
                "/api/v1/oparl/body/{council_id}/organizations",
                N_("A body's organizations (the council, its groups)."),
                "council_id",
                "The council's id.",
                many=True,
            ),
            _oparl(
                "/api/v1/oparl/body/{council_id}/papers",
                N_("A body's papers."),
                "council_id",
                "The council's id.",
                many=True,
            ),
            _oparl(
                "/api/v1/oparl/meeting/{meeting_id}",
                N_("A meeting as OParl."),
                "meeting_id",
                "The meeting's id.",
            ),
            _oparl(
                "/api/v1/oparl/agendaitem/{item_id}",
                N_("An agenda item as OParl."),
                "item_id",
                "The agenda item's id.",
            ),
            _oparl(
                "/api/v1/oparl/person/{person_id}",
                N_("A council member as OParl."),
                "person_id",
                "The person's id.",
            ),
            _oparl(
                "/api/v1/oparl/organization/{organization_id}",
                N_("An organization (council or group) as OParl."),
                "organization_id",
                "The organization's id.",
            ),
            _oparl(
                "/api/v1/oparl/paper/{item_id}",
                N_("An agenda item's paper as OParl."),
                "item_id",
                "The agenda item's id.",
            ),
        ]
    ),
}
