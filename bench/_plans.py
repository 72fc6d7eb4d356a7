"""What SQLite does for each page of bench/ideas.py: the SELECT statements behind the pages
are captured from the app's own query functions, then run again for their EXPLAIN QUERY PLAN
and their work in virtual machine steps; `report_plans` marks those whose work grows with
the tables (more steps than there are ideas, or 3 times the steps on 10 times the rows).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from bench._pages import DISTRICT, EMPTY_AREA, deep_cursors, tie_cursor
from bench._seed import Seeded, sqlite
from ideas import queries
from participation import comments
from participation.database import Database

WORLD = (-180.0, -90.0, 180.0, 90.0)


@dataclass
class Statement:
    page: str
    table: str
    sql: str
    plan: list[str]
    steps: int


TABLE = re.compile(r"\bFROM (\w+)")


def captured_sql(db: Database, work: Callable[[Session], Any]) -> list[tuple[str, Any]]:
    """The SELECT statements (with parameters) that `work` sends to the database."""
    found: list[tuple[str, Any]] = []

    def capture(*args: Any) -> None:
        statement, parameters = args[2], args[3]
        if statement.lstrip().upper().startswith("SELECT"):
            found.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.read() as session:
            work(session)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return found


def vm_steps(connection: sqlite3.Connection, sql: str, parameters: Any) -> int:
    """Virtual machine instructions SQLite runs for the statement, to the nearest 100."""
    calls = 0

    def tick() -> int:
        nonlocal calls
        calls += 1
        return 0

    connection.set_progress_handler(tick, 100)
    try:
        connection.execute(sql, parameters).fetchall()
    finally:
        connection.set_progress_handler(None, 0)
    return calls * 100


def query_pages(seeded: Seeded) -> dict[str, Callable[[Session], Any]]:
    newest, supported = deep_cursors(seeded.path, seeded.scale.ideas)
    Filter = queries.IdeaFilter  # noqa: N806 - a class, under a shorter name

    def listed(**values: Any) -> Callable[[Session], Any]:
        return lambda session: queries.list_ideas(session, Filter(**values))

    def boxed(box: tuple[float, float, float, float]) -> Callable[[Session], Any]:
        return lambda session: queries.in_box(session, box, 101, None)

    return {
        "list, newest, page 1": listed(),
        "list, newest, 90% down": listed(cursor=newest),
        "list, most supported, page 1": listed(sort="supported"),
        "list, most supported, 90% down": listed(sort="supported", cursor=supported),
        "list, most supported, end of a tie": listed(
            sort="supported", cursor=tie_cursor(seeded.path)
        ),
        "list, most discussed, page 1": listed(sort="discussed"),
        "list, random order, page 1": listed(sort="random", seed=123_456_789),
        "list, one category, newest": listed(category_id=3),
        "list, status accepted, most supported": listed(status="accepted", sort="supported"),
        f"search '{seeded.common_word}'": listed(query=seeded.common_word),
        f"search '{seeded.rare_word}'": listed(query=seeded.rare_word),
        f"search '{seeded.common_word}', most supported": listed(
            query=seeded.common_word, sort="supported"
        ),
        "map, whole world": boxed(WORLD),
        "map, one district": boxed(DISTRICT),
        "map, an area without ideas": boxed(EMPTY_AREA),
        "idea page, comments": lambda session: comments.comment_page(
            session, "idea", seeded.busy_idea
        ),
    }


def explain(seeded: Seeded) -> list[Statement]:
    """Each page's statements on the big tables, with their plans and VM steps."""
    db = Database(seeded.url)
    found: list[Statement] = []
    try:
        with sqlite(seeded.path) as connection:
            for page, work in query_pages(seeded).items():
                for sql, parameters in captured_sql(db, work):
                    table = (TABLE.findall(sql) or ["?"])[0]
                    if table in ("idea_categories", "users"):
                        continue  # a handful of rows by primary key, or a short table
                    plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters).fetchall()
                    steps = vm_steps(connection, sql, parameters)
                    found.append(Statement(page, table, sql, [row[3] for row in plan], steps))
    finally:
        db.dispose()
    return found


def report_plans(full: list[Statement], small: list[Statement] | None, ideas: int) -> list[str]:
    """Print the plans; answer the pages whose work grows with the tables."""
    growing: list[str] = []
    print("\nQueries behind the pages: SQLite's plan and its work (VM steps) as the tables grow")
    header = f"{'page / table':<48}{'steps':>11}"
    if small is not None:
        header += f"{'at 1/10':>10}{'growth':>8}"
    print(header + "  plan")
    smaller = {(s.page, s.sql): s.steps for s in small or []}
    for s in full:
        line = f"{s.page + ' / ' + s.table:<48}{s.steps:>11,}"
        grows = s.steps > ideas  # about every row of a table of this size
        if small is not None:
            before = smaller.get((s.page, s.sql))
            growth = s.steps / before if before else 0.0
            grows = grows or (growth >= 3 and s.steps >= 5_000)
            line += f"{before or 0:>10,}{growth:>7.1f}x"
        print(f"{line}  {' | '.join(s.plan)}{'   <-- GROWS' if grows else ''}")
        if grows:
            growing.append(s.page)
    print(
        "  steps: SQLite VM instructions for the statement (to 100); GROWS: more steps than the"
        " table has ideas,\n  or (with the smaller database) 3 times the steps or more for 10"
        " times the rows: the work follows the table's size."
    )
    return growing
