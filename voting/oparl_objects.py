"""The OParl 1.1 objects of the council data, built from rows; `voting.oparl` serves them.

Ids are the objects' own URLs, with integers in the paths:

- a Body is a council (`/oparl/body/{council id}`);
- an Organization is either a council (`/oparl/organization/{2 × council id}`) or a political
  group of a council. A mandate names its group as text, so a group is identified by the
  first mandate (lowest id) that named it in that council: `/oparl/organization/{2 × that
  mandate's id + 1}`. Mandates are never deleted, so the id stays;
- a Person is the people behind mandates: every mandate of one account is one person,
  identified by the account's first mandate (`/oparl/person/{mandate id}`), so that no
  account id is published. A mandate whose account was erased is a person of its own;
- a Paper is an agenda item's dossier (`/oparl/paper/{item id}`), with its documents as File
  objects and its treatment as a Consultation;
- embedded objects that OParl gives no URL of their own (Membership, Location, File,
  Consultation) are fragments of the URL of the object that holds them.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voting.actions import item_url, meeting_url
from voting.models import AgendaItem, Council, CouncilBallot, ItemDocument, Mandate, Meeting

VERSION = "https://schema.oparl.org/1.1/"


def oparl_type(name: str) -> str:
    return f"{VERSION}{name}"


def iso(moment: dt.datetime | dt.date | None) -> str | None:
    return moment.isoformat() if moment else None


def council_org_id(council_id: int) -> int:
    return 2 * council_id


def group_org_id(first_mandate_id: int) -> int:
    return 2 * first_mandate_id + 1


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """OParl leaves out a field that has no value rather than sending null."""
    return {key: value for key, value in data.items() if value is not None}


@dataclass(frozen=True)
class Group:
    """A political group of a council: its name and the first mandate that named it."""

    council_id: int
    name: str
    first_mandate_id: int


@dataclass(frozen=True)
class Urls:
    """The URLs of the OParl objects, from the site's base URL."""

    base: str

    def api(self, path: str) -> str:
        return f"{self.base}/api/v1/oparl{path}"

    @property
    def system(self) -> str:
        return self.api("")

    @property
    def bodies(self) -> str:
        return self.api("/bodies")

    def body(self, council_id: int, part: str = "") -> str:
        return self.api(f"/body/{council_id}{part}")

    def meeting(self, meeting_id: int) -> str:
        return self.api(f"/meeting/{meeting_id}")

    def agenda_item(self, item_id: int) -> str:
        return self.api(f"/agendaitem/{item_id}")

    def person(self, person_id: int) -> str:
        return self.api(f"/person/{person_id}")

    def organization(self, organization_id: int) -> str:
        return self.api(f"/organization/{organization_id}")

    def paper(self, item_id: int) -> str:
        return self.api(f"/paper/{item_id}")

    def membership(self, person_id: int, mandate_id: int, in_group: bool = False) -> str:
        kind = "group-membership" if in_group else "membership"
        return f"{self.person(person_id)}#{kind}-{mandate_id}"


def system(urls: Urls, name: str) -> dict[str, Any]:
    return {
        "id": urls.system,
        "type": oparl_type("System"),
        "oparlVersion": VERSION,
        "otherOparlVersions": [],
        "body": urls.bodies,
        "name": name,
        "website": urls.base,
        "product": "Inspraak",
    }


def body(urls: Urls, council: Council) -> dict[str, Any]:
    council_id = council.id or 0
    return {
        "id": urls.body(council_id),
        "type": oparl_type("Body"),
        "system": urls.system,
        "name": council.name,
        "classification": council.kind,
        "organization": urls.body(council_id, "/organizations"),
        "person": urls.body(council_id, "/people"),
        "meeting": urls.body(council_id, "/meetings"),
        "paper": urls.body(council_id, "/papers"),
        # The platform does not keep legislative terms; mandates carry their own dates.
        "legislativeTerm": [],
        "web": f"{urls.base}/councils/{council_id}",
    }


def _modified(*moments: dt.datetime | None) -> str | None:
    return iso(max((m for m in moments if m is not None), default=None))


def agenda_item(
    urls: Urls, item: AgendaItem, order: int, ballot: CouncilBallot | None
) -> dict[str, Any]:
    item_id = item.id or 0
    decided = ballot is not None and ballot.outcome is not None
    return _compact(
        {
            "id": urls.agenda_item(item_id),
            "type": oparl_type("AgendaItem"),
            "meeting": urls.meeting(item.meeting_id),
            "number": str(item.position),
            "order": order,
            "name": item.title,
            "public": True,
            "consultation": f"{urls.paper(item_id)}#consultation",
            "result": ballot.outcome if ballot is not None and decided else None,
            "web": f"{urls.base}{item_url(item_id)}",
            "created": iso(item.created_at),
            "modified": _modified(item.created_at, ballot.closed_at if ballot else None),
        }
    )


def meeting(
    urls: Urls,
    found: Meeting,
    items: list[AgendaItem],
    ballots: dict[int, CouncilBallot],
) -> dict[str, Any]:
    meeting_id = found.id or 0
    location = None
    if found.location:
        location = {
            "id": f"{urls.meeting(meeting_id)}#location",
            "type": oparl_type("Location"),
            "description": found.location,
        }
    return _compact(
        {
            "id": urls.meeting(meeting_id),
            "type": oparl_type("Meeting"),
            "name": found.title,
            "meetingState": found.status,
            "cancelled": False,
            "start": iso(found.starts_at),
            "end": iso(found.ended_at),
            "location": location,
            "organization": [urls.organization(council_org_id(found.council_id))],
            "agendaItem": [
                agenda_item(urls, item, order, ballots.get(item.id or 0))
                for order, item in enumerate(items, start=1)
            ],
            "web": f"{urls.base}{meeting_url(meeting_id)}",
            "created": iso(found.created_at),
            "modified": _modified(
                found.created_at, found.published_at, found.started_at, found.ended_at
            ),
        }
    )


def file(urls: Urls, item_id: int, document: ItemDocument) -> dict[str, Any]:
    access = document.url or f"{urls.base}/documents/{document.id}"
    mime = "application/pdf" if document.file_name else mimetypes.guess_type(access)[0]
    return _compact(
        {
            "id": f"{urls.paper(item_id)}#file-{document.id}",
            "type": oparl_type("File"),
            "name": document.title,
            "mimeType": mime,
            "size": document.size if document.file_name else None,
            "accessUrl": access,
            "created": iso(document.added_at),
        }
    )


def paper(
    urls: Urls, item: AgendaItem, found: Meeting, documents: list[ItemDocument]
) -> dict[str, Any]:
    item_id = item.id or 0
    paper_url = urls.paper(item_id)
    return {
        "id": paper_url,
        "type": oparl_type("Paper"),
        "body": urls.body(found.council_id),
        "name": item.title,
        "reference": f"{found.id}/{item.position}",
        "date": found.starts_at.date().isoformat(),
        "paperType": item.kind,
        "auxiliaryFile": [file(urls, item_id, d) for d in documents],
        "consultation": [
            {
                "id": f"{paper_url}#consultation",
                "type": oparl_type("Consultation"),
                "paper": paper_url,
                "agendaItem": urls.agenda_item(item_id),
                "meeting": urls.meeting(found.id or 0),
                "organization": [urls.organization(council_org_id(found.council_id))],
                "authoritative": True,
            }
        ],
        "web": f"{urls.base}{item_url(item_id)}",
        "created": iso(item.created_at),
    }


def memberships(
    urls: Urls, person_id: int, mandate: Mandate, group_id: Callable[[Mandate], int | None]
) -> list[dict[str, Any]]:
    """A mandate is a membership of the council, on behalf of its political group if it has
    one, and then also a membership of that group."""
    mandate_id = mandate.id or 0
    group = group_id(mandate)
    dates = {"startDate": iso(mandate.starts_on), "endDate": iso(mandate.ends_on)}
    found = [
        _compact(
            {
                "id": urls.membership(person_id, mandate_id),
                "type": oparl_type("Membership"),
                "organization": urls.organization(council_org_id(mandate.council_id)),
                "role": "member",
                "votingRight": True,
                "onBehalfOf": urls.organization(group) if group else None,
                **dates,
            }
        )
    ]
    if group:
        found.append(
            _compact(
                {
                    "id": urls.membership(person_id, mandate_id, in_group=True),
                    "type": oparl_type("Membership"),
                    "organization": urls.organization(group),
                    "role": "member",
                    **dates,
                }
            )
        )
    return found


def person(
    urls: Urls, person_id: int, mandates: list[Mandate], group_id: Callable[[Mandate], int | None]
) -> dict[str, Any]:
    """`mandates` in id order: the first is the person's id, the latest gives the name."""
    return {
        "id": urls.person(person_id),
        "type": oparl_type("Person"),
        "body": urls.body(mandates[0].council_id),
        "name": mandates[-1].member_name,
        "membership": [
            membership
            for mandate in mandates
            for membership in memberships(urls, person_id, mandate, group_id)
        ],
    }


def council_organization(urls: Urls, council: Council, membership_ids: list[str]) -> dict[str, Any]:
    council_id = council.id or 0
    return {
        "id": urls.organization(council_org_id(council_id)),
        "type": oparl_type("Organization"),
        "body": urls.body(council_id),
        "name": council.name,
        "organizationType": council.kind,
        "classification": council.kind,
        "membership": membership_ids,
        "meeting": urls.body(council_id, "/meetings"),
        "web": f"{urls.base}/councils/{council_id}",
    }


def group_organization(urls: Urls, group: Group, membership_ids: list[str]) -> dict[str, Any]:
    return {
        "id": urls.organization(group_org_id(group.first_mandate_id)),
        "type": oparl_type("Organization"),
        "body": urls.body(group.council_id),
        "name": group.name,
        "organizationType": "political_group",
        "classification": "political_group",
        "membership": membership_ids,
        "subOrganizationOf": urls.organization(council_org_id(group.council_id)),
    }
