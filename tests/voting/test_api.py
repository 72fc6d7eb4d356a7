"""The meetings API: published meetings paged by cursor, each meeting's public agenda with its
council and advisory results, and JSON errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from starlette.testclient import TestClient

from participation.database import Database, utcnow
from participation.models import User
from tests.helpers import create_user
from tests.ideas.conftest import post_idea
from tests.voting.agenda_world import (
    DAY,
    add_item,
    advise,
    advisory_open,
    close_advisory,
    decided,
    id_of,
    make_meeting,
    start_session,
)
from voting import loop
from voting.documents import do_add_document
from voting.forms import DocumentDraft
from voting.models import Meeting

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & \\ \u2028'
BASE = "http://testserver"


def get_json(client: TestClient, path: str, status: int = 200) -> Any:
    response = client.get(path.removeprefix(BASE))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def item_on(db: Database, clerk: User, meeting: Meeting, title: str, **fields: Any) -> int:
    return id_of(add_item(db, clerk, meeting, title=title, **fields))


def test_the_list_pages_newest_first_with_an_opaque_cursor(
    client: TestClient, db: Database, clerk: User
) -> None:
    now = utcnow()
    for days in (3, 1, 2, 5):
        make_meeting(db, clerk, f"In {days} days", starts_at=now + days * DAY)
    same_time = [make_meeting(db, clerk, f"Same {n}", starts_at=now + 4 * DAY) for n in range(2)]
    make_meeting(db, clerk, "Planned", publish=False)
    first = get_json(client, "/api/v1/meetings?limit=3")
    # Two meetings at the same time: the later id first, and the cursor splits them safely.
    assert [m["title"] for m in first["items"]] == ["In 5 days", "Same 1", "Same 0"]
    assert first["next"].startswith(f"{BASE}/api/v1/meetings?")
    second = get_json(client, first["next"])
    assert [m["title"] for m in second["items"]] == ["In 3 days", "In 2 days", "In 1 days"]
    assert second["next"] is None
    shown = same_time[0]
    summary = first["items"][2]
    assert summary == {
        "id": shown.id,
        "title": "Same 0",
        "starts_at": summary["starts_at"],
        "location": "Raadzaal",
        "status": "published",
        "council": {"id": shown.council_id, "name": "Gemeenteraad"},
        "url": f"{BASE}/meetings/{shown.id}",
        "api_url": f"{BASE}/api/v1/meetings/{shown.id}",
    }
    starts_at = dt.datetime.fromisoformat(summary["starts_at"])
    assert starts_at.utcoffset() is not None
    assert starts_at == shown.starts_at


def test_a_page_exactly_full_has_no_next(client: TestClient, db: Database, clerk: User) -> None:
    make_meeting(db, clerk)
    make_meeting(db, clerk)
    assert get_json(client, "/api/v1/meetings?limit=2")["next"] is None
    assert get_json(client, "/api/v1/meetings?limit=100")["next"] is None
    assert len(get_json(client, "/api/v1/meetings?limit=1")["items"]) == 1


def test_filters_by_status_and_council(
    client: TestClient, db: Database, clerk: User, council_members: list[User]
) -> None:
    running = make_meeting(db, clerk, "Running")
    make_meeting(db, clerk, "Published")
    assert running.id is not None
    start_session(db, clerk, running.id, council_members)
    found = get_json(client, "/api/v1/meetings?status=in_session")
    assert [m["title"] for m in found["items"]] == ["Running"]
    council = get_json(client, f"/api/v1/meetings?council_id={running.council_id}")
    assert len(council["items"]) == 2
    other = get_json(client, f"/api/v1/meetings?council_id={running.council_id + 1}")
    assert other == {"items": [], "next": None}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("limit=-1", "invalid_limit"),
        ("limit=abc", "invalid_limit"),
        ("cursor=abc", "invalid_cursor"),
        ("cursor=1.2.3", "invalid_cursor"),
        ("cursor=99999999999999999999.1", "invalid_cursor"),
        ("status=planned", "invalid_status"),
        ("status=<script>", "invalid_status"),
        ("council_id=x", "invalid_council"),
    ],
)
def test_bad_parameters_get_a_json_error(client: TestClient, query: str, code: str) -> None:
    body = get_json(client, f"/api/v1/meetings?{query}", status=400)
    assert body["error"]["code"] == code
    assert body["error"]["message"]


@pytest.mark.parametrize("path", ["/api/v1/meetings/{planned}", "/api/v1/meetings/999999"])
def test_a_planned_or_unknown_meeting_is_not_found(
    client: TestClient, db: Database, clerk: User, path: str
) -> None:
    planned = make_meeting(db, clerk, publish=False)
    body = get_json(client, path.format(planned=planned.id), status=404)
    assert body["error"]["code"] == "not_found"


def test_the_detail_lists_public_items_with_documents_and_links(
    client: TestClient, db: Database, clerk: User, meeting: Meeting, resident: User
) -> None:
    idea = post_idea(db, resident, title="Zebrapad aan De Vlinder")
    first = item_on(db, clerk, meeting, "Zebrapad", description="Het **dossier**.")
    hidden = item_on(db, clerk, meeting, "Personeelszaak X", closed_session=True)
    last = item_on(db, clerk, meeting, "Begroting", council_vote=False)
    with db.write() as session:
        draft = DocumentDraft("Ontwerpnota", None, "https://example.org/nota.pdf")
        do_add_document(session, clerk, first, draft, None)
        loop.do_link_item(session, clerk, first, "idea", idea.id or 0)
    body = get_json(client, f"/api/v1/meetings/{meeting.id}")
    assert body["id"] == meeting.id
    assert body["council"]["name"] == "Gemeenteraad"
    assert [i["id"] for i in body["items"]] == [first, last]
    assert "Personeelszaak" not in str(body)
    assert hidden not in [i["id"] for i in body["items"]]
    zebra, budget = body["items"]
    assert zebra["number"] == 1
    assert budget["number"] == 3
    assert zebra["description"] == "Het **dossier**."
    assert zebra["documents"] == [{"title": "Ontwerpnota", "url": "https://example.org/nota.pdf"}]
    assert zebra["links"] == [
        {
            "subject": "idea",
            "subject_id": idea.id,
            "title": "Zebrapad aan De Vlinder",
            "url": f"{BASE}/ideas/{idea.id}",
        }
    ]
    assert zebra["council_vote"] == {
        "status": "waiting",
        "secrecy": "named",
        "opens_at": None,
        "closes_at": None,
        "closed_at": None,
        "tally": None,
        "outcome": None,
        "present": None,
        "in_office": None,
        "votes": None,
        "audit_head": None,
    }
    assert zebra["advisory_vote"] is None
    assert budget["council_vote"] is None


def test_closed_session_items_stay_out_for_every_status(
    client: TestClient, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    secret = item_on(db, clerk, meeting, "Besloten", closed_session=True, secret=True)
    decided(db, clerk, council_members, id_of(meeting), secret, "yyn")
    body = get_json(client, f"/api/v1/meetings/{meeting.id}")
    assert body["items"] == []
    assert body["status"] == "in_session"


def test_a_closed_named_ballot_publishes_tally_outcome_and_the_named_list(
    client: TestClient, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    item_id = item_on(db, clerk, meeting, "Zebrapad", vote_opens_at=utcnow())
    before = get_json(client, f"/api/v1/meetings/{meeting.id}")["items"][0]["council_vote"]
    assert before["status"] == "pre_vote"
    assert before["tally"] is None
    assert before["votes"] is None
    decided(db, clerk, council_members, id_of(meeting), item_id, "yna")
    vote = get_json(client, f"/api/v1/meetings/{meeting.id}")["items"][0]["council_vote"]
    assert vote["status"] == "closed"
    assert vote["tally"] == {"yes": 1, "no": 1, "abstain": 1}
    assert vote["outcome"] == "rejected"  # a tie rejects
    assert (vote["present"], vote["in_office"]) == (3, 3)
    assert sorted((v["member"], v["political_group"], v["choice"]) for v in vote["votes"]) == [
        ("Member 0", "Groen", "yes"),
        ("Member 1", "Vooruit", "no"),
        ("Member 2", "N-VA", "abstain"),
    ]
    assert len(vote["audit_head"]) == 64
    assert dt.datetime.fromisoformat(vote["closed_at"]).utcoffset() is not None


def test_a_closed_secret_ballot_gives_totals_but_no_names(
    client: TestClient, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    item_id = item_on(db, clerk, meeting, "Aanstelling", secret=True)
    decided(db, clerk, council_members, id_of(meeting), item_id, "yyn")
    vote = get_json(client, f"/api/v1/meetings/{meeting.id}")["items"][0]["council_vote"]
    assert vote["secrecy"] == "secret"
    assert vote["tally"] == {"yes": 2, "no": 1, "abstain": 0}
    assert vote["outcome"] == "approved"
    assert vote["votes"] is None
    assert "Member" not in str(vote)


def test_advisory_tallies_stay_hidden_until_the_close(
    client: TestClient, db: Database, clerk: User, meeting: Meeting
) -> None:
    residents = [create_user(db, email=f"r{i}@example.be", name=f"R{i}") for i in range(3)]
    item_id = item_on(db, clerk, meeting, "Zebrapad", advisory=advisory_open())
    advise(db, residents, item_id, "yyn")
    url = f"/api/v1/meetings/{meeting.id}"
    open_vote = get_json(client, url)["items"][0]["advisory_vote"]
    assert open_vote["question"] == "Wilt u dit?"
    assert open_vote["status"] == "open"
    assert open_vote["tally"] is None
    assert open_vote["audit_head"] is None
    assert dt.datetime.fromisoformat(open_vote["closes_at"]).utcoffset() is not None
    close_advisory(db, item_id)
    closed = get_json(client, url)["items"][0]["advisory_vote"]
    assert closed["status"] == "closed"
    assert closed["tally"] == {"yes": 2, "no": 1, "abstain": 0}
    assert len(closed["audit_head"]) == 64


def test_an_advisory_vote_with_visible_results_shows_its_live_tally(
    client: TestClient, db: Database, clerk: User, meeting: Meeting
) -> None:
    residents = [create_user(db, email=f"r{i}@example.be", name=f"R{i}") for i in range(2)]
    item_id = item_on(db, clerk, meeting, "Zebrapad", advisory=advisory_open(results_visible=True))
    advise(db, residents, item_id, "an")
    vote = get_json(client, f"/api/v1/meetings/{meeting.id}")["items"][0]["advisory_vote"]
    assert vote["tally"] == {"yes": 0, "no": 1, "abstain": 1}
    assert vote["audit_head"] is None


def test_hostile_text_comes_back_as_the_same_plain_json_string(
    client: TestClient, db: Database, clerk: User
) -> None:
    meeting = make_meeting(db, clerk, HOSTILE, location=HOSTILE)
    item_on(db, clerk, meeting, HOSTILE, description=HOSTILE)
    [summary] = get_json(client, "/api/v1/meetings")["items"]
    assert summary["title"] == HOSTILE
    assert summary["location"] == HOSTILE
    detail = get_json(client, summary["api_url"])
    assert detail["title"] == HOSTILE
    assert detail["items"][0]["title"] == HOSTILE
    assert detail["items"][0]["description"] == HOSTILE
