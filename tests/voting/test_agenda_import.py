"""Reading an agenda from an OParl JSON document or a CSV file: the rows, the problems that
name their line or entry, and the files that cannot be read at all."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from participation.i18n import use_language
from voting import agenda_import
from voting.agenda_import import (
    MAX_IMPORT_BYTES,
    MAX_ROWS,
    ImportRow,
    InvalidPreview,
    Problem,
    UnreadableFile,
    parse_agenda,
    read_rows,
    sign_rows,
)
from voting.models import TITLE_MAX

HOSTILE = '<script>alert(1)</script>"]]></title><x>'
KEY = "k" * 40


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_language("en"):
        yield


def _oparl_item(name: object, order: int, **fields: object) -> dict[str, object]:
    return {
        "id": f"https://ris.example.be/oparl/agendaitem/{order}",
        "type": "https://schema.oparl.org/1.1/AgendaItem",
        "name": name,
        "order": order,
        **fields,
    }


def test_an_oparl_meeting_gives_its_items_in_agenda_order() -> None:
    meeting = {
        "id": "https://ris.example.be/oparl/meeting/7",
        "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "Gemeenteraad",
        "agendaItem": [
            _oparl_item("Begroting 2027", 2, number="2", public=True, resolutionText="Goedgekeurd"),
            _oparl_item("Opening", 1, number="1", description="Welkom"),
            _oparl_item("Personeelszaak", 3, number="3", public=False),
            "https://ris.example.be/oparl/agendaitem/9",
            _oparl_item("", 5),
            _oparl_item("Weg", 6, deleted=True),
            _oparl_item(HOSTILE, 4, public="nee"),
        ],
    }
    found = parse_agenda("meeting.json", json.dumps(meeting).encode())
    assert found.format == "oparl"
    assert found.rows == [
        ImportRow("Opening", "Welkom", True, "1"),
        ImportRow("Begroting 2027", "Goedgekeurd", True, "2"),
        ImportRow("Personeelszaak", "", False, "3"),
        ImportRow(HOSTILE, "", False, ""),
    ]
    assert found.problems == [
        Problem("Entry 4", "Not an embedded AgendaItem object."),
        Problem("Entry 5", "name: This field is required."),
        Problem("Entry 6", "Deleted in the source system; skipped."),
    ]


def test_an_oparl_list_is_read_too_and_wrong_fields_are_named() -> None:
    listing = {
        "data": [
            _oparl_item("Mobiliteitsplan", 1, public=1),
            _oparl_item(["not", "text"], 2),
            _oparl_item("Te lang" + "x" * TITLE_MAX, 3),
            _oparl_item("Openbaar?", 4, public="misschien"),
            {"type": "https://schema.oparl.org/1.1/Person", "name": "Ann"},
        ],
        "links": {},
    }
    found = parse_agenda("list.txt", json.dumps(listing).encode())
    assert found.rows == [ImportRow("Mobiliteitsplan", "", True, "")]
    assert [(p.where, p.message.split(":")[0]) for p in found.problems] == [
        ("Entry 2", "name"),
        ("Entry 3", "name"),
        ("Entry 4", "public"),
        ("Entry 5", "Not an AgendaItem."),
    ]
    assert "at most 200" in found.problems[1].message


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        ("\ufefftitle;description;public;number\r\n", ";"),
        ("title,description,public,number\n", ","),
    ],
)
def test_a_csv_file_with_either_separator_and_a_bom(data: str, delimiter: str) -> None:
    lines = [
        ["Opening", "Welkom", "ja", "1"],
        ["Begroting, deel 2", "Regel 1\nRegel 2", "yes", "2"],
        ["", "zonder titel", "ja", "3"],
        ["Personeel", "", "nee", "4"],
        ["Onleesbaar", "", "misschien", "5"],
        ['=HYPERLINK("http://evil.example")', "", "", ""],
        [HOSTILE, "", "non", ""],
        ["Te veel", "", "", "", "extra"],
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    for row in lines:  # blank lines between rows are skipped, and still counted
        writer.writerow(row)
        writer.writerow([])
    body = buffer.getvalue()
    found = parse_agenda("agenda.csv", (data + body).encode())
    assert found.format == "csv"
    assert found.rows == [
        ImportRow("Opening", "Welkom", True, "1"),
        ImportRow("Begroting, deel 2", "Regel 1\nRegel 2", True, "2"),
        ImportRow("Personeel", "", False, "4"),
        ImportRow('=HYPERLINK("http://evil.example")', "", True, ""),
        ImportRow(HOSTILE, "", False, ""),
    ]
    # The header is line 1; the quoted description runs over lines 4 and 5.
    assert found.problems == [
        Problem("Line 7", "title: This field is required."),
        Problem("Line 11", "public: Write yes or no (also ja/nee, oui/non, true/false, 1/0)."),
        Problem("Line 17", "5 fields, but the first line names 4 columns."),
    ]


def test_dutch_column_names_and_missing_columns() -> None:
    found = parse_agenda("a.csv", "Numéro;Titel;Openbaar;Opmerking\n1;Opening;nee;x\n".encode())
    assert found.rows == [ImportRow("Opening", "", False, "1")]
    with pytest.raises(UnreadableFile, match="at least a column title"):
        parse_agenda("a.csv", b"name;public\nOpening;ja\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b" \r\n\n", "The file is empty."),
        (b"%PDF-1.4\x00\x01\x02", "not a file we can read"),
        (b"\xff\xfe t\x00i\x00", "not a file we can read"),
        ("titel;omschrijving\nCafé".encode("cp1252"), "not UTF-8 text"),
        (b'{"agendaItem": [', "not valid JSON (near line 1)"),
        (b'{"name": "Gemeenteraad"}', "not an OParl Meeting"),
        (b"[" * 100_000, "not a file we can read"),
        (b"x" * (MAX_IMPORT_BYTES + 1), "larger than 1024 kB"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile) as refused:
        parse_agenda("agenda.csv", data)
    assert message in refused.value.message


def test_too_many_rows_are_refused_as_a_whole() -> None:
    allowed = "title\n" + "".join(f"Punt {n}\n" for n in range(MAX_ROWS))
    assert len(parse_agenda("a.csv", allowed.encode()).rows) == MAX_ROWS
    with pytest.raises(UnreadableFile, match=f"more than {MAX_ROWS}"):
        parse_agenda("a.csv", (allowed + "Eén te veel\n").encode())
    items = [_oparl_item(f"Punt {n}", n) for n in range(MAX_ROWS + 1)]
    with pytest.raises(UnreadableFile, match=f"more than {MAX_ROWS}"):
        parse_agenda("a.json", json.dumps({"data": items}).encode())


def test_the_signed_rows_come_back_only_unchanged_for_the_same_meeting_and_clerk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [ImportRow(HOSTILE, "Tekst", False, "1"), ImportRow("Opening", "", True, "")]
    token = sign_rows(KEY, 7, 3, rows)
    nonce, drafts = read_rows(KEY, 7, 3, token)
    assert nonce
    assert [(d.title, d.description, d.closed_session) for d in drafts] == [
        (HOSTILE, "Tekst", True),
        ("Opening", "", False),
    ]
    assert all(d.council_vote and d.advisory is None for d in drafts)
    assert sign_rows(KEY, 7, 3, rows) != token  # every preview has its own nonce
    for meeting_id, user_id, key, signed in [
        (8, 3, KEY, token),  # another meeting
        (7, 4, KEY, token),  # another clerk
        (7, 3, "z" * 40, token),  # another secret key
        (7, 3, KEY, token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]),
        (7, 3, KEY, ""),
    ]:
        with pytest.raises(InvalidPreview):
            read_rows(key, meeting_id, user_id, signed)
    monkeypatch.setattr(agenda_import, "PREVIEW_MAX_AGE", -1)
    with pytest.raises(InvalidPreview):
        read_rows(KEY, 7, 3, token)  # expired
