"""The writers behind every feed and export: Atom 1.0, CSV and iCalendar.

Each feature package gathers its rows (with the same queries its HTML lists use) and hands
them to one of these; the escaping rules of each format live here, once:

- Text that users typed can carry anything: markup, `]]>`, control characters, lone
  surrogates. XML 1.0 and iCalendar forbid most control characters outright (a parser stops at
  the first one), so `clean_text` drops them before any writer sees the text.
- Atom is built with ElementTree, which escapes `&`, `<` and `>` in text and quotes in
  attributes; summaries are `type="text"`, never HTML, so a reader shows user text as text.
- CSV is RFC 4180 (comma, `"` quoting, CRLF) in UTF-8 with a byte order mark, see `csv_response`.
- iCalendar is written by the `icalendar` package (escaping of `,` `;` `\\` and newlines,
  line folding at 75 octets), with every time in UTC so that no VTIMEZONE is needed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import icalendar
from starlette.responses import Response, StreamingResponse

ATOM = "application/atom+xml; charset=utf-8"
CSV = "text/csv; charset=utf-8"
CALENDAR = "text/calendar; charset=utf-8"
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# A feed without entries still needs an <updated>: a fixed time keeps its bytes (and so its
# validators) stable until the first entry arrives.
EMPTY_FEED_UPDATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# Rows are encoded and sent in batches of this many, so a large export never sits in memory.
CSV_BATCH = 500
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# What XML 1.0 allows (and iCalendar's TEXT too, once newlines are escaped): tab, newline,
# carriage return and the printable planes, without lone surrogates and U+FFFE/U+FFFF.
_NOT_ALLOWED = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ET.register_namespace("", ATOM_NS)

Cell = str | int | float | None


def clean_text(value: str) -> str:
    """The text without the characters that XML and iCalendar cannot carry."""
    return _NOT_ALLOWED.sub("", value)


def http_date(moment: dt.datetime) -> str:
    """A `Last-Modified` value: an RFC 9110 date in GMT, to the second."""
    return format_datetime(moment.astimezone(dt.UTC).replace(microsecond=0), usegmt=True)


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _last_modified(newest: dt.datetime | None) -> dict[str, str]:
    return {"Last-Modified": http_date(newest)} if newest else {}


# Atom 1.0 (RFC 4287).


@dataclass(frozen=True)
class AtomEntry:
    id: str  # an absolute URL that never changes for this entry
    title: str
    link: str  # the page a reader opens
    updated: dt.datetime
    published: dt.datetime | None = None
    summary: str = ""  # plain text
    author: str | None = None  # the public display name, when there is one


@dataclass(frozen=True)
class AtomFeed:
    id: str
    title: str
    self_url: str  # this feed, as requested (with its filters)
    page_url: str  # the HTML page that shows the same list
    language: str
    author: str  # who publishes the feed: the name of entries that have none of their own
    entries: Sequence[AtomEntry]
    subtitle: str = ""

    @property
    def updated(self) -> dt.datetime:
        return max((e.updated for e in self.entries), default=EMPTY_FEED_UPDATED)


def _add(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
    if text is not None:
        element.text = clean_text(text)
    return element


def atom_bytes(feed: AtomFeed) -> bytes:
    root = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: feed.language})
    _add(root, "id", feed.id)
    _add(root, "title", feed.title, type="text")
    if feed.subtitle:
        _add(root, "subtitle", feed.subtitle, type="text")
    _add(root, "updated", _rfc3339(feed.updated))
    _add(root, "link", rel="self", type="application/atom+xml", href=feed.self_url)
    _add(root, "link", rel="alternate", type="text/html", href=feed.page_url)
    _add(_add(root, "author"), "name", feed.author)
    _add(root, "generator", "Inspraak")
    for entry in feed.entries:
        element = _add(root, "entry")
        _add(element, "id", entry.id)
        _add(element, "title", entry.title, type="text")
        _add(element, "updated", _rfc3339(entry.updated))
        if entry.published:
            _add(element, "published", _rfc3339(entry.published))
        if entry.author:  # otherwise the feed's author stands for the entry (RFC 4287)
            _add(_add(element, "author"), "name", entry.author)
        _add(element, "link", rel="alternate", type="text/html", href=entry.link)
        if entry.summary:
            _add(element, "summary", entry.summary, type="text")
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written


def atom_response(feed: AtomFeed, last_modified: dt.datetime | None = None) -> Response:
    """`last_modified` only for a list that changes by new rows alone: when moderation can
    take an entry out, no newer time records it, and a client asking If-Modified-Since would
    keep the hidden entry. The validators middleware's ETag covers those feeds."""
    return Response(atom_bytes(feed), media_type=ATOM, headers=_last_modified(last_modified))


# CSV.


def safe_cell(value: Cell) -> Cell:
    """A text cell that a spreadsheet would run as a formula gets a leading `'`, which the
    spreadsheet shows as text. Numbers stay numbers (a negative longitude is no formula)."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    """The encoded file, a batch of rows at a time, starting with the byte order mark."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)  # RFC 4180: comma, double quotes, CRLF line ends
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(cell) for cell in row])
        if count % CSV_BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode()


def csv_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    last_modified: dt.datetime | None = None,
) -> Response:
    """An export to download, streamed as the rows come (pass a generator for large lists);
    `last_modified` as for `atom_response`.

    Comma-separated, because that is what RFC 4180, the Flemish and Dutch open-data
    guidelines and every data tool (pandas, R, LibreOffice, Excel's "From Text/CSV" import,
    Power Query) read without being told. The byte order mark makes Excel read UTF-8 (`é`,
    `ë`, `€`) instead of Windows-1252. Excel in a Dutch or French locale expects `;` when a
    file is double-clicked and then shows one column; the import dialog reads this file
    correctly. A `sep=,` first line would fix the double click, but Excel then ignores the
    byte order mark (breaking the accents) and every other tool reads it as a row, so there
    is none. Decimals are written with a point, as open data must be.
    """
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    headers.update(_last_modified(last_modified))
    return StreamingResponse(csv_lines(header, rows), media_type=CSV, headers=headers)


# iCalendar (RFC 5545).

DEFAULT_DURATION = dt.timedelta(hours=3)  # a council meeting whose end is not known yet


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable: a calendar updates the event it already has instead of adding one
    starts_at: dt.datetime
    summary: str
    url: str
    stamp: dt.datetime  # when the event's information last changed
    ends_at: dt.datetime | None = None
    location: str = ""
    description: str = ""


def uid_for(base_url: str, kind: str, row_id: int) -> str:
    """A globally unique id: the row's kind and id at the platform's host name."""
    return f"{kind}-{row_id}@{urlsplit(base_url).hostname or 'localhost'}"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def calendar_bytes(name: str, events: Iterable[CalendarEvent]) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Inspraak//Council meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", clean_text(name))
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", _utc(item.stamp))
        event.add("dtstart", _utc(item.starts_at))
        event.add("dtend", _utc(item.ends_at or item.starts_at + DEFAULT_DURATION))
        event.add("summary", clean_text(item.summary))
        if item.location:
            event.add("location", clean_text(item.location))
        event.add("url", item.url)
        if item.description:
            event.add("description", clean_text(item.description))
        calendar.add_component(event)
    written: bytes = calendar.to_ical()
    return written


def calendar_response(name: str, events: Sequence[CalendarEvent], filename: str) -> Response:
    """No Last-Modified: an agenda item that is edited or moved records no time of its own."""
    headers = {"Content-Disposition": f'inline; filename="{filename}"'}
    return Response(calendar_bytes(name, events), media_type=CALENDAR, headers=headers)
