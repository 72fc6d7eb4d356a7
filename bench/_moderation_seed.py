"""The database of bench/moderation.py: ideas and comments with open reports, on SQLite.

The content comes from bench/_seed.py (the real migrations, then bulk inserts); on it, open
reports on ITEMS pieces of content, ideas and comments, each item with its case as
moderation/cases.py keeps them: one `moderation_cases` row holding the number of open reports
and the newest one's reason, opened at the first report. The reports are plain inserts through
SQLAlchemy Core, because the actions that add them are being written; what those actions do
beside the report is done here too, so that the queue sees a state the app could have reached:

- nobody reports their own content, and a resident reports an item once;
- with auto-hide on (the app's `moderation_auto_hide_reports`, 5 by default), the report that
  reaches the threshold hides the item pending review (`set_visibility`, which also recounts
  an idea's public comments), logged as an automatic `auto_hide`; a hidden item cannot be
  reported again, so no item has more open reports than the threshold;
- earlier work: CLOSED_ITEMS other items whose reports the moderator dismissed, their cases
  closed, each decision in the log, so that the queue has closed cases to pass over.

The moderator is created by the real action (`do_create_user`, one argon2 hash) and logs in
for real in the benchmark.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlmodel import Session, SQLModel

from bench._seed import Phases, Seeded, _spread
from bench._seed import seed as seed_content
from moderation.models import ActionKind, CaseStatus, ReportStatus
from participation.actions import do_create_user
from participation.database import Database, utcnow
from participation.features import feature_modules
from participation.models import Role
from participation.visibility import Reason, Visibility, set_visibility

SEED = 20_261_128
ITEMS = 5_000  # reported pieces of content in the queue
REPORTS = 10_000  # open reports on them
IDEA_SHARE = 0.3  # of the reported items; the others are comments
MAX_REPORTS = 50  # per item, when auto-hide is off
CLOSED_ITEMS = 2_500  # dismissed earlier: closed cases, out of the queue
WINDOW = dt.timedelta(days=3)  # the open reports came in over the last three days
HISTORY = dt.timedelta(days=60)  # the dismissed ones before that
# Reports on one item mostly give the same reason; these are the odds of each.
REASON_WEIGHTS = {
    Reason.spam: 0.35,
    Reason.insult: 0.3,
    Reason.off_topic: 0.2,
    Reason.personal_data: 0.05,
    Reason.other: 0.1,
}
SAME_REASON = 0.8
MODERATOR_EMAIL = "moderator@demostad.example"


@dataclass(frozen=True)
class Item:
    content_type: str
    content_id: int
    author_id: int | None
    created_at: dt.datetime


@dataclass
class ModerationSeed:
    content: Seeded
    moderator_id: int
    moderator_password: str
    items: int
    reports: int
    auto_hidden: int
    by_type: dict[str, int]  # reported items per content type
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.content.url

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _candidates(session: Session) -> dict[str, list[Item]]:
    """What residents can report: ideas not withdrawn, and comments."""
    ideas, comments = table("ideas"), table("comments")
    found = {
        "idea": session.execute(
            select(ideas.c.id, ideas.c.author_id, ideas.c.created_at).where(
                ideas.c.withdrawn_at.is_(None)
            )
        ).all(),
        "comment": session.execute(
            select(comments.c.id, comments.c.author_id, comments.c.created_at)
        ).all(),
    }
    return {kind: [Item(kind, *row) for row in rows] for kind, rows in found.items()}


def _pick(
    rng: random.Random, candidates: dict[str, list[Item]], items: int, before: dt.datetime
) -> tuple[list[Item], list[Item]]:
    """The items reported now, and other items, posted `before`, dismissed earlier."""
    ideas = round(items * IDEA_SHARE)
    wanted = {"idea": ideas, "comment": items - ideas}
    closed = {"idea": round(CLOSED_ITEMS * IDEA_SHARE)}
    closed["comment"] = CLOSED_ITEMS - closed["idea"]
    reported: list[Item] = []
    dismissed: list[Item] = []
    for kind, rows in candidates.items():
        chosen = rng.sample(rows, wanted[kind])
        reported += chosen
        taken = set(chosen)
        older = [row for row in rows if row.created_at < before and row not in taken]
        dismissed += rng.sample(older, closed[kind])
    rng.shuffle(reported)
    return reported, dismissed


def _reason(rng: random.Random) -> str:
    return rng.choices(list(REASON_WEIGHTS), list(REASON_WEIGHTS.values()))[0].value


def _reports(
    rng: random.Random,
    item: Item,
    count: int,
    users: int,
    since: dt.datetime,
    until: dt.datetime,
    status: ReportStatus,
) -> list[dict[str, Any]]:
    """`count` reports on the item by distinct residents other than its author, oldest first."""
    reporters = [u for u in rng.sample(range(1, users + 1), count + 1) if u != item.author_id]
    start = max(since, item.created_at)
    span = (until - start).total_seconds()
    moments = sorted(start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    usual = _reason(rng)
    resolved = until if status is not ReportStatus.open else None
    return [
        {
            "content_type": item.content_type,
            "content_id": item.content_id,
            "reporter_id": reporter,
            "reason": usual if rng.random() < SAME_REASON else _reason(rng),
            "details": "",
            "status": status.value,
            "created_at": moment,
            "resolved_at": resolved,
        }
        for reporter, moment in zip(reporters[:count], moments, strict=True)
    ]


def _case(
    item: Item, reports: list[dict[str, Any]], closed_at: dt.datetime | None
) -> dict[str, Any]:
    return {
        "content_type": item.content_type,
        "content_id": item.content_id,
        "author_id": item.author_id,
        "status": (CaseStatus.closed if closed_at else CaseStatus.open).value,
        "open_reports": 0 if closed_at else len(reports),
        "last_reason": reports[-1]["reason"],
        "opened_at": reports[0]["created_at"],
        "closed_at": closed_at,
    }


def _action(
    kind: ActionKind, item: Item, moderator: int | None, reason: str | None, at: dt.datetime
) -> dict[str, Any]:
    return {
        "action": kind.value,
        "moderator_id": moderator,
        "content_type": item.content_type,
        "content_id": item.content_id,
        "target_user_id": item.author_id,
        "reason": reason,
        "note": "",
        "automatic": moderator is None,
        "created_at": at,
    }


@dataclass
class _Rows:
    reports: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    hidden: list[tuple[Item, str, dt.datetime]] = field(default_factory=list)  # reason, when


def _rows(
    rng: random.Random,
    reported: list[Item],
    counts: list[int],
    dismissed: list[Item],
    users: int,
    moderator: int,
    auto_hide_at: int,
) -> _Rows:
    now = utcnow()
    rows = _Rows()
    for item, count in zip(reported, counts, strict=True):
        reports = _reports(rng, item, count, users, now - WINDOW, now, ReportStatus.open)
        rows.reports += reports
        rows.cases.append(_case(item, reports, None))
        if auto_hide_at and count >= auto_hide_at:
            reason, moment = (
                reports[auto_hide_at - 1]["reason"],
                reports[auto_hide_at - 1]["created_at"],
            )
            rows.hidden.append((item, reason, moment))
            rows.actions.append(_action(ActionKind.auto_hide, item, None, reason, moment))
    for item in dismissed:
        earliest = max(item.created_at, now - WINDOW - HISTORY)
        span = (now - WINDOW - earliest).total_seconds()
        decided = earliest + dt.timedelta(seconds=rng.uniform(0, span))
        count = rng.randint(1, 3)
        reports = _reports(rng, item, count, users, earliest, decided, ReportStatus.dismissed)
        rows.reports += reports
        rows.cases.append(_case(item, reports, decided))
        rows.actions.append(_action(ActionKind.dismiss, item, moderator, None, decided))
    rows.actions.sort(key=lambda row: row["created_at"])  # the log's ids follow time
    return rows


def _insert(session: Session, rows: _Rows) -> None:
    """The rows, then the threshold's automatic hides as the app makes them."""
    session.execute(insert(table("moderation_reports")), rows.reports)
    session.execute(insert(table("moderation_cases")), rows.cases)
    session.execute(insert(table("moderation_actions")), rows.actions)
    for item, reason, _moment in rows.hidden:
        set_visibility(session, item.content_type, item.content_id, Visibility.auto_hidden, reason)
    session.flush()
    if not rows.hidden:
        return
    hidden_content = table("hidden_content")
    session.execute(  # hidden when the report came in, not now
        update(hidden_content)
        .where(
            hidden_content.c.content_type == bindparam("kind"),
            hidden_content.c.content_id == bindparam("item"),
        )
        .values(since=bindparam("moment")),
        [{"kind": i.content_type, "item": i.content_id, "moment": m} for i, _r, m in rows.hidden],
    )


def seed(
    path: Path,
    factor: float,
    items: int,
    reports: int,
    auto_hide_at: int,
    log: Callable[[str], None] = print,
) -> ModerationSeed:
    """Content at `factor` times bench/_seed.py's scale into a new database at `path`, then
    `reports` open reports on `items` of it; `auto_hide_at` is the app's setting (0: off)."""
    cap = auto_hide_at or MAX_REPORTS
    if not items <= reports <= items * cap:
        raise SystemExit(f"{reports} reports on {items} items: each needs 1 to {cap}")
    content = seed_content(path, factor, log)
    feature_modules("content")  # as the app does: each feature registers its content types
    phase = Phases(log, 28)
    rng = random.Random(SEED)
    password = "bench-moderator-" + secrets.token_hex(8)
    db = Database(content.url)
    try:
        with db.write() as session:
            moderator = do_create_user(
                session,
                email=MODERATOR_EMAIL,
                display_name="Moderator",
                password=password,
                roles=(Role.moderator,),
                verified=True,
            )
            assert moderator.id is not None
        phase("moderator (action, argon2)")
        with db.write() as session:
            reported, dismissed = _pick(rng, _candidates(session), items, utcnow() - WINDOW)
            weights = [rng.paretovariate(1.5) for _ in range(items)]
            counts = [1 + n for n in _spread(rng, reports - items, weights, cap - 1)]
            rows = _rows(
                rng, reported, counts, dismissed, content.scale.users, moderator.id, auto_hide_at
            )
            _insert(session, rows)
        phase(f"{reports:,} reports on {items:,} items")
    finally:
        db.dispose()
    by_type = Counter(item.content_type for item in reported)
    return ModerationSeed(
        content,
        moderator.id,
        password,
        items,
        reports,
        len(rows.hidden),
        dict(by_type),
        phases={**content.phases, **phase.took},
    )


def open_cases(url: str) -> dict[tuple[str, int], tuple[int, str | None]]:
    """Every open case: (content type, id) -> (open reports, newest reason)."""
    cases = table("moderation_cases")
    db = Database(url)
    try:
        with db.read() as session:
            rows = session.execute(
                select(
                    cases.c.content_type,
                    cases.c.content_id,
                    cases.c.open_reports,
                    cases.c.last_reason,
                ).where(cases.c.status == CaseStatus.open.value)
            ).all()
    finally:
        db.dispose()
    return {(kind, item): (count, reason) for kind, item, count, reason in rows}
