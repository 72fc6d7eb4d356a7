"""A large, realistic Inspraak database, written fast: for the benchmarks only.

The schema comes from the real migrations (participation.migrate.upgrade); the rows are then
bulk-inserted with sqlite3 directly (executemany, one big transaction, synchronous=OFF), because
going through the app's actions would take hours. Everything the app keeps consistent itself is
made consistent here too: ideas.support_count and ideas.comment_count are the true counts, a
comment's root_id and depth follow its parent (a thread's first comment is its own root), every
idea is in the full-text index `idea_search` with the terms participation.search computes, and
an idea with enough supports is no longer "new". No ANALYZE is run: the app never runs one.
The words the rows are written in come from bench/_words.py; `sqlite()` opens the result
again for the benchmark's own reads and checks.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter, time

from sqlalchemy import text as sql

from bench._words import CATEGORIES, COMMON_WORD, FIRST_NAMES, LAST_NAMES, RARE_WORD, Text
from participation import migrate, passwords, search
from participation.database import Database

SEED = 20_261_123
DAY = 86_400.0
SPAN = 2 * 365 * DAY  # ideas are spread over two years
LOCATED = 0.6  # share of ideas with a place on the map
CENTER = (51.05, 3.72)  # Ghent
BUSY_COMMENTS = 200  # the one idea whose page the benchmark reads
TOP_LEVEL = 0.65  # share of comments that start a thread
WITHDRAWN = 0.01
THRESHOLD = 100  # participation.settings: support_threshold, the default
RARE_IDEAS = 25  # at full scale; at least 5

TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime on SQLite


@dataclass(frozen=True)
class Scale:
    users: int
    ideas: int
    supports: int
    comments: int

    @classmethod
    def of(cls, factor: float) -> Scale:
        """The issue's sizes times `factor` (1: 50k users, 100k ideas, 1M supports, 300k
        comments), with floors so that a tiny run still has something to page through."""
        users = max(1_000, round(50_000 * factor))
        ideas = max(1_000, round(100_000 * factor))
        supports = min(max(5_000, round(1_000_000 * factor)), users * ideas // 4)
        comments = max(2_000, round(300_000 * factor))
        return cls(users, ideas, supports, comments)


@dataclass
class Seeded:
    path: Path
    scale: Scale
    password: str  # every user's
    busy_idea: int  # has exactly BUSY_COMMENTS comments
    withdrawn: set[int]
    common_word: str = COMMON_WORD
    rare_word: str = RARE_WORD
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())

    @staticmethod
    def email(user_id: int) -> str:
        return f"inwoner{user_id}@demostad.example"


@contextmanager
def sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


def _stamp(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime(TIME_FORMAT)


def _spread(rng: random.Random, total: int, weights: list[float], cap: int) -> list[int]:
    """Split `total` over len(weights) buckets in proportion to the weights, none over `cap`."""
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    missing = total - sum(counts)
    while missing > 0:
        index = rng.randrange(len(counts))
        if weights[index] > 0 and counts[index] < cap:
            counts[index] += 1
            missing -= 1
    return counts


@dataclass
class _Plan:
    """What gets inserted, decided before any row is written (the counts go into ideas)."""

    supports: list[int]
    comments: list[int]
    created: list[float]  # per idea, epoch seconds; index 0 is idea 1
    withdrawn: set[int]
    rare: set[int]
    busy_idea: int


def _plan(rng: random.Random, scale: Scale, now: float) -> _Plan:
    n = scale.ideas
    start = now - SPAN
    created = [start + (i + rng.random()) * SPAN / n for i in range(n)]
    popularity = [rng.paretovariate(1.5) for _ in range(n)]
    supports = _spread(rng, scale.supports, popularity, scale.users)
    busy_idea = n // 2 + 1
    talk = [p**0.7 * rng.uniform(0.2, 1.8) for p in popularity]
    talk[busy_idea - 1] = 0.0
    comments = _spread(rng, scale.comments - BUSY_COMMENTS, talk, 10 * BUSY_COMMENTS)
    comments[busy_idea - 1] = BUSY_COMMENTS
    withdrawn = {i for i in range(1, n + 1) if rng.random() < WITHDRAWN} - {busy_idea}
    rare = set(rng.sample(range(1, n + 1), max(5, round(RARE_IDEAS * n / 100_000))))
    return _Plan(supports, comments, created, withdrawn, rare, busy_idea)


def _user_rows(
    rng: random.Random, scale: Scale, hashed: str, now: float
) -> Iterator[tuple[object, ...]]:
    for user_id in range(1, scale.users + 1):
        joined = _stamp(now - SPAN - 30 * DAY + rng.random() * SPAN)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        yield (user_id, Seeded.email(user_id), name, hashed, "nl", joined, joined, joined)


def _idea_rows(
    rng: random.Random, scale: Scale, plan: _Plan, text: Text, categories: list[int]
) -> Iterator[tuple[object, ...]]:
    later = ("accepted", "rejected", "in_progress", "implemented")
    for index in range(scale.ideas):
        idea_id = index + 1
        created = _stamp(plan.created[index])
        located = idea_id == plan.busy_idea or rng.random() < LOCATED
        latitude = round(CENTER[0] + rng.uniform(-0.04, 0.04), 6) if located else None
        longitude = round(CENTER[1] + rng.uniform(-0.06, 0.06), 6) if located else None
        if plan.supports[index] >= THRESHOLD:
            status = rng.choice(("under_review", *later))
        else:
            status = "new" if rng.random() < 0.9 else rng.choice(later)
        withdrawn = (
            _stamp(plan.created[index] + rng.uniform(DAY, 30 * DAY))
            if idea_id in plan.withdrawn
            else None
        )
        yield (
            idea_id,
            rng.randint(1, scale.users),
            text.title(),
            text.body(idea_id in plan.rare),
            rng.choice(categories),
            latitude,
            longitude,
            status,
            plan.supports[index],
            plan.comments[index],
            rng.randrange(2**31),
            created,
            created,
            withdrawn,
        )


def _support_rows(
    rng: random.Random, scale: Scale, plan: _Plan, now: float
) -> Iterator[tuple[int, int, str]]:
    # Support times come from a sorted pool, each after its idea was posted.
    start = now - SPAN
    pool = [_stamp(start + SPAN * i / 8192) for i in range(8192)]
    everyone = range(1, scale.users + 1)
    for index, count in enumerate(plan.supports):
        if not count:
            continue
        first = int((plan.created[index] - start) / SPAN * 8192)
        for user_id in sorted(rng.sample(everyone, count)):
            yield index + 1, user_id, pool[rng.randrange(first, 8192)]


def _comment_rows(
    rng: random.Random, scale: Scale, plan: _Plan, text: Text, now: float
) -> Iterator[tuple[object, ...]]:
    """Threads per idea; ids follow time across all ideas, so a page's rows lie scattered."""
    # Per idea: (depth, root, parent) by position in the idea's own discussion.
    shapes: dict[int, list[tuple[int, int, int | None]]] = {}
    moments: list[tuple[float, int, int]] = []
    for index, count in enumerate(plan.comments):
        if not count:
            continue
        idea_id = index + 1
        shape: list[tuple[int, int, int | None]] = []
        for position in range(count):
            if position == 0 or rng.random() < TOP_LEVEL:
                shape.append((0, position, None))
                continue
            parent = rng.randrange(position)
            if shape[parent][0] == 2:
                parent = shape[parent][2] or 0
            depth, root, _ = shape[parent]
            shape.append((depth + 1, root, parent))
        shapes[idea_id] = shape
        begin = plan.created[index]
        times = sorted(rng.uniform(begin, now) for _ in range(count))
        moments += [(moment, idea_id, position) for position, moment in enumerate(times)]
    moments.sort()
    ids: dict[tuple[int, int], int] = {}
    stances = ("for", "against", "neutral", None, None)
    for comment_id, (moment, idea_id, position) in enumerate(moments, start=1):
        ids[idea_id, position] = comment_id
        depth, root, replied_to = shapes[idea_id][position]
        yield (
            comment_id,
            "idea",
            idea_id,
            ids[idea_id, root],
            None if replied_to is None else ids[idea_id, replied_to],
            depth,
            rng.randint(1, scale.users),
            text.comment(),
            rng.choice(stances),
            _stamp(moment),
        )


def _answer_rows(plan: _Plan, statuses: dict[int, str], now: float) -> Iterator[tuple[object, ...]]:
    answer = "Dank voor het voorstel. De dienst bekijkt het en komt hierop terug."
    for idea_id, status in statuses.items():
        if status == "new":
            continue
        moment = _stamp(min(now, plan.created[idea_id - 1] + 30 * DAY))
        automatic = status == "under_review"
        yield idea_id, None, status, "" if automatic else answer, int(automatic), moment


def analyze(db: Database) -> None:
    """On PostgreSQL, VACUUM ANALYZE the fresh tables. Autovacuum would do it within a minute
    or so; doing it now keeps a run from depending on when that happens (a first query
    planned without statistics can take a hundred times longer)."""
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sql("VACUUM ANALYZE"))


class Phases:
    """Times the steps of a seed, one after the other, and logs each as it ends."""

    def __init__(self, log: Callable[[str], None], width: int) -> None:
        self.log, self.width = log, width
        self.took: dict[str, float] = {}
        self._started = perf_counter()

    def __call__(self, name: str) -> None:
        self.took[name] = perf_counter() - self._started
        self.log(f"  {name:<{self.width}}{self.took[name]:6.1f} s")
        self._started = perf_counter()


def seed(path: Path, factor: float = 1.0, log: Callable[[str], None] = print) -> Seeded:
    """Create the database at `path` and fill it at `factor` times the issue's scale."""
    scale = Scale.of(factor)
    rng = random.Random(SEED)
    text = Text(rng)
    now = time()
    phase = Phases(log, 28)

    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    password = "bench-resident-" + secrets.token_hex(8)
    hashed = passwords.hash_password(password)
    phase("migrate + one argon2 hash")

    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-524288")  # 512 MiB
        connection.execute("PRAGMA temp_store=MEMORY")
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO users (id, email, display_name, password_hash, language, created_at,"
            " email_verified_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            _user_rows(rng, scale, hashed, now),
        )
        connection.execute(
            "INSERT INTO user_roles (user_id, role, granted_at)"
            " SELECT id, 'resident', created_at FROM users"
        )
        connection.executemany(
            "INSERT INTO idea_categories (slug, name_nl, name_fr, name_en, active)"
            " VALUES (?, ?, ?, ?, 1)",
            CATEGORIES,
        )
        categories = [row[0] for row in connection.execute("SELECT id FROM idea_categories")]
        connection.execute("COMMIT")
        phase(f"{scale.users:,} users + roles")

        plan = _plan(rng, scale, now)
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO ideas (id, author_id, title, body, category_id, latitude, longitude,"
            " status, support_count, comment_count, shuffle_key, created_at, updated_at,"
            " withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _idea_rows(rng, scale, plan, text, categories),
        )
        statuses = dict(connection.execute("SELECT id, status FROM ideas").fetchall())
        connection.executemany(
            "INSERT INTO idea_answers (idea_id, author_id, status, body, automatic, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            _answer_rows(plan, statuses, now),
        )
        connection.execute("COMMIT")
        phase(f"{scale.ideas:,} ideas")

        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO idea_search (rowid, terms) VALUES (?, ?)",
            (
                (idea_id, search.search_terms(f"{title}\n{body}"))
                for idea_id, title, body in connection.execute(
                    "SELECT id, title, body FROM ideas ORDER BY id"
                ).fetchall()
            ),
        )
        connection.execute("COMMIT")
        phase("full-text index")

        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO idea_supports (idea_id, user_id, created_at) VALUES (?, ?, ?)",
            _support_rows(rng, scale, plan, now),
        )
        connection.execute("COMMIT")
        phase(f"{scale.supports:,} supports")

        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO comments (id, subject, subject_id, root_id, parent_id, depth,"
            " author_id, body, stance, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _comment_rows(rng, scale, plan, text, now),
        )
        connection.execute("COMMIT")
        phase(f"{scale.comments:,} comments")

        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        phase("checkpoint")
    finally:
        connection.close()
    return Seeded(path, scale, password, plan.busy_idea, plan.withdrawn, phases=phase.took)
