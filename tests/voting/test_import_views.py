"""Importing an agenda over HTTP: the clerk uploads a file, reads the preview and the report of
rows that could not be read, confirms, and finds the items on the meeting page; nothing is
added before the confirmation, twice, from a changed preview, or half."""

from __future__ import annotations

import json

import httpx2 as httpx
import pytest
from sqlmodel import col, select

from participation.checks import Refused
from participation.database import Database
from participation.models import User
from tests.helpers import Browser, field_error, flashes, select_one, soup
from tests.voting.agenda_world import add_item, log_in, make_meeting
from voting import actions
from voting.models import AgendaItem, Meeting

HOSTILE = '<script>alert(1)</script>"]]></title><x>'
CSV = (
    "\ufefftitle;description;public;number\n"
    "Opening;Welkom door de voorzitter;ja;1\n"
    ";zonder titel;ja;2\n"
    f'"{HOSTILE.replace(chr(34), chr(34) * 2)}";**Vet**;ja;3\n'
    "Personeelszaak;;nee;4\n"
).encode()


def _upload(
    browser: Browser, meeting: Meeting, data: bytes, name: str = "agenda.csv"
) -> httpx.Response:
    return browser.post(f"/meetings/{meeting.id}/import", files={"file": (name, data, "text/csv")})


def _confirm_field(preview: httpx.Response) -> str:
    return str(select_one(preview, "form[action$='/import/confirm'] input[name=rows]")["value"])


def _titles(db: Database, meeting: Meeting) -> list[str]:
    with db.read() as session:
        items = session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(col(AgendaItem.position))
        )
        return [item.title for item in items]


def test_a_clerk_previews_and_imports_a_csv_agenda(
    browser: Browser, db: Database, clerk: User, meeting: Meeting
) -> None:
    add_item(db, clerk, meeting, title="Goedkeuring verslag")
    log_in(browser, clerk)
    page = browser.get(f"/meetings/{meeting.id}")
    link = select_one(page, f"a[href='/meetings/{meeting.id}/import']")
    assert link.get_text(strip=True) == "Import agenda"
    form_page = browser.get(f"/meetings/{meeting.id}/import")
    assert form_page.status_code == 200
    upload_form = select_one(form_page, f"form[action='/meetings/{meeting.id}/import']")
    assert upload_form["enctype"] == "multipart/form-data"
    assert select_one(form_page, "label[for=field-file]")
    columns = [dt.get_text(strip=True) for dt in soup(form_page).select(".import-columns dt")]
    assert columns == ["title", "description", "public", "number"]

    preview = _upload(browser, meeting, CSV)
    assert preview.status_code == 200
    rows = soup(preview).select(".import-row__title strong")
    assert [row.get_text() for row in rows] == ["Opening", HOSTILE, "Personeelszaak"]
    assert not soup(preview).select(".import-report script, .import-report x")
    problems = [li.get_text(" ", strip=True) for li in soup(preview).select(".import-problems li")]
    assert problems == ["Line 3 : title: This field is required."]
    assert select_one(preview, ".import-confirm button").get_text(strip=True) == "Import 3 items"
    assert _titles(db, meeting) == ["Goedkeuring verslag"]  # nothing before the confirmation

    token = _confirm_field(preview)
    done = browser.post(f"/meetings/{meeting.id}/import/confirm", {"rows": token})
    assert done.status_code == 303
    assert done.headers["location"] == f"/meetings/{meeting.id}"
    shown = browser.get(f"/meetings/{meeting.id}")
    assert flashes(shown) == ["3 items imported."]
    agenda = [a.get_text(strip=True) for a in soup(shown).select(".agenda-item__title a")]
    assert agenda == ["Goedkeuring verslag", "Opening", HOSTILE, "Personeelszaak"]
    assert not soup(shown).select(".agenda script, .agenda x")
    with db.read() as session:
        items = {i.title: i for i in session.exec(select(AgendaItem))}
    assert items["Personeelszaak"].closed_session
    assert items["Opening"].description == "Welkom door de voorzitter"

    again = browser.post(f"/meetings/{meeting.id}/import/confirm", {"rows": token})
    assert again.status_code == 409
    assert field_error(again, "file") == "This preview has already been imported."
    assert len(_titles(db, meeting)) == 4


def test_an_oparl_file_with_only_bad_rows_offers_nothing_to_import(
    browser: Browser, db: Database, clerk: User, meeting: Meeting
) -> None:
    log_in(browser, clerk)
    browser.get(f"/meetings/{meeting.id}/import")
    document = {
        "type": "https://schema.oparl.org/1.1/Meeting",
        "agendaItem": [{"name": "", "order": 1}, {"name": "Geheim?", "public": "soms"}],
    }
    preview = _upload(browser, meeting, json.dumps(document).encode(), "meeting.json")
    assert preview.status_code == 200
    assert "Nothing in this file can be imported" in select_one(preview, ".import-report").text
    assert not soup(preview).select("form[action$='/import/confirm']")
    problems = [li.get_text(" ", strip=True) for li in soup(preview).select(".import-problems li")]
    assert [p.split(" : ")[0] for p in problems] == ["Entry 1", "Entry 2"]

    for data, message in [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a file we can read"),
        (b"", "Choose a CSV or OParl JSON file."),
    ]:
        refused = _upload(browser, meeting, data, "" if not data else "photo.png")
        assert refused.status_code == 400
        assert message in field_error(refused, "file")
    assert _titles(db, meeting) == []


def test_a_changed_or_foreign_preview_adds_nothing(
    browser: Browser, db: Database, clerk: User, meeting: Meeting
) -> None:
    log_in(browser, clerk)
    browser.get(f"/meetings/{meeting.id}/import")
    token = _confirm_field(_upload(browser, meeting, CSV))
    second = make_meeting(db, clerk, "Commissie")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for meeting_id, rows in [(meeting.id, tampered), (second.id, token), (meeting.id, "")]:
        response = browser.post(f"/meetings/{meeting_id}/import/confirm", {"rows": rows})
        assert response.status_code == 400
        expected = "This preview has expired or was changed. Upload the file again."
        assert field_error(response, "file") == expected
    assert _titles(db, meeting) == []
    assert _titles(db, second) == []


def test_one_refused_row_refuses_the_whole_import(
    browser: Browser, db: Database, clerk: User, meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(browser, clerk)
    browser.get(f"/meetings/{meeting.id}/import")
    token = _confirm_field(_upload(browser, meeting, CSV))
    add = actions.do_add_item
    calls: list[str] = []

    def refuse_the_third(*args: object, **kwargs: object) -> AgendaItem:
        calls.append("add")
        if len(calls) == 3:
            raise Refused(409, "This meeting is closed; its agenda no longer changes.")
        return add(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(actions, "do_add_item", refuse_the_third)
    response = browser.post(f"/meetings/{meeting.id}/import/confirm", {"rows": token})
    assert response.status_code == 409
    assert "no longer changes" in response.text
    assert len(calls) == 3
    assert _titles(db, meeting) == []
    monkeypatch.setattr(actions, "do_add_item", add)
    retried = browser.post(f"/meetings/{meeting.id}/import/confirm", {"rows": token})
    assert retried.status_code == 303  # the refused import did not use up the preview
    assert _titles(db, meeting) == ["Opening", HOSTILE, "Personeelszaak"]


def test_only_a_clerk_imports_and_only_into_an_open_agenda(
    browser: Browser, db: Database, clerk: User, resident: User, meeting: Meeting
) -> None:
    url = f"/meetings/{meeting.id}/import"
    assert browser.get(url).headers["location"].startswith("/login?next=")
    assert browser.post(url).headers["location"].startswith("/login?next=")
    log_in(browser, resident)
    assert browser.get(url).status_code == 403
    assert _upload(browser, meeting, CSV).status_code == 403
    assert browser.post(f"{url}/confirm", {"rows": "x"}).status_code == 403
    browser.post("/logout")
    log_in(browser, clerk)
    browser.get(url)
    no_token = browser.client.post(url, files={"file": ("agenda.csv", CSV, "text/csv")})
    assert no_token.status_code == 403
    token = _confirm_field(_upload(browser, meeting, CSV))
    with db.write() as session:
        actions.do_end_session(session, clerk, meeting.id or 0)
    assert browser.get(url).status_code == 409
    assert browser.post(f"{url}/confirm", {"rows": token}).status_code == 409
    page = browser.get(f"/meetings/{meeting.id}")
    assert not soup(page).select(f"a[href='{url}']")
    assert _titles(db, meeting) == []
