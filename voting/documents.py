"""Dossier documents of agenda items: uploaded PDFs, or links to documents elsewhere.

Uploaded PDFs live under `var/documents`, never in the public uploads folder: a document of an
item in closed session is only for the council's members and the clerks, so every download
goes through `get_document`, which asks `get_item` whether this viewer may see the item.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from participation.checks import Refused
from participation.events import publish
from participation.i18n import gettext
from participation.models import User
from voting.actions import check_clerk, get_item
from voting.forms import MAX_DOCUMENT_BYTES, DocumentDraft
from voting.models import ItemDocument

FOLDER = "documents"
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.pdf")


def documents_dir(var_path: Path) -> Path:
    return var_path / FOLDER


def read_upload(upload: object) -> bytes | None:
    """The bytes of the form's file field, at most one byte over the limit (enough to say it
    is too large without reading it all); None when no file was chosen."""
    if not isinstance(upload, UploadFile):
        return None
    data = upload.file.read(MAX_DOCUMENT_BYTES + 1)
    if not data and not upload.filename:
        return None
    return data


def store_pdf(data: bytes, folder: Path) -> str:
    """Write a checked PDF under a random name and return that name.

    The name is fresh, and no page links to it before the database row that names it is
    committed, so no reader can meet a half-written file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.pdf"
    with (folder / name).open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return name


def stored_path(folder: Path, name: str) -> Path:
    if not _STORED_NAME.fullmatch(name):
        raise ValueError(f"not the name of a stored document: {name!r}")
    return folder / name


def check_add_document(session: Session, clerk: User, item_id: int) -> None:
    check_clerk(session, clerk)
    get_item(session, item_id, clerk)


def do_add_document(
    session: Session, clerk: User, item_id: int, draft: DocumentDraft, file_name: str | None
) -> ItemDocument:
    """`file_name` is what `store_pdf` returned for an upload; None for a link."""
    check_add_document(session, clerk, item_id)
    document = ItemDocument(
        item_id=item_id,
        title=draft.title,
        url=None if file_name else draft.url,
        file_name=file_name,
        size=len(draft.data) if file_name and draft.data else 0,
    )
    session.add(document)
    session.flush()
    publish(session, "item.document_added", item_id=item_id, document_id=document.id)
    return document


def get_document(session: Session, document_id: int, viewer: User | None) -> ItemDocument:
    """The document, if the viewer may see its item; otherwise, as if it did not exist."""
    document = session.get(ItemDocument, document_id)
    if document is None:
        raise Refused(404, gettext("This document does not exist."))
    try:
        get_item(session, document.item_id, viewer)
    except Refused:
        raise Refused(404, gettext("This document does not exist.")) from None
    return document


def documents_of(session: Session, item_ids: Iterable[int]) -> dict[int, list[ItemDocument]]:
    wanted = list(item_ids)
    found: dict[int, list[ItemDocument]] = {item_id: [] for item_id in wanted}
    if wanted:
        statement = select(ItemDocument).where(col(ItemDocument.item_id).in_(wanted))
        for document in session.exec(statement.order_by(col(ItemDocument.id))):
            found[document.item_id].append(document)
    return found


def content_disposition(title: str) -> str:
    """`inline` with the title as file name: an ASCII fallback, and the title itself encoded
    (RFC 6266), so no quote, semicolon or line break in a title can change the header."""
    cleaned = "".join(ch for ch in title if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    cleaned = re.sub(r"[/\\]+", "-", cleaned).strip() or "document"
    ascii_name = unicodedata.normalize("NFKD", cleaned).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._]+", "-", ascii_name).strip("-.")[:80] or "document"
    return f"inline; filename=\"{ascii_name}.pdf\"; filename*=UTF-8''{quote(cleaned[:80])}.pdf"
