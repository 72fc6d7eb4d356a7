"""Fill a SQLite database, migrated by the real migrations, with a large city's problem
reports for bench/reports.py: plain `executemany` inserts in one transaction, never through
HTTP or the actions (which would take hours at 200,000 reports).

What is made: 3,000 residents and one clerk (the only account with a real password hash),
6 departments with 12 categories, REPORTS reports over three years around the city centre
(most fixed, a fifth still open, some referred or rejected), each in its nearest of 12
neighbourhoods, a timeline step per handled report, and a photo on a third of them.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

from bench._seed import CENTER, TIME_FORMAT
from bench._words import FIRST_NAMES, LAST_NAMES, Text
from participation import migrate, passwords
from problems import geo
from problems.models import ProblemStatus

SEED = 20_261_128
REPORTS = 200_000
RESIDENTS = 3_000
CLERK_ID = RESIDENTS + 1
CLERK_EMAIL = "griffie@demostad.example"
SPAN_DAYS = 3 * 365
DEPARTMENTS = ("Wegen", "Groendienst", "Netheid", "Verlichting", "Mobiliteit", "Riolering")
# slug, Dutch name, department (index), handling days
CATEGORIES = (
    ("pothole", "Put in de weg", 0, 14),
    ("pavement", "Stoep beschadigd", 0, 30),
    ("tree", "Boom of haag", 1, 21),
    ("park", "Park of speelplein", 1, 21),
    ("dumping", "Sluikstort", 2, 5),
    ("litter-bin", "Vuilnisbak vol", 2, 3),
    ("graffiti", "Graffiti", 2, 30),
    ("street-light", "Straatlamp defect", 3, 10),
    ("traffic-sign", "Verkeersbord", 4, 14),
    ("bike-path", "Fietspad", 4, 21),
    ("sewer", "Riolering of rooster", 5, 10),
    ("flooding", "Wateroverlast", 5, 3),
)
NEIGHBOURHOODS = tuple(
    (f"Wijk {number + 1}", CENTER[0] + (row - 1) * 0.035, CENTER[1] + (column - 1.5) * 0.045)
    for number, (row, column) in enumerate((r, c) for r in range(3) for c in range(4))
)
S = ProblemStatus
STATUS_WEIGHTS = {
    S.new: 8,
    S.acknowledged: 6,
    S.in_progress: 6,
    S.fixed: 68,
    S.not_ours: 6,
    S.rejected: 6,
}


def stamp(moment: dt.datetime) -> str:
    return moment.strftime(TIME_FORMAT)


@dataclass
class Seeded:
    path: Path
    reports: int
    clerk_password: str
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def _report_rows(
    rng: random.Random, text: Text, count: int, now: dt.datetime
) -> Iterator[tuple[object, ...]]:
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    descriptions = [text.comment() for _ in range(2048)]
    for report_id in range(1, count + 1):
        # Ids grow with time, as they do when reports come in one by one.
        created = now - dt.timedelta(days=SPAN_DAYS * (1 - report_id / count) + rng.random())
        category = rng.randrange(len(CATEGORIES))
        _slug, _name, department, days = CATEGORIES[category]
        status = rng.choices(statuses, weights)[0]
        if created > now - dt.timedelta(days=30) and status == S.fixed and rng.random() < 0.6:
            status = rng.choice((S.new, S.acknowledged, S.in_progress))
        latitude = round(CENTER[0] + rng.uniform(-0.05, 0.05), 6)
        longitude = round(CENTER[1] + rng.uniform(-0.08, 0.08), 6)
        fixed = (
            created + dt.timedelta(days=rng.expovariate(1 / days)) if status == S.fixed else None
        )
        closed = fixed or (
            created + dt.timedelta(days=rng.uniform(1, 10))
            if status in (S.not_ours, S.rejected)
            else None
        )
        yield (
            report_id,
            category + 1,
            department + 1,
            rng.randint(1, RESIDENTS) if rng.random() < 0.85 else None,
            rng.choice(descriptions),
            latitude,
            longitude,
            geo.nearest_place(latitude, longitude, NEIGHBOURHOODS),
            status.value,
            rng.choice((0, 0, 0, 1, 2, 5)),
            stamp(created),
            stamp(created + dt.timedelta(days=days)),
            stamp(fixed) if fixed else None,
            stamp(closed) if closed else None,
        )


def seed(path: Path, count: int = REPORTS) -> Seeded:
    rng = random.Random(SEED)
    text = Text(rng)
    now = dt.datetime.now(dt.UTC)
    started = perf_counter()
    phases: dict[str, float] = {}
    migrate.upgrade(f"sqlite:///{path}")
    password = "bench-clerk-" + secrets.token_hex(8)
    hashed = passwords.hash_password(password)
    phases["migrate + one argon2 hash"] = perf_counter() - started
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-262144")  # 256 MiB
        db.execute("BEGIN")
        joined = stamp(now - dt.timedelta(days=SPAN_DAYS + 30))
        db.executemany(
            "INSERT INTO users (id, email, display_name, password_hash, language, created_at,"
            " email_verified_at, password_changed_at) VALUES (?, ?, ?, ?, 'nl', ?, ?, ?)",
            [
                (
                    i,
                    f"inwoner{i}@demostad.example",
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "!",
                    joined,
                    joined,
                    joined,
                )
                for i in range(1, RESIDENTS + 1)
            ]
            + [(CLERK_ID, CLERK_EMAIL, "Griet Griffie", hashed, joined, joined, joined)],
        )
        db.execute(
            "INSERT INTO user_roles (user_id, role, granted_at)"
            " SELECT id, 'resident', created_at FROM users"
        )
        db.execute(
            "INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, 'clerk', ?)",
            (CLERK_ID, joined),
        )
        db.executemany(
            "INSERT INTO departments (id, name, email, active) VALUES (?, ?, '', 1)",
            [(i + 1, name) for i, name in enumerate(DEPARTMENTS)],
        )
        db.executemany(
            "INSERT INTO problem_categories (id, slug, name_nl, name_fr, name_en, department_id,"
            " handling_days, active) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            [
                (i + 1, slug, name, name, name, department + 1, days)
                for i, (slug, name, department, days) in enumerate(CATEGORIES)
            ],
        )
        phases["accounts, departments"] = perf_counter() - started - sum(phases.values())
        db.executemany(
            "INSERT INTO problem_reports (id, category_id, department_id, author_id, description,"
            " latitude, longitude, address, neighbourhood, contact, status, note, me_too_count,"
            " merged_into_id, reporter_confirmed, visibility, created_at, due_at, fixed_at,"
            " closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, 'none', ?, '', ?, NULL, NULL,"
            " 'public', ?, ?, ?, ?)",
            _report_rows(rng, text, count, now),
        )
        phases["reports"] = perf_counter() - started - sum(phases.values())
        db.execute(
            "INSERT INTO problem_updates (report_id, kind, status, note, department_id, actor_id,"
            " created_at) SELECT id, 'status', status, '', department_id, ?,"
            " coalesce(closed_at, created_at) FROM problem_reports WHERE status != 'new'",
            (CLERK_ID,),
        )
        db.execute(
            "INSERT INTO problem_photos (report_id, kind, name, thumb_name, width, height,"
            " public) SELECT id, 'report', 'problems/' || lower(hex(randomblob(16))) || '.webp',"
            " 'problems/x-thumb.webp', 1600, 1200, id % 2 FROM problem_reports WHERE id % 3 = 0"
        )
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    phases["timelines, photos"] = perf_counter() - started - sum(phases.values())
    return Seeded(path, count, password, phases)
