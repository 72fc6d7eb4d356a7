"""Dossier documents: PDFs stored outside the public uploads and served to those who may see
their item, and links to documents elsewhere."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx
import pytest
from sqlmodel import col, select

from participation.database import Database
from participation.models import User
from participation.settings import Settings
from tests.helpers import Browser, select_one, soup
from tests.voting.agenda_world import add_item, log_in, make_meeting
from voting import documents
from voting.forms import MAX_DOCUMENT_BYTES
from voting.models import AgendaItem, ItemDocument, Meeting

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HOSTILE = '<script>alert(1)</script>"; filename="evil.html\r\nX-Injected: 1'


def _upload(
    browser: Browser, item: AgendaItem, title: str = "Verslag", data: bytes = PDF, **extra: str
) -> httpx.Response:
    return browser.post(
        f"/items/{item.id}/documents",
        {"title": title, **extra},
        files={"file": ("verslag.pdf", data, "application/pdf")},
    )


def _stored(settings: Settings) -> list[Path]:
    folder = documents.documents_dir(settings.var_path)
    return sorted(folder.iterdir()) if folder.exists() else []


def _document_url(browser: Browser, item: AgendaItem) -> str:
    page = browser.get(f"/meetings/{item.meeting_id}")
    return str(select_one(page, f"#item-{item.id} .agenda-item__documents a")["href"])


def test_a_clerk_uploads_a_pdf_and_everyone_reads_it(
    browser: Browser, settings: Settings, clerk: User, item: AgendaItem
) -> None:
    log_in(browser, "greet@example.be")
    browser.get(f"/meetings/{item.meeting_id}")
    response = _upload(browser, item, title="Verslag van de commissie")
    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{item.meeting_id}#item-{item.id}"
    [stored] = _stored(settings)
    assert stored.read_bytes() == PDF
    assert not stored.is_relative_to(settings.uploads_path)
    url = _document_url(browser, item)
    browser.post("/logout")
    served = browser.get(url)
    assert served.status_code == 200
    assert served.content == PDF
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["x-content-type-options"] == "nosniff"
    disposition = served.headers["content-disposition"]
    assert disposition.startswith('inline; filename="Verslag-van-de-commissie.pdf"')
    assert "filename*=UTF-8''Verslag%20van%20de%20commissie.pdf" in disposition
    assert browser.get(f"/uploads/documents/{stored.name}").status_code == 404


def test_a_link_document_sends_the_reader_on(
    browser: Browser, db: Database, clerk: User, item: AgendaItem
) -> None:
    log_in(browser, "greet@example.be")
    browser.get(f"/meetings/{item.meeting_id}")
    response = browser.post(
        f"/items/{item.id}/documents",
        {"title": "Besluit op de website", "url": "https://example.be/besluit.pdf"},
    )
    assert response.status_code == 303
    url = _document_url(browser, item)
    served = browser.get(url)
    assert served.status_code == 303
    assert served.headers["location"] == "https://example.be/besluit.pdf"


@pytest.mark.parametrize(
    ("data", "fields", "field", "message"),
    [
        (b"<html><script>alert(1)</script>", {}, "file", "not a PDF"),
        (b"GIF89a%PDF-", {}, "file", "not a PDF"),
        (PDF + b"x" * MAX_DOCUMENT_BYTES, {}, "file", "10 MB"),
        (None, {}, "file", "Upload a PDF or give a link"),
        (PDF, {"url": "https://example.be/x.pdf"}, "url", "not both"),
        (None, {"url": "javascript:alert(1)"}, "url", "https://"),
        (None, {"url": "file:///etc/passwd"}, "url", "https://"),
        (None, {"url": "https:///no-host"}, "url", "https://"),
    ],
)
def test_what_is_not_a_pdf_or_a_web_link_is_refused(
    browser: Browser,
    db: Database,
    settings: Settings,
    clerk: User,
    item: AgendaItem,
    data: bytes | None,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    log_in(browser, "greet@example.be")
    browser.get(f"/meetings/{item.meeting_id}")
    files = {"file": ("dossier.pdf", data, "application/pdf")} if data is not None else None
    response = browser.post(
        f"/items/{item.id}/documents", {"title": "Mijn titel", **fields}, files=files
    )
    assert response.status_code == 400
    assert message in select_one(response, f"#document-{item.id}-{field}-error").get_text()
    assert select_one(response, f"#document-{item.id}-title")["value"] == "Mijn titel"
    assert select_one(response, f"#item-{item.id} details[open] #document-{item.id}-file")
    assert _stored(settings) == []
    with db.read() as session:
        assert session.exec(select(ItemDocument)).all() == []


def test_a_document_needs_a_title(browser: Browser, clerk: User, item: AgendaItem) -> None:
    log_in(browser, "greet@example.be")
    browser.get(f"/meetings/{item.meeting_id}")
    response = _upload(browser, item, title="")
    assert response.status_code == 400
    assert select_one(response, f"#document-{item.id}-title-error").get_text()


def test_hostile_document_titles_are_escaped_on_the_page_and_in_the_header(
    browser: Browser, clerk: User, item: AgendaItem
) -> None:
    log_in(browser, "greet@example.be")
    browser.get(f"/meetings/{item.meeting_id}")
    assert _upload(browser, item, title=HOSTILE).status_code == 303
    page = browser.get(f"/meetings/{item.meeting_id}")
    assert "<script>alert(1)" not in page.text
    assert soup(page).select("main script") == []
    link = select_one(page, ".agenda-item__documents a")
    assert link.get_text() == HOSTILE.replace("\r\n", "")  # form text drops control characters
    served = browser.get(str(link["href"]))
    assert "x-injected" not in served.headers
    disposition = served.headers["content-disposition"]
    assert disposition.count('"') == 2
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert disposition.startswith(
        'inline; filename="script-alert-1-script-filename-evil.htmlX-Injected-1.pdf"'
    )


def _closed_item_documents(
    db: Database, browser: Browser, clerk: User, meeting: Meeting
) -> tuple[str, str]:
    """The addresses of a PDF and of a link on an item in closed session."""
    closed = add_item(db, clerk, meeting, title="Benoeming", closed_session=True)
    log_in(browser, "greet@example.be")
    browser.get(f"/meetings/{meeting.id}")
    assert _upload(browser, closed, title="Dossier benoeming").status_code == 303
    assert (
        browser.post(
            f"/items/{closed.id}/documents",
            {"title": "Link benoeming", "url": "https://intranet.example.be/benoeming"},
        ).status_code
        == 303
    )
    with db.read() as session:
        pdf, link = session.exec(select(ItemDocument).order_by(col(ItemDocument.id))).all()
    return f"/documents/{pdf.id}", f"/documents/{link.id}"


@pytest.mark.usefixtures("council_members", "resident")  # they log in
def test_closed_session_documents_are_for_members_and_clerks_only(
    browser: Browser, db: Database, clerk: User, meeting: Meeting
) -> None:
    pdf_url, link_url = _closed_item_documents(db, browser, clerk, meeting)
    served = browser.get(pdf_url)
    assert served.status_code == 200
    assert served.headers["cache-control"] == "private, no-store"
    log_in(browser, "member2@example.be")
    assert browser.get(pdf_url).content == PDF
    assert browser.get(link_url).status_code == 303
    log_in(browser, "ann@example.be")
    assert browser.get(pdf_url).status_code == 404
    assert browser.get(link_url).status_code == 404
    assert "Dossier benoeming" not in browser.get(f"/meetings/{meeting.id}").text
    browser.post("/logout")
    assert browser.get(pdf_url).status_code == 404
    assert browser.get(link_url).status_code == 404
    assert browser.get("/documents/999").status_code == 404


def test_documents_of_a_planned_meeting_are_for_clerks_only(
    browser: Browser, db: Database, clerk: User, council_members: list[User]
) -> None:
    draft = make_meeting(db, clerk, "Ontwerp", publish=False)
    item = add_item(db, clerk, draft)
    log_in(browser, "greet@example.be")
    browser.get(f"/meetings/{draft.id}")
    assert _upload(browser, item).status_code == 303
    url = _document_url(browser, item)
    assert browser.get(url).status_code == 200
    log_in(browser, "member0@example.be")
    assert browser.get(url).status_code == 404


def test_a_document_for_an_unknown_item_is_refused_before_anything_is_stored(
    browser: Browser, settings: Settings, clerk: User
) -> None:
    log_in(browser, "greet@example.be")
    browser.get("/meetings")
    response = browser.post(
        "/items/999/documents",
        {"title": "Verslag"},
        files={"file": ("verslag.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 404
    assert _stored(settings) == []


def test_the_content_disposition_of_a_plain_and_a_foreign_title() -> None:
    assert documents.content_disposition("Begroting 2027") == (
        "inline; filename=\"Begroting-2027.pdf\"; filename*=UTF-8''Begroting%202027.pdf"
    )
    assert documents.content_disposition("Économie/été") == (
        "inline; filename=\"Economie-ete.pdf\"; filename*=UTF-8''%C3%89conomie-%C3%A9t%C3%A9.pdf"
    )
    assert documents.content_disposition("«»") == (
        "inline; filename=\"document.pdf\"; filename*=UTF-8''%C2%AB%C2%BB.pdf"
    )


def test_stored_names_cannot_leave_the_documents_folder(tmp_path: Path) -> None:
    name = documents.store_pdf(PDF, tmp_path)
    assert documents.stored_path(tmp_path, name).read_bytes() == PDF
    with pytest.raises(ValueError, match="not the name"):
        documents.stored_path(tmp_path, "../secret_key")
