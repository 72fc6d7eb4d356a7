"""The ideas feeds, read back with feedparser and the csv module: newest first, the list's
filters, official answers, and nothing that moderation or the author took out of view."""

from __future__ import annotations

import csv
import io
from typing import Any

import feedparser  # no types; see the report
import pytest
from starlette.testclient import TestClient

from ideas import actions, feeds
from ideas.forms import AnswerDraft
from ideas.models import Idea, IdeaCategory
from participation.database import Database
from participation.markup import plain_text
from participation.models import User
from participation.visibility import Visibility
from tests.helpers import Browser, in_english, set_visible, soup
from tests.ideas.conftest import post_idea

BASE = "http://testserver"
HOSTILE = '<script>alert(1)</script> "]]></title><x> & \x07 end'
FORMULA = '=HYPERLINK("http://evil.example","click")'


def _atom(client: TestClient, path: str) -> Any:
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _csv(client: TestClient, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="ideas.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def _answer(db: Database, idea: Idea, clerk: User, status: str, body: str) -> None:
    assert idea.id is not None
    with db.write() as session:
        actions.do_answer(session, idea.id, clerk, AnswerDraft(status, body))


def test_the_feed_lists_public_ideas_newest_first_with_filters(
    client: TestClient,
    db: Database,
    resident: User,
    neighbour: User,
    clerk: User,
    category: IdeaCategory,
) -> None:
    first = post_idea(db, resident, "Zebrapad aan de school", category_id=category.id)
    second = post_idea(db, neighbour, HOSTILE, body=f"**Vet** en {HOSTILE}")
    hidden = post_idea(db, resident, "Verborgen idee")
    held = post_idea(db, resident, "Wacht op moderatie")
    withdrawn = post_idea(db, resident, "Ingetrokken idee")
    set_visible(db, "idea", hidden.id)
    set_visible(db, "idea", held.id, Visibility.held, None)
    with db.write() as session:
        stored = session.get(Idea, withdrawn.id)
        assert stored is not None
        actions.do_withdraw_idea(session, stored, resident)
    feed = _atom(client, "/ideas.atom")
    assert [e.link for e in feed.entries] == [
        f"{BASE}/ideas/{second.id}",
        f"{BASE}/ideas/{first.id}",
    ]
    newest = feed.entries[0]
    # User text comes back as the same plain text: no markup runs, no entry breaks.
    shown = second.title.replace("\x07", "")  # XML cannot carry the control character
    assert newest.title == shown
    assert newest.title_detail.type == "text/plain"
    # The summary is the body as plain text, as the lists show it: Markdown and tags gone.
    assert newest.summary == plain_text(second.body, 1000)
    assert newest.summary.startswith("Vet en alert(1)")
    assert newest.summary_detail.type == "text/plain"
    assert newest.author == "Bob"
    assert newest.id == f"{BASE}/ideas/{second.id}"
    assert {link.rel: link.href for link in feed.feed.links} == {
        "self": f"{BASE}/ideas.atom",
        "alternate": f"{BASE}/ideas",
    }
    assert feed.entries[1].author == "Ann"
    assert feed.entries[1].published_parsed is not None
    # The list's filters apply; a value the list does not know is ignored.
    by_category = _atom(client, f"/ideas.atom?category={category.id}")
    assert [e.title for e in by_category.entries] == ["Zebrapad aan de school"]
    assert by_category.feed.links[0].href == f"{BASE}/ideas.atom?category={category.id}"
    _answer(db, first, clerk, "accepted", "Goed idee")
    accepted = _atom(client, "/ideas.atom?status=accepted")
    assert [e.title for e in accepted.entries] == ["Zebrapad aan de school"]
    assert len(_atom(client, "/ideas.atom?status=bogus&category=x").entries) == 2
    assert _atom(client, "/ideas.atom?status=implemented").entries == []


def test_answers_feed_shows_official_answers_and_status_changes(
    client: TestClient, db: Database, resident: User, clerk: User
) -> None:
    idea = post_idea(db, resident, "Fietsenstalling")
    gone = post_idea(db, resident, "Later verborgen")
    _answer(db, idea, clerk, "under_review", "We bekijken het.")
    _answer(db, gone, clerk, "rejected", "Nee.")
    _answer(db, idea, clerk, "accepted", f"Goedgekeurd: {HOSTILE}")
    set_visible(db, "idea", gone.id)
    feed = _atom(client, "/ideas/answers.atom")
    titles = [e.title for e in feed.entries]
    assert titles == ["Accepted: Fietsenstalling", "Under review: Fietsenstalling"]
    latest = feed.entries[0]
    assert latest.summary.startswith("Goedgekeurd: alert(1)")
    assert "<" not in latest.summary
    assert latest.link == f"{BASE}/ideas/{idea.id}#timeline"
    assert feed.entries[0].id != feed.entries[1].id
    assert feed.entries[0].id.startswith(f"{BASE}/ideas/{idea.id}#answer-")


def test_the_csv_has_every_listed_idea_in_chunks(
    client: TestClient,
    db: Database,
    resident: User,
    category: IdeaCategory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(feeds, "CSV_CHUNK", 2)  # so that three ideas take two reads
    placed = post_idea(
        db, resident, FORMULA, category_id=category.id, latitude=51.05, longitude=-3.7
    )
    plain = post_idea(db, resident, "Bankje")
    hidden = post_idea(db, resident, "Weg ermee")
    last = post_idea(db, resident, "-1+2 bomen")
    set_visible(db, "idea", hidden.id)
    rows = _csv(client, "/ideas.csv")
    assert [row["id"] for row in rows] == [str(last.id), str(plain.id), str(placed.id)]
    assert list(rows[0]) == [
        "id",
        "title",
        "status",
        "category",
        "support_count",
        "comment_count",
        "created_at",
        "latitude",
        "longitude",
        "url",
    ]
    formula = rows[2]
    assert formula["title"] == "'" + FORMULA
    assert rows[0]["title"] == "'-1+2 bomen"
    assert formula["category"] == "mobility"
    assert (formula["latitude"], formula["longitude"]) == ("51.05", "-3.7")
    assert formula["status"] == "new"
    assert (formula["support_count"], formula["comment_count"]) == ("0", "0")
    assert formula["created_at"].startswith(placed.created_at.date().isoformat())
    assert formula["created_at"].endswith("+00:00")
    assert formula["url"] == f"{BASE}/ideas/{placed.id}"
    assert rows[1]["category"] == ""
    assert rows[1]["latitude"] == ""
    assert [row["id"] for row in _csv(client, f"/ideas.csv?category={category.id}")] == [
        str(placed.id)
    ]


def test_the_list_page_links_its_feeds(browser: Browser, category: IdeaCategory) -> None:
    in_english(browser)
    page = soup(browser.get(f"/ideas?category={category.id}&status=new&sort=supported"))
    alternates = page.select('head link[rel="alternate"][type="application/atom+xml"]')
    assert [link["href"] for link in alternates] == [
        f"/ideas.atom?category={category.id}&status=new",
        "/ideas/answers.atom",
    ]
    links = {a.get_text(strip=True): a["href"] for a in page.select(".feed-links a")}
    assert links == {
        "Subscribe (Atom)": f"/ideas.atom?category={category.id}&status=new",
        "Official answers (Atom)": "/ideas/answers.atom",
        "Download (CSV)": f"/ideas.csv?category={category.id}&status=new",
    }
    plain = soup(browser.get("/ideas"))
    assert plain.select_one('head link[rel="alternate"]')["href"] == "/ideas.atom"  # type: ignore[index]
