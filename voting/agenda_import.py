"""Reading a meeting's agenda from a council information system's file: an OParl JSON document
(a Meeting with its embedded `agendaItem` list, or a list `{"data": [AgendaItem, ...]}`) or a
CSV file. Parsing only: the clerk sees a preview first, and `voting.import_views` adds the rows.

Every row goes through the same validation as the clerk's item form (`voting.forms.parse_item`),
so an imported item can never be one the form would refuse. A row that cannot be read becomes
a problem that names its CSV line or its place in the OParl list; a file that cannot be read
at all raises `UnreadableFile`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from participation.forms import Form
from participation.i18n import gettext
from voting.forms import ItemDraft, parse_item

# An agenda is a few dozen items; these caps keep a wrong file from costing memory and time.
MAX_IMPORT_BYTES = 1024 * 1024
MAX_ROWS = 200
# How long a preview may be confirmed: the clerk reads it, not more.
PREVIEW_MAX_AGE = 3600

_YES = frozenset({"ja", "yes", "oui", "1", "true", "j", "y", "o"})
_NO = frozenset({"nee", "no", "non", "0", "false", "n"})
# The CSV columns, with the Dutch and French names a municipality's export may carry.
_COLUMNS = {
    "title": ("title", "titel", "titre"),
    "description": ("description", "omschrijving", "beschrijving"),
    "public": ("public", "openbaar", "publiek"),
    "number": ("number", "nummer", "numéro", "numero"),
}
_DELIMITERS = (";", ",", "\t")


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message tells the clerk why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidPreview(Exception):
    """A confirmed preview whose signed rows were changed, belong elsewhere or expired."""


@dataclass(frozen=True)
class ImportRow:
    """An agenda item read from the file; `number` is the source system's, for comparing."""

    title: str
    description: str
    public: bool
    number: str = ""


@dataclass(frozen=True)
class Problem:
    """A row that could not be read: where it is ("Line 4", "Entry 2") and what is wrong."""

    where: str
    message: str


@dataclass(frozen=True)
class AgendaImport:
    format: str  # "csv" or "oparl"
    rows: list[ImportRow]
    problems: list[Problem]


def parse_agenda(filename: str, data: bytes) -> AgendaImport:
    """The rows the file holds in agenda order, and the problems of those it could not read.

    The format is told by the content, not the name: a JSON document starts with `{` or `[`.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise UnreadableFile(
            gettext("The file is larger than %(num)d kB; an agenda is much smaller.")
            % {"num": MAX_IMPORT_BYTES // 1024}
        )
    if not data.strip():
        raise UnreadableFile(gettext("The file is empty."))
    if b"\x00" in data:
        raise UnreadableFile(_unknown_format())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            gettext("The file is not UTF-8 text. Save it as CSV UTF-8 or as OParl JSON.")
        ) from None
    if text.lstrip().startswith(("{", "[")) or filename.lower().endswith(".json"):
        return _parse_oparl(text)
    return _parse_csv(text)


def _unknown_format() -> str:
    return gettext("This is not a file we can read: upload a CSV file or an OParl JSON document.")


def _too_many_rows() -> UnreadableFile:
    return UnreadableFile(
        gettext("The file has more than %(num)d agenda items. Split it into smaller files.")
        % {"num": MAX_ROWS}
    )


def _checked_row(
    title: object, description: object, public: object, number: object, names: dict[str, str]
) -> tuple[ImportRow | None, list[str]]:
    """Validate one row as the clerk's item form would; `names` are the source's field names
    (CSV columns or OParl fields), so the problems use the words of the file."""
    problems = []
    for key, value in {"title": title, "description": description}.items():
        if value is not None and not isinstance(value, str):
            problems.append(_field_problem(names.get(key, key), gettext("Expected text.")))
    if number is not None and not isinstance(number, str | int):
        problems.append(_field_problem(names.get("number", "number"), gettext("Expected text.")))
    is_public = _public(public)
    if is_public is None:
        problems.append(
            _field_problem(
                names.get("public", "public"),
                gettext("Write yes or no (also ja/nee, oui/non, true/false, 1/0)."),
            )
        )
    if problems:
        return None, problems
    form = Form(
        {
            # A spreadsheet cell may wrap a long title over lines; a title is one line.
            "title": " ".join(str(title or "").split()),
            "description": description or "",
            "closed_session": "" if is_public else "on",
        }
    )
    draft = parse_item(form, dt.UTC)
    for key, message in form.errors.items():
        problems.append(_field_problem(names.get(key, key), message))
    if problems:
        return None, problems
    shown_number = str(number or "").strip()[:20]
    return ImportRow(draft.title, draft.description, not draft.closed_session, shown_number), []


def _field_problem(field: str, message: str) -> str:
    return gettext("%(field)s: %(message)s") % {"field": field, "message": message}


def _public(value: object) -> bool | None:
    """Public unless the file says otherwise; None when it says something we cannot read."""
    if value is None or isinstance(value, bool):
        return True if value is None else value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    if not word:
        return True
    return True if word in _YES else False if word in _NO else None


# OParl.


def _parse_oparl(text: str) -> AgendaImport:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            gettext("The file is not valid JSON (near line %(num)d).") % {"num": error.lineno}
        ) from None
    except RecursionError:  # nested deeper than any agenda
        raise UnreadableFile(_unknown_format()) from None
    entries = _agenda_entries(document)
    if len(entries) > MAX_ROWS:
        raise _too_many_rows()
    numbered = list(enumerate(entries, start=1))
    # OParl's `order` is the agenda's order; entries without it keep their place at the end.
    numbered.sort(key=lambda pair: _order_of(pair[1]))
    rows: list[ImportRow] = []
    problems: list[tuple[int, Problem]] = []
    names = {"title": "name", "description": "description", "public": "public", "number": "number"}
    for index, entry in numbered:
        where = gettext("Entry %(num)d") % {"num": index}
        if not isinstance(entry, dict):
            problems.append((index, Problem(where, gettext("Not an embedded AgendaItem object."))))
            continue
        kind = entry.get("type")
        if kind is not None and not (isinstance(kind, str) and kind.endswith("/AgendaItem")):
            problems.append((index, Problem(where, gettext("Not an AgendaItem."))))
            continue
        if entry.get("deleted") is True:
            message = gettext("Deleted in the source system; skipped.")
            problems.append((index, Problem(where, message)))
            continue
        description = entry.get("description")
        if description is None:
            description = entry.get("resolutionText")
        row, messages = _checked_row(
            entry.get("name"), description, entry.get("public"), entry.get("number"), names
        )
        problems += [(index, Problem(where, message)) for message in messages]
        if row is not None:
            rows.append(row)
    # The report follows the file, whatever order the agenda takes.
    return AgendaImport(
        "oparl", rows, [problem for _, problem in sorted(problems, key=lambda pair: pair[0])]
    )


def _agenda_entries(document: Any) -> list[Any]:
    """The agenda items of a Meeting, of an OParl list, or a plain JSON list."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in ("agendaItem", "data"):
            entries = document.get(key)
            if isinstance(entries, list):
                return entries
    raise UnreadableFile(
        gettext(
            "This JSON is not an OParl Meeting with its agendaItem list, "
            'nor an OParl list {"data": [...]}.'
        )
    )


def _order_of(entry: Any) -> tuple[int, int]:
    order = entry.get("order") if isinstance(entry, dict) else None
    if isinstance(order, int) and not isinstance(order, bool):
        return (0, order)
    return (1, 0)


# CSV.


def _parse_csv(text: str) -> AgendaImport:
    """The first line that is not blank names the columns; each later line is an item. A
    problem names the line where its row starts (a quoted field may run over several)."""
    lines = (line for line in text.splitlines() if line.strip())
    delimiter = _sniff_delimiter(next(lines, ""))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[ImportRow] = []
    problems: list[Problem] = []
    end_line = 0
    while True:
        where = gettext("Line %(num)d") % {"num": end_line + 1}
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error:
            problems.append(Problem(where, gettext("A quote is not closed.")))
            break
        end_line = reader.line_num
        if not any(field.strip() for field in fields):
            continue
        if header is None:
            header, columns = fields, _columns(fields)
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise _too_many_rows()
        if len(fields) > len(header):
            message = gettext("%(found)d fields, but the first line names %(num)d columns.")
            problems.append(Problem(where, message % {"found": len(fields), "num": len(header)}))
            continue
        cells = {name: fields[index] for name, index in columns.items() if index < len(fields)}
        names = {name: header[index].strip() for name, index in columns.items()}
        row, messages = _checked_row(
            cells.get("title"),
            cells.get("description"),
            cells.get("public"),
            cells.get("number"),
            names,
        )
        problems += [Problem(where, message) for message in messages]
        if row is not None:
            rows.append(row)
    if header is None:
        raise UnreadableFile(_unknown_format())
    return AgendaImport("csv", rows, problems)


def _sniff_delimiter(header_line: str) -> str:
    """The separator that splits the header into the most known column names; a header is
    the one line whose words we know, so this is surer than guessing from the data."""

    def known(delimiter: str) -> int:
        names = {name.strip().strip('"').lower() for name in header_line.split(delimiter)}
        return sum(1 for aliases in _COLUMNS.values() if names & set(aliases))

    return max(_DELIMITERS, key=known)


def _columns(header: list[str]) -> dict[str, int]:
    """Which column holds what; the first line must name at least the title column."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = name.strip().lower()
        for column, aliases in _COLUMNS.items():
            if key in aliases and column not in found:
                found[column] = index
    if "title" not in found:
        raise UnreadableFile(
            gettext(
                "The first line must name the columns, with at least a column title "
                "(and description, public, number if you have them)."
            )
        )
    return found


# The preview's signed rows.


def _serializer(secret_key: str, meeting_id: int, user_id: int) -> URLSafeTimedSerializer:
    """Bound to the meeting and the clerk: a preview cannot be replayed on another agenda."""
    salt = f"inspraak.agenda-import.{meeting_id}.{user_id}"
    return URLSafeTimedSerializer(secret_key, salt=salt)


def sign_rows(secret_key: str, meeting_id: int, user_id: int, rows: list[ImportRow]) -> str:
    """The rows to carry in the confirm form, with a nonce that makes the preview single-use."""
    payload = {
        "nonce": secrets.token_urlsafe(16),
        "rows": [[r.title, r.description, r.public, r.number] for r in rows],
    }
    return _serializer(secret_key, meeting_id, user_id).dumps(payload)


def read_rows(
    secret_key: str, meeting_id: int, user_id: int, token: str
) -> tuple[str, list[ItemDraft]]:
    """The nonce and the items of a signed preview; `InvalidPreview` if it is not one."""
    try:
        payload = _serializer(secret_key, meeting_id, user_id).loads(token, max_age=PREVIEW_MAX_AGE)
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        raise InvalidPreview from None
    if not isinstance(payload, dict):
        raise InvalidPreview
    nonce, rows = payload.get("nonce"), payload.get("rows")
    if not isinstance(nonce, str) or not isinstance(rows, list) or not rows:
        raise InvalidPreview
    drafts = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 4):
            raise InvalidPreview
        title, description, public, number = row
        checked, problems = _checked_row(title, description, public, number, _SIGNED_NAMES)
        if checked is None or problems:
            raise InvalidPreview
        drafts.append(
            ItemDraft(checked.title, checked.description, closed_session=not checked.public)
        )
    return nonce, drafts


_SIGNED_NAMES = {name: name for name in _COLUMNS}
