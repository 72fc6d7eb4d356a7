"""A meeting as JSON-LD in the OSLO besluit vocabulary of Flemish local decisions.

The document is a flat `@graph` of nodes with the context inline (no remote context), so a
processor needs no network. The terms are those of the OSLO application profile "Besluit
publicatie" and of the mandatendatabank (besluit, mandaat, person, eli, prov, dct); what OSLO
has no term for (the residents' advisory vote) lives under our own namespace, `{base}/ns#`.

IRIs are stable and built from the base URL: a node of a meeting or an item is a fragment of
its public page (`/meetings/{id}#zitting`, `/items/{id}#stemming`); a mandate is a fragment of
its council's page. A person is named per mandate (`#persoon-{mandate id}`): the public record
needs the name that sat, never an account.

Only what the public may see: published meetings, items outside closed session, named voters
only in a named ballot once it is closed, advisory tallies only once they are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import JSONResponse

from participation import auth
from participation.api import ApiError, iso
from participation.settings import Settings
from voting import advisory
from voting.actions import item_url, mandate_of, meeting_url
from voting.item_ballots import advisory_ballots_of, council_ballots_of
from voting.models import (
    CHOICES,
    AdvisoryBallot,
    AgendaItem,
    Attendance,
    BallotStatus,
    Council,
    CouncilBallot,
    CouncilVote,
    Mandate,
    Meeting,
    Outcome,
    Secrecy,
)

MEDIA_TYPE = "application/ld+json"
# The "gepland" concept of the codelist of agenda item types: an item put on the agenda
# before the meeting, as every item here is.
PLANNED_ITEM = "http://lblod.data.gift/concepts/bdf68a65-ce15-42c8-ae1b-19eeb39e20d0"
NAMESPACES = {
    "besluit": "http://data.vlaanderen.be/ns/besluit#",
    "mandaat": "http://data.vlaanderen.be/ns/mandaat#",
    "persoon": "http://data.vlaanderen.be/ns/persoon#",
    "generiek": "http://data.vlaanderen.be/ns/generiek#",
    "person": "http://www.w3.org/ns/person#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "regorg": "http://www.w3.org/ns/regorg#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "http://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_REF = "@id"
# The short names used in the document: each maps to the OSLO term it stands for, with the
# datatype of its value or `@id` where the value is a link to another node.
_TERMS: dict[str, str | dict[str, str]] = {
    "Zitting": "besluit:Zitting",
    "Bestuursorgaan": "besluit:Bestuursorgaan",
    "Agendapunt": "besluit:Agendapunt",
    "BehandelingVanAgendapunt": "besluit:BehandelingVanAgendapunt",
    "Stemming": "besluit:Stemming",
    "Besluit": "besluit:Besluit",
    "Mandataris": "mandaat:Mandataris",
    "Persoon": "person:Person",
    "Lidmaatschap": "org:Membership",
    "Fractie": "mandaat:Fractie",
    "geplandeStart": {"@id": "besluit:geplandeStart", "@type": "xsd:dateTime"},
    "gestart": {"@id": "prov:startedAtTime", "@type": "xsd:dateTime"},
    "geeindigd": {"@id": "prov:endedAtTime", "@type": "xsd:dateTime"},
    "opLocatie": "prov:atLocation",
    "isGehoudenDoor": {"@id": "besluit:isGehoudenDoor", "@type": _REF},
    "behandelt": {"@id": "besluit:behandelt", "@type": _REF},
    "heeftVoorzitter": {"@id": "besluit:heeftVoorzitter", "@type": _REF},
    "naam": "skos:prefLabel",
    "titel": "dct:title",
    "omschrijving": "dct:description",
    "geplandOpenbaar": "besluit:geplandOpenbaar",
    "aangebrachtNa": {"@id": "besluit:aangebrachtNa", "@type": _REF},
    "agendapuntType": {"@id": "besluit:Agendapunt.type", "@type": _REF},
    "positie": "schema:position",
    "onderwerp": {"@id": "dct:subject", "@type": _REF},
    "openbaar": "besluit:openbaar",
    "heeftStemming": {"@id": "besluit:heeftStemming", "@type": _REF},
    "heeftAanwezige": {"@id": "besluit:heeftAanwezige", "@type": _REF},
    "genereert": {"@id": "prov:generated", "@type": _REF},
    "stemmingOnderwerp": "besluit:onderwerp",
    "aantalVoorstanders": "besluit:aantalVoorstanders",
    "aantalTegenstanders": "besluit:aantalTegenstanders",
    "aantalOnthouders": "besluit:aantalOnthouders",
    "geheim": "besluit:geheim",
    "gevolg": "besluit:gevolg",
    "heeftStemmer": {"@id": "besluit:heeftStemmer", "@type": _REF},
    "heeftVoorstander": {"@id": "besluit:heeftVoorstander", "@type": _REF},
    "heeftTegenstander": {"@id": "besluit:heeftTegenstander", "@type": _REF},
    "heeftOnthouder": {"@id": "besluit:heeftOnthouder", "@type": _REF},
    "besluitTitel": "eli:title",
    "besluitOmschrijving": "eli:description",
    "publicatiedatum": {"@id": "eli:date_publication", "@type": "xsd:date"},
    "isBestuurlijkeAliasVan": {"@id": "mandaat:isBestuurlijkeAliasVan", "@type": _REF},
    "mandaatStart": {"@id": "mandaat:start", "@type": "xsd:date"},
    "mandaatEinde": {"@id": "mandaat:einde", "@type": "xsd:date"},
    "heeftLidmaatschap": "mandaat:heeftLidmaatschap",
    "binnenFractie": "org:organisation",
    "fractieNaam": "regorg:legalName",
    # The mandatendatabank splits a name into given and family name; a mandate here keeps
    # the name as the member gave it, so it is the person's foaf:name.
    "persoonNaam": "foaf:name",
}
_CHOICE_TERMS = {"yes": "heeftVoorstander", "no": "heeftTegenstander", "abstain": "heeftOnthouder"}
# besluit:gevolg is a language-tagged text; the outcome in the languages of the platform.
_OUTCOMES = {
    Outcome.approved: {"nl": "goedgekeurd", "fr": "approuvé", "en": "approved"},
    Outcome.rejected: {"nl": "afgekeurd", "fr": "rejeté", "en": "rejected"},
}


def context(base_url: str) -> dict[str, Any]:
    """The inline `@context`: the OSLO namespaces and terms, and ours for the advisory vote."""
    return {"inspraak": f"{base_url}/ns#", **NAMESPACES, **_TERMS}


class _Iris:
    """The stable IRI of every node of the document."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url

    def zitting(self, meeting_id: int) -> str:
        return f"{self.base}{meeting_url(meeting_id)}#zitting"

    def bestuursorgaan(self, council_id: int) -> str:
        return f"{self.base}/councils/{council_id}#bestuursorgaan"

    def item(self, item_id: int, part: str) -> str:
        return f"{self.base}{item_url(item_id)}#{part}"

    def mandataris(self, mandate: Mandate) -> str:
        return f"{self.base}/councils/{mandate.council_id}#mandataris-{mandate.id}"

    def persoon(self, mandate: Mandate) -> str:
        return f"{self.base}/councils/{mandate.council_id}#persoon-{mandate.id}"


def _public_items(session: Session, meeting: Meeting) -> list[AgendaItem]:
    return list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, col(AgendaItem.closed_session).is_(False))
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        )
    )


def _check_ins(session: Session, meeting: Meeting) -> list[tuple[int, dt.datetime]]:
    statement = select(Attendance.mandate_id, Attendance.checked_in_at).where(
        Attendance.meeting_id == meeting.id
    )
    return [(mandate_id, at) for mandate_id, at in session.exec(statement)]


def _named_choices(
    session: Session, ballots: Iterable[CouncilBallot]
) -> dict[int, list[tuple[int, str]]]:
    """(mandate, choice) of every vote in these closed named ballots, read in one statement;
    the caller keeps those of members present at the close, as the count did."""
    ids = [b.id for b in ballots if b.secrecy == Secrecy.named and b.status == BallotStatus.closed]
    found: dict[int, list[tuple[int, str]]] = {ballot_id: [] for ballot_id in ids if ballot_id}
    if found:
        statement = select(CouncilVote.ballot_id, CouncilVote.mandate_id, CouncilVote.choice).where(
            col(CouncilVote.ballot_id).in_(list(found)), col(CouncilVote.choice).in_(CHOICES)
        )
        for ballot_id, mandate_id, choice in session.exec(statement.order_by(col(CouncilVote.id))):
            found[ballot_id].append((mandate_id, choice or ""))
    return found


class _Graph:
    """Builds the nodes of one meeting; remembers the mandates that nodes point to."""

    def __init__(self, iris: _Iris, zone: dt.tzinfo) -> None:
        self.iris = iris
        self.zone = zone
        self.nodes: list[dict[str, Any]] = []
        self.mandate_ids: set[int] = set()

    def add(self, node: dict[str, Any]) -> None:
        self.nodes.append({key: value for key, value in node.items() if value is not None})

    def refs(self, mandates: dict[int, Mandate], ids: Iterable[int]) -> list[str]:
        wanted = sorted(i for i in set(ids) if i in mandates)
        self.mandate_ids.update(wanted)
        return [self.iris.mandataris(mandates[i]) for i in wanted]

    def decision(
        self,
        item: AgendaItem,
        ballot: CouncilBallot,
        present: list[int],
        choices: list[tuple[int, str]] | None,
        mandates: dict[int, Mandate],
    ) -> str:
        """The treatment of a decided item: its vote and the decision it produced."""
        item_id = item.id or 0
        stemming = self.iris.item(item_id, "stemming")
        besluit = self.iris.item(item_id, "besluit")
        behandeling = self.iris.item(item_id, "behandeling")
        voters: dict[str, Any] = {}
        if choices is not None:
            seated = set(present)
            counted = [(m, c) for m, c in choices if m in seated]
            voters["heeftStemmer"] = self.refs(mandates, (m for m, _ in counted))
            for choice, term in _CHOICE_TERMS.items():
                voters[term] = self.refs(mandates, (m for m, c in counted if c == choice))
        outcome = _OUTCOMES.get(Outcome(ballot.outcome)) if ballot.outcome else None
        self.add(
            {
                "@id": stemming,
                "@type": "Stemming",
                "stemmingOnderwerp": item.title,
                "geheim": ballot.secrecy == Secrecy.secret,
                "aantalVoorstanders": ballot.yes or 0,
                "aantalTegenstanders": ballot.no or 0,
                "aantalOnthouders": ballot.abstain or 0,
                "gevolg": (
                    [{"@value": text, "@language": lang} for lang, text in outcome.items()]
                    if outcome
                    else None
                ),
                "heeftAanwezige": self.refs(mandates, present),
                **voters,
            }
        )
        closed_on = ballot.closed_at.astimezone(self.zone).date() if ballot.closed_at else None
        self.add(
            {
                "@id": besluit,
                "@type": "Besluit",
                "besluitTitel": item.title,
                "besluitOmschrijving": item.description or None,
                "publicatiedatum": closed_on.isoformat() if closed_on else None,
            }
        )
        self.add(
            {
                "@id": behandeling,
                "@type": "BehandelingVanAgendapunt",
                "onderwerp": self.iris.item(item_id, "agendapunt"),
                "openbaar": True,
                "heeftAanwezige": self.refs(mandates, present),
                "heeftStemming": stemming,
                "genereert": besluit,
            }
        )
        return behandeling

    def advice(self, ballot: AdvisoryBallot) -> dict[str, Any]:
        """The residents' advisory vote: a node of our own namespace, inside the item."""
        tally = advisory.shown_tally(ballot)
        node: dict[str, Any] = {
            "@type": "inspraak:Adviesstemming",
            "inspraak:vraag": ballot.question,
            "inspraak:status": ballot.status,
            "inspraak:opent": {"@value": iso(ballot.opens_at), "@type": "xsd:dateTime"},
            "inspraak:sluit": {"@value": iso(ballot.closes_at), "@type": "xsd:dateTime"},
        }
        if tally is not None:
            node["aantalVoorstanders"] = tally.yes
            node["aantalTegenstanders"] = tally.no
            node["aantalOnthouders"] = tally.abstain
        return node


def _mandate_nodes(graph: _Graph, mandates: dict[int, Mandate]) -> None:
    for mandate_id in sorted(graph.mandate_ids):
        mandate = mandates[mandate_id]
        membership = None
        if mandate.political_group:
            membership = {
                "@type": "Lidmaatschap",
                "binnenFractie": {"@type": "Fractie", "fractieNaam": mandate.political_group},
            }
        graph.add(
            {
                "@id": graph.iris.mandataris(mandate),
                "@type": "Mandataris",
                "isBestuurlijkeAliasVan": graph.iris.persoon(mandate),
                "mandaatStart": mandate.starts_on.isoformat(),
                "mandaatEinde": mandate.ends_on.isoformat() if mandate.ends_on else None,
                "heeftLidmaatschap": membership,
            }
        )
        graph.add(
            {
                "@id": graph.iris.persoon(mandate),
                "@type": "Persoon",
                "persoonNaam": mandate.member_name,
            }
        )


def meeting_graph(session: Session, meeting: Meeting, settings: Settings) -> dict[str, Any]:
    """The JSON-LD document of a published meeting."""
    assert meeting.id is not None
    iris = _Iris(settings.base_url)
    graph = _Graph(iris, settings.zone)
    council = session.get(Council, meeting.council_id)
    items = _public_items(session, meeting)
    ids = [item.id or 0 for item in items]
    ballots = council_ballots_of(session, ids)
    advisories = advisory_ballots_of(session, ids)
    choices = _named_choices(session, ballots.values())
    check_ins = _check_ins(session, meeting)
    mandates = {
        m.id or 0: m
        for m in session.exec(
            select(Mandate).where(col(Mandate.id).in_({mandate_id for mandate_id, _ in check_ins}))
        )
    }
    chair = None
    if meeting.chair_id is not None:
        seat = mandate_of(session, meeting, meeting.chair_id)
        if seat is not None and seat.id is not None:
            mandates[seat.id] = seat
            chair = graph.refs(mandates, [seat.id])[0]
    graph.add(
        {
            "@id": iris.zitting(meeting.id),
            "@type": "Zitting",
            "geplandeStart": iso(meeting.starts_at),
            "gestart": iso(meeting.started_at),
            "geeindigd": iso(meeting.ended_at),
            "opLocatie": meeting.location or None,
            "isGehoudenDoor": iris.bestuursorgaan(meeting.council_id),
            "heeftVoorzitter": chair,
            "behandelt": [iris.item(item_id, "agendapunt") for item_id in ids],
        }
    )
    graph.add(
        {
            "@id": iris.bestuursorgaan(meeting.council_id),
            "@type": "Bestuursorgaan",
            "naam": council.name if council else None,
        }
    )
    previous = None
    for item in items:
        item_id = item.id or 0
        ballot = ballots.get(item_id)
        if ballot is not None and ballot.status == BallotStatus.closed and ballot.closed_at:
            present = [m for m, at in check_ins if at <= ballot.closed_at]
            graph.decision(item, ballot, present, choices.get(ballot.id or 0), mandates)
        advice = advisories.get(item_id)
        graph.add(
            {
                "@id": iris.item(item_id, "agendapunt"),
                "@type": "Agendapunt",
                "titel": item.title,
                "omschrijving": item.description or None,
                "geplandOpenbaar": True,
                "agendapuntType": PLANNED_ITEM,
                "positie": item.position,
                "aangebrachtNa": previous,
                "inspraak:adviesstemming": graph.advice(advice) if advice else None,
            }
        )
        previous = iris.item(item_id, "agendapunt")
    _mandate_nodes(graph, mandates)
    return {"@context": context(settings.base_url), "@graph": graph.nodes}


def meeting_jsonld(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    with auth.database(request).read() as session:
        found = session.get(Meeting, request.path_params["meeting_id"])
        if found is None or not found.is_public:
            raise ApiError(404, "not_found", "no published meeting with this id")
        document = meeting_graph(session, found, settings)
    return JSONResponse(document, media_type=MEDIA_TYPE)
