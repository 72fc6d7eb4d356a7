"""The council feeds, read back by real parsers: icalendar for the meeting calendars,
feedparser for the decisions feed, the csv module for the results (whose tallies must equal
the meetings API's). Planned meetings and closed-session items never appear."""

from __future__ import annotations

import csv
import datetime as dt
import io
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser  # no types; see the report
import icalendar
from starlette.testclient import TestClient

from participation.database import Database, utcnow
from participation.models import User
from tests.helpers import Browser, create_user, soup
from tests.voting.agenda_world import (
    ZONE,
    add_item,
    advise,
    advisory_open,
    ballot_of,
    close_advisory,
    decide,
    decided,
    id_of,
    make_meeting,
)
from voting import councils
from voting.forms import CouncilDraft, RulesDraft
from voting.models import Meeting

BASE = "http://testserver"
HOSTILE = '<script>alert(1)</script> "]]></title><x> & a;b,c\\d'
FORMULA = '=HYPERLINK("http://evil.example","click")'
ENGLISH = {"Accept-Language": "en"}


def _calendar(client: TestClient, path: str) -> Any:
    response = client.get(path, headers=ENGLISH)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _committee(db: Database, clerk: User) -> int:
    rules = RulesDraft("cast", "majority", "rejected", quorum_required=True)
    with db.write() as session:
        council = councils.do_create_council(
            session, clerk, CouncilDraft("Commissie Mobiliteit", "committee", rules)
        )
    return id_of(council)


def test_calendars_hold_the_published_meetings_in_utc(
    client: TestClient, db: Database, clerk: User
) -> None:
    year = utcnow().year + 1
    starts = dt.datetime(year, 3, 5, 19, 30, tzinfo=ZONE)  # 18:30 UTC in winter time
    council = make_meeting(db, clerk, HOSTILE, starts_at=starts, location="Raadzaal; Stadhuis")
    add_item(db, clerk, council, title="Zebrapad")
    add_item(db, clerk, council, title="Besloten personeelszaak", closed_session=True)
    add_item(db, clerk, council, title=HOSTILE)
    committee_id = _committee(db, clerk)
    later = dt.datetime(year, 7, 1, 20, 0, tzinfo=ZONE)  # 18:00 UTC in summer time
    committee = make_meeting(db, clerk, "Commissie", starts_at=later, council_id=committee_id)
    make_meeting(db, clerk, "Nog niet gepubliceerd", publish=False)
    make_meeting(db, clerk, "Lang geleden", starts_at=utcnow() - dt.timedelta(days=400))

    calendar = _calendar(client, "/meetings.ics")
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]).startswith("Council meetings · ")
    first, second = calendar.walk("VEVENT")
    assert str(first["uid"]) == f"meeting-{council.id}@testserver"
    assert str(second["uid"]) == f"meeting-{committee.id}@testserver"
    assert first.decoded("dtstart") == dt.datetime(year, 3, 5, 18, 30, tzinfo=dt.UTC)
    assert second.decoded("dtstart") == dt.datetime(year, 7, 1, 18, 0, tzinfo=dt.UTC)
    assert first.decoded("dtend") > first.decoded("dtstart")
    assert str(first["summary"]) == HOSTILE
    assert str(first["location"]) == "Raadzaal; Stadhuis"
    assert str(first["url"]) == f"{BASE}/meetings/{council.id}"
    description = str(first["description"])
    assert description.splitlines()[1:3] == ["1. Zebrapad", f"3. {HOSTILE}"]
    assert "Besloten" not in description
    assert description.endswith(f"{BASE}/meetings/{council.id}")
    assert b"Besloten" not in client.get("/meetings.ics").content

    own = _calendar(client, f"/councils/{committee_id}/meetings.ics")
    assert str(own["x-wr-calname"]).startswith("Commissie Mobiliteit · ")
    assert [str(e["uid"]) for e in own.walk("VEVENT")] == [f"meeting-{committee.id}@testserver"]
    assert client.get(f"/councils/{committee_id + 100}/meetings.ics").status_code == 404


def _decided_meeting(
    db: Database, clerk: User, members: list[User], meeting: Meeting
) -> dict[str, int]:
    """A meeting in which the council decides three public items and one in closed session;
    one more item waits, and the residents advised on the last one."""
    residents = [create_user(db, email=f"r{i}@example.be", name=f"R{i}") for i in range(3)]
    items = {
        "zebrapad": id_of(add_item(db, clerk, meeting, title="Zebrapad")),
        "formula": id_of(add_item(db, clerk, meeting, title=FORMULA, secret=True)),
        "closed": id_of(add_item(db, clerk, meeting, title="Besloten", closed_session=True)),
        "waiting": id_of(add_item(db, clerk, meeting, title="Later")),
        "advised": id_of(add_item(db, clerk, meeting, title=HOSTILE, advisory=advisory_open())),
    }
    advise(db, residents, items["advised"], "yyn")
    close_advisory(db, items["advised"])
    decided(db, clerk, members, id_of(meeting), items["zebrapad"], "yyn")
    decide(db, clerk, members, items["formula"], "ynn")
    decide(db, clerk, members, items["closed"], "yyy")
    decide(db, clerk, members, items["advised"], "yna")
    return items


def test_decisions_as_atom_and_csv_with_the_tallies_of_the_api(
    client: TestClient, db: Database, clerk: User, council_members: list[User], meeting: Meeting
) -> None:
    items = _decided_meeting(db, clerk, council_members, meeting)
    response = client.get("/decisions.atom", headers=ENGLISH)
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.link for e in feed.entries] == [
        f"{BASE}/items/{items[name]}" for name in ("advised", "formula", "zebrapad")
    ]
    advised, formula, zebrapad = feed.entries
    assert zebrapad.title == "Approved: Zebrapad"
    assert zebrapad.summary.startswith("Yes: 2, no: 1, abstain: 0. Meeting: Gemeenteraad, ")
    assert formula.title == f"Voted down: {FORMULA}"
    assert advised.title == f"Voted down: {HOSTILE}"  # a tie rejects
    assert advised.title_detail.type == "text/plain"
    assert "Residents' advisory vote: yes 2, no 1, abstain 0." in advised.summary
    assert "advisory" not in zebrapad.summary
    # A closed ballot never changes: the latest close dates the feed.
    closed_at = ballot_of(db, items["advised"]).closed_at
    assert closed_at is not None
    modified = parsedate_to_datetime(response.headers["last-modified"])
    assert modified == closed_at.replace(microsecond=0)
    assert {link.rel: link.href for link in feed.feed.links} == {
        "self": f"{BASE}/decisions.atom",
        "alternate": f"{BASE}/meetings",
    }

    # The same decisions as CSV, with the tallies the meetings API gives.
    response = client.get("/decisions.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="decisions.csv"'
    assert "last-modified" in response.headers
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert [int(row["item_id"]) for row in rows] == [
        items[name] for name in ("zebrapad", "formula", "advised")
    ]
    api = client.get(f"/api/v1/meetings/{meeting.id}").json()
    by_id = {item["id"]: item for item in api["items"]}
    for row in rows:
        item = by_id[int(row["item_id"])]
        vote = item["council_vote"]
        assert {name: int(row[name]) for name in ("yes", "no", "abstain")} == vote["tally"]
        assert row["outcome"] == vote["outcome"]
        assert int(row["item_number"]) == item["number"]
        advice = item["advisory_vote"]["tally"] if item["advisory_vote"] else None
        shown = {name: row[f"advisory_{name}"] for name in ("yes", "no", "abstain")}
        expected = {k: str(v) for k, v in advice.items()} if advice else dict.fromkeys(shown, "")
        assert shown == expected
        assert row["url"] == f"{BASE}/items/{item['id']}"
        assert row["meeting_id"] == str(meeting.id)
        assert row["meeting"] == "Gemeenteraad"
        assert row["date"] == meeting.starts_at.astimezone(ZONE).date().isoformat()
    assert rows[1]["title"] == "'" + FORMULA
    assert rows[2]["title"] == HOSTILE
    assert rows[2]["advisory_yes"] == "2"


def test_nothing_decided_gives_empty_but_valid_files(client: TestClient) -> None:
    feed = feedparser.parse(client.get("/decisions.atom").content)
    assert not feed.bozo
    assert feed.entries == []
    response = client.get("/decisions.csv")
    assert "last-modified" not in response.headers
    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("meeting_id,meeting,")
    assert _calendar(client, "/meetings.ics").walk("VEVENT") == []


def test_the_meetings_page_links_its_feeds(browser: Browser) -> None:
    page = soup(browser.get("/meetings"))
    heads = {link["type"]: link["href"] for link in page.select('head link[rel="alternate"]')}
    assert heads == {"application/atom+xml": "/decisions.atom", "text/calendar": "/meetings.ics"}
    links = {a.get_text(strip=True): a["href"] for a in page.select(".feed-links a")}
    assert links == {
        "Add to calendar (iCal)": "/meetings.ics",
        "Subscribe to decisions (Atom)": "/decisions.atom",
        "Download decisions (CSV)": "/decisions.csv",
    }
