"""The queue's order, filters and keyset pages; an item in context; the log's pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlmodel import select

from moderation import queries
from moderation.models import ModerationAction, Sanction
from participation.content import moderatable
from participation.database import Database
from participation.models import User
from participation.visibility import Visibility
from tests.moderation.conftest import NOTE, act, make_residents, post_note, report


def _queue(db: Database, limit: int = 50, **filters: Any) -> list[int]:
    """Every content id in queue order, read page by page."""
    seen: list[int] = []
    cursor = ""
    with db.read() as session:
        while True:
            flt = queries.QueueFilter(cursor=cursor, **filters)
            page = queries.queue_page(session, flt, limit=limit)
            seen += [row.case.content_id for row in page.rows]
            if page.next_cursor is None:
                return seen
            cursor = page.next_cursor


def _build(db: Database, resident: User, counts: list[int]) -> tuple[list[int], list[User]]:
    """Notes reported `counts[i]` times each, opened in this order."""
    reporters = make_residents(db, max(counts))
    notes = [post_note(db, resident, f"Notitie {n}") for n in range(len(counts))]
    for note_id, count in zip(notes, counts, strict=True):
        for reporter in reporters[:count]:
            report(db, reporter, NOTE, note_id, "spam" if count % 2 else "insult")
    return notes, reporters


def test_most_reports_first_then_oldest(db: Database, resident: User, note_type: object) -> None:
    notes, _ = _build(db, resident, [1, 3, 1, 2, 2])
    expected = [notes[1], notes[3], notes[4], notes[0], notes[2]]
    assert _queue(db) == expected
    for limit in (1, 2, 3):
        assert _queue(db, limit=limit) == expected


def test_filters(db: Database, resident: User, moderator: User, note_type: object) -> None:
    notes, _ = _build(db, resident, [1, 2, 3])
    assert _queue(db, reason="insult") == [notes[1]]
    assert _queue(db, content_type="comment") == []
    act(db, moderator, NOTE, notes[2], "hide", "spam")
    assert _queue(db) == [notes[1], notes[0]]
    assert _queue(db, status="closed") == [notes[2]]


def test_a_page_reads_cases_by_report_count_and_a_bounded_number_of_lookups(
    db: Database, resident: User, note_type: object
) -> None:
    _build(db, resident, [1, 2, 1, 2])
    statements: list[str] = []

    def count(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("SELECT"):
            statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.read() as session:
            page = queries.queue_page(session, queries.QueueFilter())
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(page.rows) == 4
    case_reads = [s for s in statements if "FROM moderation_cases" in s]
    # one read per report count on the page (2 and 1), and one that finds the queue's end
    assert len(case_reads) == 3
    # the reasons and the content rows (titles, visibility) once per content type
    assert len(statements) == 3 + 2


def test_a_full_page_stops_reading_once_it_is_full(
    db: Database, resident: User, note_type: object
) -> None:
    _build(db, resident, [1, 2, 1, 2, 3])
    statements: list[str] = []

    def count(*args: Any) -> None:
        if "FROM moderation_cases" in args[2]:
            statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.read() as session:
            page = queries.queue_page(session, queries.QueueFilter(), limit=2)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(page.rows) == 2
    assert page.next_cursor is not None
    # counts 3 and 2 fill the page and tell that more follow; count 1 is not read
    assert len(statements) == 2


def test_rows_carry_reasons_titles_and_visibility(
    db: Database, resident: User, note_type: object
) -> None:
    (note_id,), _ = _build(db, resident, [2])
    with db.read() as session:
        (row,) = queries.queue_page(session, queries.QueueFilter()).rows
    assert (row.title, row.reasons, row.visibility) == (
        "Notitie 0",
        {"insult": 2},
        Visibility.public,
    )
    assert row.key == f"{NOTE}:{note_id}"


def test_item_context(
    db: Database, resident: User, moderator: User, neighbour: User, note_type: object
) -> None:
    note_id = post_note(db, resident, "Lijn één\nLijn twee")
    other = post_note(db, resident, "Andere")
    report(db, neighbour, NOTE, other)
    report(db, neighbour, NOTE, note_id, "personal_data", "Een adres")
    act(db, moderator, NOTE, note_id, "lock")
    with db.write() as session:
        session.add(Sanction(user_id=resident.id or 0, kind="warn", reason="insult"))
    kind = moderatable(NOTE)
    assert kind is not None
    with db.read() as session:
        context = queries.item_context(session, kind, note_id)
        assert queries.item_context(session, kind, 9999) is None
    assert context is not None
    assert (context.text, context.author_name, context.locked) == (
        "Lijn één\nLijn twee",
        "Ann",
        True,
    )
    assert [(r.reason, r.details) for r in context.reports] == [("personal_data", "Een adres")]
    assert context.names[neighbour.id or 0] == "Bob"
    assert [e.action for e in context.log] == ["lock"]
    assert [row.case.content_id for row in context.other_cases] == [other]
    assert [s.kind for s in context.sanctions] == ["warn"]
    assert context.url == f"/notes/{note_id}"


def test_log_pages_newest_first(
    db: Database, resident: User, moderator: User, note_type: object
) -> None:
    note_id = post_note(db, resident)
    for action in ("lock", "unlock", "lock"):
        act(db, moderator, NOTE, note_id, action)
    with db.read() as session:
        first = queries.log_page(session, None, None, limit=2)
        second = queries.log_page(session, None, first.next_before, limit=2)
        only_unlock = queries.log_page(session, "unlock", None)
        ids = [i for i in session.exec(select(ModerationAction.id)).all() if i is not None]
    assert [e.id for e in first.entries + second.entries] == sorted(ids, reverse=True)
    assert second.next_before is None
    assert [e.action for e in only_unlock.entries] == ["unlock"]
    assert first.names[moderator.id or 0] == "Mia"
