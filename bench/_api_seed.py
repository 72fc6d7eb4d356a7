"""The database of bench/api.py, on SQLite or PostgreSQL: 100,000 ideas and a published meeting
of 40 agenda items, each with its council and advisory results.

The schema comes from the real migrations. The meeting and its items go through the real
actions (`do_create_meeting`, `do_publish_meeting`, `do_add_item`, which also creates each
item's council and advisory ballot); what the scale needs is bulk-inserted through SQLAlchemy
Core, which speaks both dialects: the authors, the ideas, the council's 31 mandates with a named
vote of each member on each item, and the closed ballots' tallies, as a closed ballot keeps
them.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update

from bench._seed import Phases, analyze
from bench._votes_seed import table
from participation import migrate
from participation.actions import do_create_user
from participation.database import Database, utcnow
from participation.models import Role
from voting.actions import do_add_item, do_create_meeting, do_publish_meeting
from voting.forms import AdvisoryDraft, ItemDraft, MeetingDraft

SEED = 20_261_209
IDEAS = 100_000
AUTHORS = 2_000
ITEMS = 40
MEMBERS = 31
BATCH = 5_000
GROUPS = ("Groen", "Vooruit", "N-VA", "Open VLD", "CD&V", "PVDA")
CATEGORIES = ("mobility", "green", "safety", "culture", "sport", "housing", "youth", "care")
STATUSES = ("new", "new", "new", "new", "under_review", "accepted", "rejected", "implemented")
CENTER = (51.05, 3.72)
DAY = dt.timedelta(days=1)


@dataclass
class ApiSeed:
    url: str
    meeting_id: int
    category_id: int  # a category, for the filtered list
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _meeting(db: Database, now: dt.datetime) -> tuple[int, list[int]]:
    with db.write() as session:
        clerk = do_create_user(
            session,
            email="griffier@demostad.example",
            display_name="Griffier",
            password=secrets.token_urlsafe(16),
            roles=(Role.clerk,),
            verified=True,
        )
        draft = MeetingDraft("Gemeenteraad, benchmark", now + 2 * DAY, "Raadzaal", None)
        meeting = do_create_meeting(session, clerk, draft)
        assert meeting.id is not None
        do_publish_meeting(session, clerk, meeting.id)
        items = []
        for number in range(1, ITEMS + 1):
            title = f"Agendapunt {number}: aanpassing van het reglement"
            advisory = AdvisoryDraft(f"Steunt u {title}?", now + DAY, now + 2 * DAY, True)
            draft_item = ItemDraft(title, "Het dossier. " * 40, advisory=advisory)
            item = do_add_item(session, clerk, meeting.id, draft_item)
            assert item.id is not None
            items.append(item.id)
    return meeting.id, items


def _idea_rows(
    rng: random.Random, categories: list[int], authors: list[int]
) -> Iterator[dict[str, Any]]:
    start = utcnow() - 730 * DAY
    for number in range(IDEAS):
        moment = start + number * (730 * DAY / IDEAS)
        located = rng.random() < 0.6
        yield {
            "author_id": rng.choice(authors),
            "title": f"Idee {number}: meer fietsenstallingen aan het station",
            "body": "Een voorstel van een inwoner, met wat uitleg erbij. " * 6,
            "category_id": rng.choice(categories),
            "latitude": CENTER[0] + rng.uniform(-0.04, 0.04) if located else None,
            "longitude": CENTER[1] + rng.uniform(-0.06, 0.06) if located else None,
            "status": rng.choice(STATUSES),
            "support_count": int(rng.paretovariate(1.5)) - 1,
            "comment_count": rng.randrange(10),
            "shuffle_key": rng.randrange(2**31),
            "created_at": moment,
            "updated_at": moment,
            "visibility": "public",
        }


def _results(session: Any, rng: random.Random, items: list[int], now: dt.datetime) -> None:
    """Close every item's ballots with results, as closing them in session would leave them."""
    council_id = session.execute(select(table("meetings").c.council_id)).scalar_one()
    mandates = table("mandates")
    session.execute(
        insert(mandates),
        [
            {
                "council_id": council_id,
                "member_name": f"Raadslid {number:02d}",
                "political_group": GROUPS[number % len(GROUPS)],
                "starts_on": dt.date(2025, 1, 1),
            }
            for number in range(1, MEMBERS + 1)
        ],
    )
    mandate_ids = list(session.execute(select(mandates.c.id)).scalars())
    ballots = table("council_ballots")
    votes = []
    for item_id in items:
        choices = [rng.choice(("yes", "yes", "no", "abstain")) for _ in mandate_ids]
        tally = {choice: choices.count(choice) for choice in ("yes", "no", "abstain")}
        session.execute(
            update(ballots)
            .where(ballots.c.item_id == item_id)
            .values(
                status="closed",
                closed_at=now - DAY,
                outcome="approved" if tally["yes"] > tally["no"] else "rejected",
                present=MEMBERS,
                in_office=MEMBERS,
                **tally,
            )
        )
        ballot_id = session.execute(
            select(ballots.c.id).where(ballots.c.item_id == item_id)
        ).scalar_one()
        votes += [
            {"ballot_id": ballot_id, "mandate_id": m, "choice": c, "cast_at": now - DAY}
            for m, c in zip(mandate_ids, choices, strict=True)
        ]
        advisory = table("advisory_ballots")
        session.execute(
            update(advisory)
            .where(advisory.c.item_id == item_id)
            .values(
                status="closed",
                opens_at=now - 8 * DAY,
                closes_at=now - 2 * DAY,
                closed_at=now - 2 * DAY,
                yes=rng.randrange(2000),
                no=rng.randrange(2000),
                abstain=rng.randrange(300),
            )
        )
    session.execute(insert(table("council_votes")), votes)


def seed(url: str, log: Callable[[str], None] = print) -> ApiSeed:
    """Migrate the (empty) database at `url` and fill it."""
    rng = random.Random(SEED)
    phase = Phases(log, 28)
    migrate.upgrade(url)
    phase("migrate")
    db = Database(url)
    try:
        now = utcnow()
        meeting_id, items = _meeting(db, now)
        with db.write() as session:
            _results(session, rng, items, now)
        phase(f"meeting with {ITEMS} items")
        with db.write() as session:
            session.execute(
                insert(table("users")),
                [
                    {
                        "email": f"auteur{number}@demostad.example",
                        "display_name": f"Auteur {number}",
                        "password_hash": "!",  # no login: they only wrote ideas
                        "language": "nl",
                        "created_at": now - 800 * DAY,
                        "password_changed_at": now - 800 * DAY,
                    }
                    for number in range(AUTHORS)
                ],
            )
            authors = list(session.execute(select(table("users").c.id)).scalars())
            session.execute(
                insert(table("idea_categories")),
                [
                    {"slug": s, "name_nl": s, "name_fr": s, "name_en": s, "active": True}
                    for s in CATEGORIES
                ],
            )
            categories = list(session.execute(select(table("idea_categories").c.id)).scalars())
            for batch in _batches(_idea_rows(rng, categories, authors)):
                session.execute(insert(table("ideas")), batch)
        phase(f"{IDEAS:,} ideas")
        if db.dialect == "postgresql":
            analyze(db)
            phase("VACUUM ANALYZE")
    finally:
        db.dispose()
    return ApiSeed(url, meeting_id, categories[0], phases=phase.took)
