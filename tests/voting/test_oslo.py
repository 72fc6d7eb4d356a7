"""A meeting as OSLO besluit JSON-LD, read back by a JSON-LD processor (pyld) with its inline
context only: the processor may not fetch anything."""

from __future__ import annotations

from typing import Any

import pytest
from pyld import jsonld
from starlette.testclient import TestClient

from participation.database import Database
from participation.models import User
from tests.helpers import create_user
from tests.voting.agenda_world import (
    add_item,
    advise,
    advisory_open,
    close_advisory,
    decide,
    id_of,
    make_meeting,
    start_session,
)
from voting.models import Meeting

HOSTILE = '<script>alert(1)</script>"]]></title><x> & \\ \u2028'
BESLUIT = "http://data.vlaanderen.be/ns/besluit#"
MANDAAT = "http://data.vlaanderen.be/ns/mandaat#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ELI = "http://data.europa.eu/eli/ontology#"
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
INSPRAAK = "http://testserver/ns#"
VOTERS = ("heeftVoorstander", "heeftTegenstander", "heeftOnthouder", "heeftStemmer")


def no_network(url: str, options: dict[str, Any] | None = None) -> Any:
    raise AssertionError(f"the JSON-LD processor tried to fetch {url}")


def expanded(client: TestClient, meeting_id: int) -> dict[str, dict[str, Any]]:
    """The meeting's document, expanded to full IRIs: its nodes by @id."""
    response = client.get(f"/api/v1/meetings/{meeting_id}.jsonld")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/ld+json"
    nodes = jsonld.expand(response.json(), {"documentLoader": no_network})
    return {node["@id"]: node for node in nodes}


def of_type(nodes: dict[str, dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [n for n in nodes.values() if kind in n.get("@type", [])]


def value(node: dict[str, Any], term: str) -> Any:
    [found] = node[term]
    return found["@value"]


def refs(node: dict[str, Any], term: str) -> list[str]:
    return [found["@id"] for found in node.get(term, [])]


def names(nodes: dict[str, dict[str, Any]], mandatarissen: list[str]) -> list[str]:
    """The names of the people behind these mandates, sorted."""
    people = [refs(nodes[m], MANDAAT + "isBestuurlijkeAliasVan")[0] for m in mandatarissen]
    return sorted(value(nodes[p], FOAF_NAME) for p in people)


def test_a_decided_meeting_expands_to_oslo_terms_matching_the_api(
    client: TestClient, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    named = id_of(add_item(db, clerk, meeting, title="Zebrapad"))
    secret = id_of(add_item(db, clerk, meeting, title="Aanstelling", secret=True))
    hidden = id_of(add_item(db, clerk, meeting, title="Personeelszaak X", closed_session=True))
    advised = id_of(
        add_item(
            db,
            clerk,
            meeting,
            title=HOSTILE,
            description=HOSTILE,
            advisory=advisory_open(),
            council_vote=False,
        )
    )
    residents = [create_user(db, email=f"r{i}@example.be", name=f"R{i}") for i in range(3)]
    advise(db, residents, advised, "yna")
    close_advisory(db, advised)
    meeting_id = id_of(meeting)
    start_session(db, clerk, meeting_id, council_members)
    decide(db, clerk, council_members, named, "yyn")
    decide(db, clerk, council_members, secret, "ynn")
    decide(db, clerk, council_members, hidden, "yyy")

    raw = client.get(f"/api/v1/meetings/{meeting_id}.jsonld").text
    assert "Personeelszaak" not in raw
    assert f"/items/{hidden}" not in raw
    nodes = expanded(client, meeting_id)
    api = client.get(f"/api/v1/meetings/{meeting_id}").json()

    [zitting] = of_type(nodes, BESLUIT + "Zitting")
    assert zitting["@id"] == f"http://testserver/meetings/{meeting_id}#zitting"
    assert value(zitting, BESLUIT + "geplandeStart") == api["starts_at"]
    assert zitting[BESLUIT + "geplandeStart"][0]["@type"].endswith("#dateTime")
    assert value(zitting, PROV + "startedAtTime")
    [orgaan] = refs(zitting, BESLUIT + "isGehoudenDoor")
    assert BESLUIT + "Bestuursorgaan" in nodes[orgaan]["@type"]
    assert value(nodes[orgaan], "http://www.w3.org/2004/02/skos/core#prefLabel") == "Gemeenteraad"
    item_iris = [f"http://testserver/items/{i}#agendapunt" for i in (named, secret, advised)]
    assert sorted(refs(zitting, BESLUIT + "behandelt")) == sorted(item_iris)
    assert len(of_type(nodes, BESLUIT + "Agendapunt")) == 3
    first, second, third = (nodes[iri] for iri in item_iris)
    assert value(first, DCT + "title") == "Zebrapad"
    assert value(first, BESLUIT + "geplandOpenbaar") is True
    assert BESLUIT + "aangebrachtNa" not in first
    assert refs(second, BESLUIT + "aangebrachtNa") == [item_iris[0]]
    assert refs(third, BESLUIT + "aangebrachtNa") == [item_iris[1]]
    # Hostile text is a plain literal, the same characters as typed.
    assert value(third, DCT + "title") == HOSTILE
    assert value(third, DCT + "description") == HOSTILE
    [advice] = third[INSPRAAK + "adviesstemming"]
    assert value(advice, BESLUIT + "aantalVoorstanders") == 1
    assert value(advice, BESLUIT + "aantalTegenstanders") == 1
    assert value(advice, BESLUIT + "aantalOnthouders") == 1

    tallies = {i["id"]: i["council_vote"] for i in api["items"]}
    for item_id in (named, secret):
        behandeling = nodes[f"http://testserver/items/{item_id}#behandeling"]
        assert BESLUIT + "BehandelingVanAgendapunt" in behandeling["@type"]
        assert refs(behandeling, DCT + "subject") == [
            f"http://testserver/items/{item_id}#agendapunt"
        ]
        assert value(behandeling, BESLUIT + "openbaar") is True
        assert len(refs(behandeling, BESLUIT + "heeftAanwezige")) == 3
        [stemming_iri] = refs(behandeling, BESLUIT + "heeftStemming")
        stemming = nodes[stemming_iri]
        assert BESLUIT + "Stemming" in stemming["@type"]
        tally = tallies[item_id]["tally"]
        assert value(stemming, BESLUIT + "aantalVoorstanders") == tally["yes"]
        assert value(stemming, BESLUIT + "aantalTegenstanders") == tally["no"]
        assert value(stemming, BESLUIT + "aantalOnthouders") == tally["abstain"]
        assert value(stemming, BESLUIT + "geheim") is (item_id == secret)
        gevolg = {g["@language"]: g["@value"] for g in stemming[BESLUIT + "gevolg"]}
        assert gevolg["en"] == tallies[item_id]["outcome"]
        [besluit_iri] = refs(behandeling, PROV + "generated")
        besluit = nodes[besluit_iri]
        assert BESLUIT + "Besluit" in besluit["@type"]
        assert value(besluit, ELI + "title") == ("Zebrapad" if item_id == named else "Aanstelling")
    named_vote = nodes[f"http://testserver/items/{named}#stemming"]
    assert names(nodes, refs(named_vote, BESLUIT + "heeftVoorstander")) == ["Member 0", "Member 1"]
    assert names(nodes, refs(named_vote, BESLUIT + "heeftTegenstander")) == ["Member 2"]
    assert refs(named_vote, BESLUIT + "heeftOnthouder") == []
    for choice, term in (("yes", "heeftVoorstander"), ("no", "heeftTegenstander")):
        api_names = sorted(v["member"] for v in tallies[named]["votes"] if v["choice"] == choice)
        assert names(nodes, refs(named_vote, BESLUIT + term)) == api_names
    assert len(refs(named_vote, BESLUIT + "heeftStemmer")) == 3
    secret_vote = nodes[f"http://testserver/items/{secret}#stemming"]
    assert not any(BESLUIT + term in secret_vote for term in VOTERS)
    for mandataris in of_type(nodes, MANDAAT + "Mandataris"):
        assert value(mandataris, MANDAAT + "start")
    # No decision for the item residents advised on: the council did not vote on it.
    assert f"http://testserver/items/{advised}#besluit" not in nodes


def test_a_published_meeting_without_votes_has_no_decisions(
    client: TestClient, db: Database, clerk: User, meeting: Meeting
) -> None:
    add_item(db, clerk, meeting)
    nodes = expanded(client, id_of(meeting))
    assert len(of_type(nodes, BESLUIT + "Agendapunt")) == 1
    assert of_type(nodes, BESLUIT + "Stemming") == []
    assert of_type(nodes, BESLUIT + "Besluit") == []


@pytest.mark.parametrize("which", ["planned", "unknown"])
def test_a_planned_or_unknown_meeting_is_a_json_404(
    client: TestClient, db: Database, clerk: User, which: str
) -> None:
    planned = make_meeting(db, clerk, publish=False)
    meeting_id = id_of(planned) if which == "planned" else 999_999
    response = client.get(f"/api/v1/meetings/{meeting_id}.jsonld")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
