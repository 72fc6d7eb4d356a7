"""Ideas as feeds: new ideas and official answers in Atom, ideas as CSV.

Every feed reads through `ideas.queries` (`listed()`, `list_ideas`), so a hidden, held or
withdrawn idea is absent here exactly as from the list on /ideas.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from urllib.parse import urlencode

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import Response

from ideas import queries
from ideas.models import STATUS_VALUES, Idea, OfficialAnswer, status_label
from participation import auth
from participation.api import absolute, iso
from participation.database import Database
from participation.feeds import AtomEntry, AtomFeed, Cell, atom_response, csv_response
from participation.i18n import current_language, gettext
from participation.markup import plain_text
from participation.web import settings_of

FEED_SIZE = 50
SUMMARY = 1000  # characters of an idea's body or an answer in an entry's summary
CSV_CHUNK = 1000  # ideas read per query while the CSV streams
CSV_HEADER = (
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
)


def _filter(request: Request) -> queries.IdeaFilter:
    """The list's filters, read as /ideas reads them: a value it does not know is ignored."""
    params = request.query_params
    category = params.get("category", "")
    status = params.get("status", "")
    return queries.IdeaFilter(
        query=params.get("q", "").strip()[:200],
        category_id=int(category) if category.isdigit() and len(category) < 10 else None,
        status=status if status in STATUS_VALUES else None,
    )


def _query_of(flt: queries.IdeaFilter) -> str:
    """The filters in use, as a query string for the feed's links ('' when none)."""
    params = {"q": flt.query, "category": flt.category_id or "", "status": flt.status or ""}
    used = {name: value for name, value in params.items() if value}
    return f"?{urlencode(used)}" if used else ""


def _feed(request: Request, path: str, page: str, title: str, entries: list[AtomEntry]) -> Response:
    """The feed at `path` (with its query), whose entries the HTML page `page` lists too."""
    settings = settings_of(request)
    self_url = absolute(request, path)
    feed = AtomFeed(
        id=self_url,
        title=f"{title} · {settings.municipality_name}",
        self_url=self_url,
        page_url=absolute(request, page),
        language=current_language(),
        author=settings.municipality_name,
        entries=entries,
    )
    return atom_response(feed)


def ideas_atom(request: Request) -> Response:
    """The newest public ideas, with the list's filters (category, status, search words)."""
    flt = _filter(request)
    with auth.database(request).read() as session:
        page = queries.list_ideas(session, flt, FEED_SIZE)
    entries = []
    for idea in page.ideas:
        url = absolute(request, f"/ideas/{idea.id}")
        entries.append(
            AtomEntry(
                id=url,
                title=idea.title,
                link=url,
                updated=idea.updated_at,
                published=idea.created_at,
                summary=plain_text(idea.body, SUMMARY),
                author=page.authors.get(idea.author_id) if idea.author_id else None,
            )
        )
    query = _query_of(flt)
    return _feed(request, f"/ideas.atom{query}", f"/ideas{query}", gettext("New ideas"), entries)


def answers_atom(request: Request) -> Response:
    """The municipality's newest answers and status changes on public ideas."""
    with auth.database(request).read() as session:
        rows = session.exec(
            select(OfficialAnswer, Idea)
            .join(Idea, col(Idea.id) == col(OfficialAnswer.idea_id))
            .where(queries.listed())
            .order_by(col(OfficialAnswer.id).desc())
            .limit(FEED_SIZE)
        ).all()
    entries = []
    for answer, idea in rows:
        page = absolute(request, f"/ideas/{idea.id}")
        title = gettext("%(status)s: %(title)s") % {
            "status": status_label(answer.status),
            "title": idea.title,
        }
        summary = (
            gettext("Moved to review automatically because enough residents support it.")
            if answer.automatic
            else plain_text(answer.body, SUMMARY)
        )
        entries.append(
            AtomEntry(
                id=f"{page}#answer-{answer.id}",
                title=title,
                link=f"{page}#timeline",
                updated=answer.created_at,
                published=answer.created_at,
                summary=summary,
            )
        )
    title = gettext("Answers to ideas")
    return _feed(request, "/ideas/answers.atom", "/ideas", title, entries)


def _rows(db: Database, flt: queries.IdeaFilter, base_url: str) -> Iterator[list[Cell]]:
    """Every listed idea, newest first, read a chunk at a time along the list's keyset pages:
    a short read transaction per chunk, and never the whole table in memory."""
    cursor = ""
    while True:
        with db.read() as session:
            page = queries.list_ideas(session, dataclasses.replace(flt, cursor=cursor), CSV_CHUNK)
        for idea in page.ideas:
            category = page.categories.get(idea.category_id) if idea.category_id else None
            yield [
                idea.id,
                idea.title,
                idea.status,
                category.slug if category else None,
                idea.support_count,
                idea.comment_count,
                iso(idea.created_at),
                idea.latitude,
                idea.longitude,
                f"{base_url}/ideas/{idea.id}",
            ]
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def ideas_csv(request: Request) -> Response:
    rows = _rows(auth.database(request), _filter(request), settings_of(request).base_url)
    return csv_response("ideas.csv", CSV_HEADER, rows)
