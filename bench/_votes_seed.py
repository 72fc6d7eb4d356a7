"""The database of bench/votes.py, on SQLite or PostgreSQL, and the checks after its run.

The schema comes from the real migrations. What is cheap goes through the real actions: the
clerk (`do_create_user`), the published meeting (`do_create_meeting`, `do_publish_meeting`) and
its two agenda items with their advisory ballots (`do_add_item`). What the scale needs is
bulk-inserted through SQLAlchemy Core, which speaks both dialects: the verified residents (one
argon2 hash for all of them), and on the second item one vote of each resident with the voter
key `advisory.voter_key` gives it and the audit link a real cast would have appended, so that
`audit.verify` after the run checks those too.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from bench._seed import Phases, analyze
from participation import migrate, passwords
from participation.actions import do_create_user
from participation.database import Database, make_engine, utcnow
from participation.models import Role, User
from voting import audit
from voting.actions import do_add_item, do_create_meeting, do_publish_meeting
from voting.advisory import voter_key
from voting.forms import AdvisoryDraft, ItemDraft, MeetingDraft
from voting.models import AdvisoryBallot

SEED = 20_261_206
VOTERS = 50_000  # residents, and the votes on the results item: one each
CHOICE_WEIGHTS = {"yes": 0.55, "no": 0.3, "abstain": 0.15}
BATCH = 5_000  # rows per executemany, so that no statement holds all 50,000 at once
CLERK_EMAIL = "griffier@demostad.example"
HOUR = dt.timedelta(hours=1)


@dataclass
class VoteSeed:
    url: str
    password: str  # every resident's
    live_item: int  # open advisory ballot, results shown live, no votes yet
    results_item: int  # open advisory ballot, results shown live, VOTERS votes
    live_ballot: int
    residents: list[int]  # user ids, in the order of `email`
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())

    @staticmethod
    def email(number: int) -> str:
        return f"inwoner{number}@demostad.example"


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def recreate_postgresql(url: str) -> None:
    """Drop the database at `url` and create it empty, from the server's `postgres` database."""
    parsed = make_url(url)
    name = parsed.database
    if not name or name == "postgres":
        raise SystemExit(f"--postgresql needs a database of its own in the URL, not {name!r}")
    engine = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    quoted = engine.dialect.identifier_preparer.quote(name)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        engine.dispose()


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _meeting(db: Database, now: dt.datetime) -> tuple[int, int]:
    """The clerk's meeting with its two items, through the real actions; their ids."""
    with db.write() as session:
        clerk = do_create_user(
            session,
            email=CLERK_EMAIL,
            display_name="Griffier",
            password=secrets.token_urlsafe(16),  # never used: the clerk only sets up
            roles=(Role.clerk,),
            verified=True,
        )
        draft = MeetingDraft("Gemeenteraad, benchmark", now + 2 * 24 * HOUR, "Raadzaal", None)
        meeting = do_create_meeting(session, clerk, draft)
        assert meeting.id is not None
        do_publish_meeting(session, clerk, meeting.id)
        items = []
        # The live item opened a minute ago, for an hour; the other's votes came over six days.
        for title, opens, closes in (
            ("Heraanleg van het Marktplein", now - dt.timedelta(minutes=1), now + HOUR),
            ("Nieuw zwembad aan de Watersportbaan", now - 6 * 24 * HOUR, now + 24 * HOUR),
        ):
            advisory = AdvisoryDraft(f"Steunt u: {title}?", opens, closes, True)
            agenda_item = ItemDraft(title, "Het dossier.", advisory=advisory)
            item = do_add_item(session, clerk, meeting.id, agenda_item)
            assert item.id is not None
            items.append(item.id)
    return items[0], items[1]


def _residents(session: Session, password_hash: str, now: dt.datetime) -> list[User]:
    users = table("users")
    rows = [
        {
            "email": VoteSeed.email(number),
            "display_name": f"Inwoner {number}",
            "password_hash": password_hash,
            "language": "nl",
            "created_at": now - 30 * 24 * HOUR,
            "email_verified_at": now - 30 * 24 * HOUR,
            "password_changed_at": now - 30 * 24 * HOUR,
        }
        for number in range(1, VOTERS + 1)
    ]
    for batch in _batches(rows):
        session.execute(insert(users), batch)
    found = session.execute(
        select(users.c.id, users.c.email).where(users.c.email.like("inwoner%")).order_by(users.c.id)
    ).all()
    roles = [{"user_id": row.id, "role": Role.resident.value, "granted_at": now} for row in found]
    for batch in _batches(roles):
        session.execute(insert(table("user_roles")), batch)
    # The voter key needs only the address; a detached User carries it.
    return [User(id=row.id, email=row.email, display_name="", password_hash="") for row in found]


def _votes(session: Session, ballot: AdvisoryBallot, voters: list[User], secret_key: str) -> None:
    """One vote per voter cast over the ballot's past, each with the audit link of its cast."""
    assert ballot.id is not None
    rng = random.Random(SEED)
    now = utcnow()
    span = (now - ballot.opens_at).total_seconds()
    moments = sorted(ballot.opens_at + dt.timedelta(seconds=rng.uniform(0, span)) for _ in voters)
    choices = rng.choices(list(CHOICE_WEIGHTS), list(CHOICE_WEIGHTS.values()), k=len(voters))
    rows = [
        {
            "ballot_id": ballot.id,
            "voter_id": user.id,
            "voter_key": voter_key(secret_key, ballot.id, user),
            "choice": choice,
            "cast_at": moment,
        }
        for user, choice, moment in zip(voters, choices, moments, strict=True)
    ]
    votes = table("advisory_votes")
    for batch in _batches(rows):
        session.execute(insert(votes), batch)
    chain = audit.chain_of(ballot)
    prev_hash, links = audit.GENESIS, []
    stored = session.execute(
        select(votes.c.id, votes.c.choice, votes.c.cast_at)
        .where(votes.c.ballot_id == ballot.id)
        .order_by(votes.c.cast_at, votes.c.id)
    )
    for seq, (vote_id, choice, cast_at) in enumerate(stored, start=1):
        payload = audit.canonical({"vote": vote_id, "choice": choice})
        link = audit.link_hash(prev_hash, chain, seq, "cast", payload, cast_at)
        links.append(
            {
                "chain": chain,
                "seq": seq,
                "kind": "cast",
                "payload": payload,
                "created_at": cast_at,
                "prev_hash": prev_hash,
                "hash": link,
            }
        )
        prev_hash = link
    for batch in _batches(links):
        session.execute(insert(table("audit_entries")), batch)
    session.execute(
        update(table("advisory_ballots"))
        .where(table("advisory_ballots").c.id == ballot.id)
        .values(chain_seq=len(links), chain_head=prev_hash)
    )


def seed(url: str, secret_key: str, log: Callable[[str], None] = print) -> VoteSeed:
    """Migrate the empty database at `url` and fill it; `secret_key` is the app's."""
    phase = Phases(log, 36)

    migrate.upgrade(url)
    password = "bench-resident-" + secrets.token_hex(8)
    password_hash = passwords.hash_password(password)
    phase("migrate + one argon2 hash")
    db = Database(url)
    try:
        now = utcnow()
        live_item, results_item = _meeting(db, now)
        phase("clerk, meeting, 2 items (actions)")
        with db.write() as session:
            voters = _residents(session, password_hash, now)
        phase(f"{VOTERS:,} verified residents")
        with db.write() as session:
            ballots = {
                ballot.item_id: ballot
                for ballot in session.execute(select(AdvisoryBallot)).scalars()
            }
            _votes(session, ballots[results_item], voters, secret_key)
        phase(f"{VOTERS:,} votes + audit links")
        if db.dialect == "postgresql":
            analyze(db)
            phase("VACUUM ANALYZE")
        live_ballot = ballots[live_item].id
        assert live_ballot is not None
    finally:
        db.dispose()
    residents = [user.id for user in voters if user.id is not None]
    return VoteSeed(url, password, live_item, results_item, live_ballot, residents, phase.took)


@contextmanager
def reading(url: str) -> Iterator[Session]:
    db = Database(url)
    try:
        with db.read() as session:
            yield session
    finally:
        db.dispose()


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str


def check(url: str, ballot_id: int, last: dict[int, str], links: int) -> list[Finding]:
    """What the database holds after the run, against what the 303 answers said.

    `last` is each resident's last choice answered 303; `links` the casts and changes those
    answers add up to (a choice sent again unchanged adds none)."""
    votes = table("advisory_votes")
    with reading(url) as session:
        rows = session.execute(
            select(votes.c.voter_id, func.count(), func.min(votes.c.choice))
            .where(votes.c.ballot_id == ballot_id)
            .group_by(votes.c.voter_id)
        ).all()
        (chain_links,) = session.execute(
            select(func.count())
            .select_from(table("audit_entries"))
            .where(table("audit_entries").c.chain == f"advisory:{ballot_id}")
        ).one()
        verification = audit.verify(session)
    stored = {voter: choice for voter, _n, choice in rows}
    duplicated = sum(1 for _voter, n, _choice in rows if n > 1)
    lost = len(last.keys() - stored.keys())
    stray = len(stored.keys() - last.keys())
    wrong = sum(1 for voter, choice in last.items() if stored.get(voter, choice) != choice)
    breaks = "; ".join(str(b) for b in verification.breaks)
    return [
        Finding(
            "one advisory_votes row per resident who voted",
            not (duplicated or lost or stray),
            f"{len(last):,} residents voted, {sum(n for _v, n, _c in rows):,} rows; "
            f"{duplicated} duplicated, {lost} lost, {stray} without a 303",
        ),
        Finding(
            "stored choice = the resident's last 303 choice",
            not wrong,
            f"{wrong} of {len(last):,} differ",
        ),
        Finding(
            "audit.verify clean",
            not verification.breaks,
            f"{verification.chains} chains, {verification.links:,} links"
            + (f"; {breaks}" if breaks else ""),
        ),
        Finding(
            "audit links on the live ballot = casts + changes",
            chain_links == links,
            f"{chain_links:,} links for {links:,} casts and changes",
        ),
    ]
