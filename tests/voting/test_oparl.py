"""OParl 1.1: a crawl from the system object checks every object against the fields the
specification requires of its type, every id resolves to the same object, lists page, and
nothing of closed sessions or unpublished meetings shows."""

from __future__ import annotations

import datetime as dt
from collections import deque
from typing import Any
from urllib.parse import urldefrag

import pytest
from starlette.testclient import TestClient

from participation.database import Database, utcnow
from participation.models import User
from tests.helpers import create_user
from tests.voting.agenda_world import (
    add_item,
    decided,
    id_of,
    make_meeting,
    seat,
)
from voting import councils
from voting.documents import do_add_document
from voting.forms import CouncilDraft, DocumentDraft, MandateDraft, RulesDraft
from voting.models import Meeting

BASE = "http://testserver"
ROOT = f"{BASE}/api/v1/oparl"
VERSION = "https://schema.oparl.org/1.1/"
HOSTILE = '<script>alert(1)</script>"]]></title><x> =HYPERLINK("http://x")'
# The fields OParl 1.1 requires of each object type (chapter "Schema"; the list format of
# chapter "Paginierung" requires data, pagination and links).
REQUIRED = {
    "System": {"id", "type", "oparlVersion", "body"},
    "Body": {
        "id",
        "type",
        "system",
        "name",
        "organization",
        "person",
        "meeting",
        "paper",
        "legislativeTerm",
    },
    "Meeting": {"id", "type"},
    "AgendaItem": {"id", "type"},
    "Person": {"id", "type"},
    "Membership": {"id", "type"},
    "Organization": {"id", "type"},
    "Paper": {"id", "type"},
    "Consultation": {"id", "type"},
    "Location": {"id", "type"},
    "File": {"id", "type", "accessUrl"},
}
LIST_FIELDS = {"data", "pagination", "links"}


def fetch(client: TestClient, url: str, status: int = 200) -> Any:
    response = client.get(url.removeprefix(BASE))
    assert response.status_code == status, (url, response.text)
    assert response.headers["content-type"] == "application/json"
    return response.json()


def objects_in(value: Any) -> list[dict[str, Any]]:
    """Every OParl object in a document, embedded ones included."""
    found = []
    if isinstance(value, dict):
        if str(value.get("type", "")).startswith(VERSION):
            found.append(value)
        for inner in value.values():
            found += objects_in(inner)
    elif isinstance(value, list):
        for inner in value:
            found += objects_in(inner)
    return found


def links_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {url for inner in value.values() for url in links_in(inner)}
    if isinstance(value, list):
        return {url for inner in value for url in links_in(inner)}
    if isinstance(value, str) and value.startswith(ROOT):
        return {urldefrag(value).url}
    return set()


def crawl(client: TestClient) -> dict[str, dict[str, Any]]:
    """Every object reachable from the system object, by id; checks each as it goes."""
    seen: dict[str, dict[str, Any]] = {}
    documents: dict[str, Any] = {}
    queue = deque([ROOT])
    while queue:
        url = queue.popleft()
        if url in documents:
            continue
        documents[url] = document = fetch(client, url)
        if "data" in document:
            assert set(document) >= LIST_FIELDS
            assert document["pagination"]["elementsPerPage"] >= len(document["data"])
        for found in objects_in(document):
            kind = found["type"].removeprefix(VERSION)
            assert set(found) >= REQUIRED[kind], found
            assert None not in found.values(), found
            seen[found["id"]] = found
        queue.extend(links_in(document) - set(documents))
    for object_id, found in seen.items():
        page, fragment = urldefrag(object_id)
        resolved = documents.get(page) or fetch(client, page)
        if fragment:
            [resolved] = [o for o in objects_in(resolved) if o["id"] == object_id]
        assert resolved == found
    return seen


def of_type(seen: dict[str, dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in seen.values() if o["type"] == VERSION + kind]


def test_the_crawl_finds_only_the_public_record_in_valid_objects(
    client: TestClient, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    with db.write() as session:
        rules = RulesDraft("cast", "majority", "rejected", True)
        committee = councils.do_create_council(
            session, clerk, CouncilDraft("Commissie Mobiliteit", "committee", rules)
        )
        member = council_members[0]
        draft = MandateDraft(member.email, "Groen", utcnow().date(), None)
        councils.do_add_mandate(session, clerk, id_of(committee), draft)
    public = id_of(add_item(db, clerk, meeting, title=HOSTILE))
    hidden = id_of(add_item(db, clerk, meeting, title="Personeelszaak X", closed_session=True))
    with db.write() as session:
        link = DocumentDraft("Ontwerpnota", None, "https://example.org/nota.pdf")
        do_add_document(session, clerk, public, link, None)
        hidden_link = DocumentDraft("Dossier X", None, "https://x.be/x")
        do_add_document(session, clerk, hidden, hidden_link, None)
    decided(db, clerk, council_members, id_of(meeting), public, "yyn")
    planned = make_meeting(db, clerk, "Nog niet openbaar", publish=False)
    unpublished_item = id_of(add_item(db, clerk, planned, title="Ontwerp in voorbereiding"))

    seen = crawl(client)
    text = str(seen)
    for secret in ("Personeelszaak", "Dossier X", "Nog niet openbaar", "in voorbereiding"):
        assert secret not in text
    [system] = of_type(seen, "System")
    assert system["oparlVersion"] == VERSION
    assert {b["name"] for b in of_type(seen, "Body")} == {"Gemeenteraad", "Commissie Mobiliteit"}
    [found] = of_type(seen, "Meeting")
    assert found["name"] == meeting.title
    assert found["location"]["description"] == "Raadzaal"
    assert dt.datetime.fromisoformat(found["start"]) == meeting.starts_at
    [item] = found["agendaItem"]
    assert item["id"] == f"{ROOT}/agendaitem/{public}"
    assert (item["name"], item["number"], item["order"]) == (HOSTILE, "1", 1)
    assert item["public"] is True
    assert item["result"] == "approved"
    [paper] = of_type(seen, "Paper")
    assert paper["name"] == HOSTILE
    [file] = paper["auxiliaryFile"]
    assert (file["name"], file["accessUrl"]) == ("Ontwerpnota", "https://example.org/nota.pdf")
    assert file["mimeType"] == "application/pdf"
    assert paper["consultation"][0]["agendaItem"] == item["id"]
    # Three members, one of them in the committee too: three people, four mandates.
    people = {p["name"]: p for p in of_type(seen, "Person")}
    assert sorted(people) == ["Member 0", "Member 1", "Member 2"]
    organizations = {o["id"]: o for o in of_type(seen, "Organization")}
    names = sorted(o["name"] for o in organizations.values())
    assert names == ["Commissie Mobiliteit", "Gemeenteraad", "Groen", "Groen", "N-VA", "Vooruit"]
    council_memberships = [m for m in people["Member 0"]["membership"] if "onBehalfOf" in m]
    assert len(council_memberships) == 2
    for membership in council_memberships:
        council = organizations[membership["organization"]]
        group = organizations[membership["onBehalfOf"]]
        assert group["name"] == "Groen"
        assert group["subOrganizationOf"] == council["id"]
        assert membership["id"] in council["membership"]

    for path in (
        f"/agendaitem/{hidden}",
        f"/paper/{hidden}",
        f"/agendaitem/{unpublished_item}",
        f"/paper/{unpublished_item}",
        f"/meeting/{planned.id}",
    ):
        assert fetch(client, ROOT + path, status=404)["error"]["code"] == "not_found"


def test_lists_page_along_the_id_without_gaps_or_repeats(
    client: TestClient, db: Database, clerk: User, meeting: Meeting
) -> None:
    for n in range(4):
        make_meeting(db, clerk, f"Zitting {n}")
        add_item(db, clerk, meeting, title=f"Punt {n}")
    body = f"{ROOT}/body/{meeting.council_id}"
    for part, expected in (("/meetings", 5), ("/papers", 4)):
        everything = fetch(client, f"{body}{part}?limit=100")
        assert "next" not in everything["links"]
        ids = [o["id"] for o in everything["data"]]
        assert len(ids) == expected
        paged, url = [], f"{body}{part}?limit=2"
        while url:
            page = fetch(client, url)
            assert len(page["data"]) <= 2
            assert page["links"]["first"] == f"{body}{part}"
            paged += [o["id"] for o in page["data"]]
            url = page["links"].get("next")
        assert paged == ids


def test_unknown_ids_and_ids_that_are_not_the_first_answer_a_json_404(
    client: TestClient, db: Database, clerk: User, council_members: list[User]
) -> None:
    groen = council_members[0]
    with db.write() as session:
        rules = RulesDraft("cast", "majority", "rejected", True)
        committee = councils.do_create_council(
            session, clerk, CouncilDraft("Commissie", "committee", rules)
        )
        draft = MandateDraft(groen.email, "Groen", utcnow().date(), None)
        second = id_of(councils.do_add_mandate(session, clerk, id_of(committee), draft))
    people = fetch(client, f"{ROOT}/body/1/people")["data"]
    assert [p["name"] for p in people] == ["Member 0", "Member 1", "Member 2"]
    person = people[0]
    assert len(person["membership"]) == 4  # two mandates, each in a council and a group
    assert fetch(client, person["id"]) == person
    groups = fetch(client, f"{ROOT}/body/1/organizations")["data"]
    assert [g["name"] for g in groups] == ["Gemeenteraad", "Groen", "Vooruit", "N-VA"]
    # The committee's group Groen is known by the committee mandate, its first there.
    committee_groups = fetch(client, f"{ROOT}/body/{committee.id}/organizations")["data"]
    assert committee_groups[1]["id"] == f"{ROOT}/organization/{2 * second + 1}"
    newcomer = create_user(db, email="member3@example.be", name="Member 3")
    later = id_of(seat(db, clerk, newcomer, "Groen"))
    not_first = [f"/person/{second}", f"/organization/{2 * later + 1}"]
    for path in [
        *not_first,
        "/body/999999",
        "/body/999999/meetings",
        "/body/999999/people",
        "/body/999999/organizations",
        "/body/999999/papers",
        "/meeting/999999",
        "/agendaitem/999999",
        "/person/999999",
        "/organization/999998",
        "/organization/999999",
        "/paper/999999",
    ]:
        assert fetch(client, ROOT + path, status=404)["error"]["code"] == "not_found", path


@pytest.mark.parametrize(
    ("query", "code"),
    [("limit=0", "invalid_limit"), ("limit=101", "invalid_limit"), ("cursor=x", "invalid_cursor")],
)
def test_bad_paging_parameters_get_a_json_400(
    client: TestClient, meeting: Meeting, query: str, code: str
) -> None:
    for part in ("/bodies", "/body/1/meetings", "/body/1/people", "/body/1/papers"):
        assert fetch(client, f"{ROOT}{part}?{query}", status=400)["error"]["code"] == code
