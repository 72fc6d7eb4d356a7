"""The feed writers, read back by real parsers: XML and feedparser for Atom, the csv module
for CSV, icalendar for iCalendar; whatever users typed comes back as the same text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree as ET

import feedparser  # no types; see the report
import icalendar
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from participation.feeds import (
    ATOM_NS,
    EMPTY_FEED_UPDATED,
    AtomEntry,
    AtomFeed,
    CalendarEvent,
    Cell,
    atom_bytes,
    atom_response,
    calendar_bytes,
    calendar_response,
    clean_text,
    csv_response,
    uid_for,
)

# Markup, the end of a CDATA section, an entity, control characters (not allowed in XML nor
# in iCalendar), a lone surrogate, an emoji, newlines, and iCalendar's own separators.
HOSTILE = '<script>alert(1)</script> "]]></title><x> &amp; & \x00\x07\x1b\ud800 🚲\r\nnext; a,b\\c'
KEPT = '<script>alert(1)</script> "]]></title><x> &amp; &  🚲\r\nnext; a,b\\c'
# XML and iCalendar both read a CR LF pair back as one newline.
KEPT_LINES = KEPT.replace("\r\n", "\n")
WHEN = dt.datetime(2024, 3, 5, 18, 30, tzinfo=dt.UTC)


def _entry(number: int, **changes: object) -> AtomEntry:
    values: dict[str, object] = {
        "id": f"http://testserver/ideas/{number}",
        "title": f"Idea {number}",
        "link": f"http://testserver/ideas/{number}",
        "updated": WHEN + dt.timedelta(hours=number),
        "published": WHEN,
        "summary": f"Summary {number}",
        "author": f"Author {number}",
        **changes,
    }
    return AtomEntry(**values)  # type: ignore[arg-type]


def _feed(*entries: AtomEntry) -> AtomFeed:
    return AtomFeed(
        id="http://testserver/ideas.atom",
        title="New ideas · Gent",
        self_url="http://testserver/ideas.atom?status=new",
        page_url="http://testserver/ideas?status=new",
        language="nl",
        author="Gent",
        entries=entries,
    )


def test_clean_text_drops_only_what_xml_cannot_carry() -> None:
    assert clean_text(HOSTILE) == KEPT
    assert clean_text("tab\there\ufffd\U0001f600") == "tab\there\ufffd\U0001f600"
    assert clean_text("\ufffe\uffff\x7f") == "\x7f"


def test_atom_is_well_formed_and_keeps_hostile_text_as_text() -> None:
    hostile = _entry(2, title=HOSTILE, summary=HOSTILE, author=HOSTILE)
    body = atom_bytes(_feed(_entry(1, author=None), hostile))
    root = ET.fromstring(body)  # noqa: S314 - our own output, parsed strictly on purpose
    assert root.tag == f"{{{ATOM_NS}}}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    assert b"<script>" not in body
    assert b"<x>" not in body
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    feed = parsed.feed
    assert feed.title == "New ideas · Gent"
    assert feed.id == "http://testserver/ideas.atom"
    assert feed.updated_parsed[:5] == (2024, 3, 5, 20, 30)  # the newest entry's
    links = {link.rel: link.href for link in feed.links}
    assert links == {
        "self": "http://testserver/ideas.atom?status=new",
        "alternate": "http://testserver/ideas?status=new",
    }
    first, second = parsed.entries
    assert (first.title, first.id, first.link) == ("Idea 1", _entry(1).id, _entry(1).link)
    assert feed.author == "Gent"  # stands for an entry without an author of its own
    assert "author" not in first
    assert first.summary == "Summary 1"
    assert first.published_parsed[:5] == (2024, 3, 5, 18, 30)
    # feedparser reports plain text as text/plain: no reader renders it as HTML.
    assert second.title_detail.type == "text/plain"
    assert second.summary_detail.type == "text/plain"
    expected = KEPT_LINES
    assert root.findtext(f"{{{ATOM_NS}}}entry[2]/{{{ATOM_NS}}}title") == expected
    assert root.findtext(f"{{{ATOM_NS}}}entry[2]/{{{ATOM_NS}}}summary") == expected
    assert root.findtext(f"{{{ATOM_NS}}}entry[2]/{{{ATOM_NS}}}author/{{{ATOM_NS}}}name") == (
        expected
    )


def test_an_empty_feed_is_valid_and_stable() -> None:
    body = atom_bytes(_feed())
    assert body == atom_bytes(_feed())
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert parsed.entries == []
    assert parsed.feed.updated_parsed[:3] == EMPTY_FEED_UPDATED.timetuple()[:3]


def test_atom_response_type_and_last_modified() -> None:
    plain = atom_response(_feed(_entry(1)))
    assert plain.media_type == "application/atom+xml; charset=utf-8"
    assert plain.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert "last-modified" not in plain.headers
    dated = atom_response(_feed(_entry(1)), WHEN.replace(microsecond=999))
    assert dated.headers["last-modified"] == "Tue, 05 Mar 2024 18:30:00 GMT"


def _download(response: Response) -> tuple[dict[str, str], bytes]:
    """What a client receives of a (streamed) response."""
    app = Starlette(routes=[Route("/file", lambda _request: response)])
    with TestClient(app) as client:
        got = client.get("/file")
    return dict(got.headers), got.content


def test_csv_has_a_bom_quotes_properly_and_neutralises_formulas() -> None:
    rows: list[list[Cell]] = [
        [1, '=HYPERLINK("http://evil","click")', -3.5, None],
        [2, "+31 6 1234", 0.0, "@SUM(A1)"],
        [3, "-1+1", 51.05, "\tcmd"],
        [4, HOSTILE, 4.2, 'say "hi", then\nleave'],
        [5, "Schoolstraat – fietspad ‘veilig’ é ë €", 1, ""],
    ]
    headers, body = _download(
        csv_response("ideas.csv", ["id", "title", "x", "note"], iter(rows), WHEN)
    )
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert headers["content-disposition"] == 'attachment; filename="ideas.csv"'
    assert parsedate_to_datetime(headers["last-modified"]) == WHEN
    assert body.startswith(b"\xef\xbb\xbfid,title,x,note\r\n")
    read = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert read[0] == ["id", "title", "x", "note"]
    assert read[1] == ["1", '\'=HYPERLINK("http://evil","click")', "-3.5", ""]
    assert read[2] == ["2", "'+31 6 1234", "0.0", "'@SUM(A1)"]
    assert read[3] == ["3", "'-1+1", "51.05", "'\tcmd"]
    assert read[4] == ["4", KEPT, "4.2", 'say "hi", then\nleave']
    assert read[5] == ["5", "Schoolstraat – fietspad ‘veilig’ é ë €", "1", ""]
    assert len(read) == 6


def test_a_long_csv_streams_in_batches_with_one_bom() -> None:
    count = 1234
    rows: Iterator[list[Cell]] = ([n, f"title {n}"] for n in range(count))
    response = csv_response("big.csv", ["id", "title"], rows)
    _headers, body = _download(response)
    assert body.count("\ufeff".encode()) == 1
    read = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [int(row["id"]) for row in read] == list(range(count))
    assert "last-modified" not in response.headers


def test_icalendar_parses_back_with_utc_times_and_hostile_text() -> None:
    brussels = dt.timezone(dt.timedelta(hours=1))
    events = [
        CalendarEvent(
            uid=uid_for("https://inspraak.gent.be", "meeting", 7),
            starts_at=dt.datetime(2024, 3, 5, 19, 30, 15, 999, tzinfo=brussels),
            summary=HOSTILE,
            url="https://inspraak.gent.be/meetings/7",
            stamp=WHEN,
            location="Raadzaal; Stadhuis, Botermarkt 1",
            description="Agenda:\n1. Zebrapad\n2. " + HOSTILE,
        ),
        CalendarEvent(
            uid=uid_for("http://localhost:8000", "meeting", 8),
            starts_at=WHEN,
            ends_at=WHEN + dt.timedelta(hours=1, minutes=15),
            summary="Kort",
            url="http://localhost:8000/meetings/8",
            stamp=WHEN,
        ),
    ]
    body = calendar_bytes("Gemeenteraad · Gent", events)
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded at 75 octets
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]).startswith("-//Inspraak//")
    assert str(calendar["x-wr-calname"]) == "Gemeenteraad · Gent"
    first, second = calendar.walk("VEVENT")
    assert str(first["uid"]) == "meeting-7@inspraak.gent.be"
    assert str(second["uid"]) == "meeting-8@localhost"
    start = first.decoded("dtstart")
    assert start == dt.datetime(2024, 3, 5, 18, 30, 15, tzinfo=dt.UTC)
    assert start.utcoffset() == dt.timedelta(0)
    assert first.decoded("dtend") - start == dt.timedelta(hours=3)  # the default length
    assert second.decoded("dtend") == WHEN + dt.timedelta(hours=1, minutes=15)
    assert first.decoded("dtstamp") == WHEN
    assert str(first["summary"]) == KEPT_LINES
    assert str(first["location"]) == "Raadzaal; Stadhuis, Botermarkt 1"
    assert str(first["description"]) == "Agenda:\n1. Zebrapad\n2. " + KEPT_LINES
    assert str(first["url"]) == "https://inspraak.gent.be/meetings/7"
    assert "location" not in second
    assert "description" not in second
    assert b"VTIMEZONE" not in body


def test_calendar_response_type() -> None:
    response = calendar_response("Raad", [], "meetings.ics")
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'inline; filename="meetings.ics"'
    assert icalendar.Calendar.from_ical(bytes(response.body)).walk("VEVENT") == []
