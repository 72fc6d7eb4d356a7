"""What moderators read: the queue, one item in context, and the log.

The queue is one indexed read on `moderation_cases` (most reports first, then oldest), paged by
keyset, plus a fixed number of lookups for the rows of one page; it never counts or scans
reports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from moderation.models import (
    ACTION_VALUES,
    CaseStatus,
    ModerationAction,
    ModerationCase,
    Report,
    ReportStatus,
    Sanction,
)
from participation.comments import DiscussionLock
from participation.content import ContentType, content_type, moderatable
from participation.models import User
from participation.visibility import REASON_VALUES, HiddenContent, Visibility

PAGE_SIZE = 50
HISTORY_SIZE = 20
REPORTS_SHOWN = 200
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _micros(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


def _cursor(raw: str, parts: int) -> tuple[int, ...] | None:
    pieces = raw.split(".")
    if len(pieces) != parts or not all(p.isdigit() and len(p) <= 20 for p in pieces):
        return None
    return tuple(int(p) for p in pieces)


def names_of(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in user_ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(wanted)))
    return {user_id: name for user_id, name in rows if user_id is not None}


def title_of(session: Session, kind: ContentType | None, content_id: int) -> str | None:
    return kind.title(session, content_id) if kind is not None else None


# The queue


@dataclass(frozen=True)
class QueueFilter:
    content_type: str | None = None
    reason: str | None = None
    status: str = CaseStatus.open.value
    cursor: str = ""

    @classmethod
    def parse(cls, params: Any, prefix: str = "") -> QueueFilter:
        """From the query string, or (with a prefix) from a form that has fields of its own
        by those names."""
        type_name = params.get(f"{prefix}content_type", "")
        reason = params.get(f"{prefix}reason", "")
        status = params.get(f"{prefix}status", "")
        return cls(
            content_type=type_name if moderatable(type_name) else None,
            reason=reason if reason in REASON_VALUES else None,
            status=status if status in (s.value for s in CaseStatus) else CaseStatus.open.value,
            cursor=params.get(f"{prefix}cursor", "")[:80],
        )

    def query(self, **changes: str) -> dict[str, str]:
        """The filter as query parameters, for links that keep it (the default left out)."""
        values = {
            "content_type": self.content_type or "",
            "reason": self.reason or "",
            "status": "" if self.status == CaseStatus.open else self.status,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}


@dataclass
class QueueRow:
    case: ModerationCase
    kind: ContentType | None
    title: str | None
    visibility: Visibility
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.case.content_type}:{self.case.content_id}"


@dataclass
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None


def _queue_where(flt: QueueFilter) -> list[Any]:
    conditions = [ModerationCase.status == flt.status]
    if flt.content_type:
        conditions.append(ModerationCase.content_type == flt.content_type)
    if flt.reason:
        conditions.append(ModerationCase.last_reason == flt.reason)
    return conditions


def _count_group(flt: QueueFilter, below: int | None) -> Any:
    """The cases with the highest number of open reports (below `below` if given), which a
    subquery finds in one step down the queue index, read from its end."""
    reports = col(ModerationCase.open_reports)
    top = select(reports).where(*_queue_where(flt))
    if below is not None:
        top = top.where(reports < below)
    highest = top.order_by(reports.desc()).limit(1).scalar_subquery()
    return select(ModerationCase).where(*_queue_where(flt), reports == highest)


def _queue_cases(session: Session, flt: QueueFilter, limit: int) -> list[ModerationCase]:
    """Most open reports first, then the oldest. The queue is read one report count at a
    time, each an ascending range of the queue index (status, [type,] count, opened_at): a
    descending count with ascending ages in one ORDER BY would sort every row of a count in a
    temporary tree, and the page 90% down would sort most of the queue. The cursor's count is
    read on from its age and id with a condition the index seeks to (`opened_at >= m AND
    (opened_at > m OR id > x)`); an OR alone could not seek."""
    opened, case_id = col(ModerationCase.opened_at), col(ModerationCase.id)
    found: list[ModerationCase] = []
    below: int | None = None
    after = _cursor(flt.cursor, 3)
    if after:
        below, micros, last_id = after
        moment = _EPOCH + dt.timedelta(microseconds=micros)
        rest = select(ModerationCase).where(
            *_queue_where(flt),
            ModerationCase.open_reports == below,
            opened >= moment,
            or_(opened > moment, case_id > last_id),
        )
        found = list(session.exec(rest.order_by(opened, case_id).limit(limit + 1)).all())
    # One more than the page, to know whether a next page exists.
    while len(found) <= limit:
        group = _count_group(flt, below).order_by(opened, case_id)
        more = session.exec(group.limit(limit + 1 - len(found))).all()
        if not more:
            break
        found += more
        below = more[0].open_reports
    return found


def _by_type(found: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for type_name, content_id in found:
        grouped[type_name].append(content_id)
    return grouped


def _reasons(session: Session, refs: dict[str, list[int]]) -> dict[tuple[str, int], dict[str, int]]:
    """The open reports' reasons of the page's items, counted: one query per content type."""
    found: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for type_name, ids in refs.items():
        rows = session.exec(
            select(Report.content_id, Report.reason, func.count())
            .where(
                Report.content_type == type_name,
                col(Report.content_id).in_(ids),
                Report.status == ReportStatus.open.value,
            )
            .group_by(col(Report.content_id), col(Report.reason))
        )
        for content_id, reason, count in rows:
            found[(type_name, content_id)][reason] = count
    return found


def visibilities(session: Session, refs: dict[str, list[int]]) -> dict[tuple[str, int], str]:
    """Which of these items are not public (one query per content type)."""
    found: dict[tuple[str, int], str] = {}
    for type_name, ids in refs.items():
        rows = session.exec(
            select(HiddenContent.content_id, HiddenContent.visibility).where(
                HiddenContent.content_type == type_name, col(HiddenContent.content_id).in_(ids)
            )
        )
        for content_id, visibility in rows:
            found[(type_name, content_id)] = visibility
    return found


def _load_content(session: Session, refs: dict[str, list[int]]) -> dict[tuple[str, int], Any]:
    """The page's content rows, one query per content type. They stay in the session's
    identity map while the page is built, so each type's `title` (which gets its row by
    primary key) costs no query of its own."""
    found: dict[tuple[str, int], Any] = {}
    for type_name, ids in refs.items():
        kind = moderatable(type_name)
        if kind is None:
            continue
        model = kind.model
        for row in session.exec(select(model).where(col(model.id).in_(ids))):
            found[(type_name, row.id)] = row
    return found


def queue_page(session: Session, flt: QueueFilter, limit: int = PAGE_SIZE) -> QueuePage:
    found = _queue_cases(session, flt, limit)
    page_cases = found[:limit]
    refs = _by_type((c.content_type, c.content_id) for c in page_cases)
    reasons = _reasons(session, refs)
    loaded = _load_content(session, refs)
    rows = []
    for case in page_cases:
        ref = (case.content_type, case.content_id)
        kind = content_type(case.content_type)
        content = loaded.get(ref)
        rows.append(
            QueueRow(
                case=case,
                kind=kind,
                title=title_of(session, kind, case.content_id) if content is not None else None,
                visibility=Visibility(content.visibility if content is not None else "public"),
                reasons=reasons.get(ref, {}),
            )
        )
    next_cursor = None
    if len(found) > limit:
        last = page_cases[-1]
        next_cursor = f"{last.open_reports}.{_micros(last.opened_at)}.{last.id}"
    return QueuePage(rows, next_cursor)


# One item in context


@dataclass
class ItemContext:
    kind: ContentType
    content_id: int
    author_id: int | None
    title: str | None
    text: str
    visibility: Visibility
    hidden_reason: str | None
    locked: bool
    case: ModerationCase | None
    reports: list[Report]
    log: list[ModerationAction]
    other_cases: list[QueueRow]
    sanctions: list[Sanction]
    names: dict[int, str]

    @property
    def url(self) -> str:
        return self.kind.url(self.content_id)

    @property
    def author_name(self) -> str | None:
        return self.names.get(self.author_id) if self.author_id is not None else None


def _other_cases(session: Session, author_id: int | None, ref: tuple[str, int]) -> list[QueueRow]:
    if author_id is None:
        return []
    found = session.exec(
        select(ModerationCase)
        .where(ModerationCase.author_id == author_id)
        .order_by(col(ModerationCase.id).desc())
        .limit(HISTORY_SIZE + 1)
    ).all()
    others = [c for c in found if (c.content_type, c.content_id) != ref][:HISTORY_SIZE]
    hidden = visibilities(session, _by_type((c.content_type, c.content_id) for c in others))
    return [
        QueueRow(
            case=case,
            kind=content_type(case.content_type),
            title=None,
            visibility=Visibility(
                hidden.get((case.content_type, case.content_id), Visibility.public.value)
            ),
        )
        for case in others
    ]


def item_context(session: Session, kind: ContentType, content_id: int) -> ItemContext | None:
    """Everything a moderator needs to decide about one item, or None if it does not exist."""
    row: Any = session.get(kind.model, content_id)
    if row is None:
        return None
    ref = (kind.name, content_id)
    author_id: int | None = row.author_id
    reports = list(
        session.exec(
            select(Report)
            .where(Report.content_type == kind.name, Report.content_id == content_id)
            .order_by(col(Report.id).desc())
            .limit(REPORTS_SHOWN)
        ).all()
    )
    log = list(
        session.exec(
            select(ModerationAction)
            .where(
                ModerationAction.content_type == kind.name,
                ModerationAction.content_id == content_id,
            )
            .order_by(col(ModerationAction.id).desc())
            .limit(HISTORY_SIZE)
        ).all()
    )
    sanctions: list[Sanction] = []
    if author_id is not None:
        sanctions = list(
            session.exec(
                select(Sanction)
                .where(Sanction.user_id == author_id)
                .order_by(col(Sanction.id).desc())
                .limit(HISTORY_SIZE)
            ).all()
        )
    hidden = session.get(HiddenContent, ref)
    case = session.exec(
        select(ModerationCase).where(
            ModerationCase.content_type == kind.name, ModerationCase.content_id == content_id
        )
    ).first()
    people = [author_id, *(r.reporter_id for r in reports), *(e.moderator_id for e in log)]
    return ItemContext(
        kind=kind,
        content_id=content_id,
        author_id=author_id,
        title=kind.title(session, content_id),
        text=kind.text(session, content_id) if kind.text is not None else "",
        visibility=Visibility(row.visibility),
        hidden_reason=hidden.reason if hidden is not None else None,
        locked=kind.has_discussion and session.get(DiscussionLock, ref) is not None,
        case=case,
        reports=reports,
        log=log,
        other_cases=_other_cases(session, author_id, ref),
        sanctions=sanctions,
        names=names_of(session, people),
    )


# The log


@dataclass
class LogPage:
    entries: list[ModerationAction]
    next_before: int | None
    names: dict[int, str]


def log_page(
    session: Session, action: str | None, before: int | None, limit: int = PAGE_SIZE
) -> LogPage:
    """Newest first, by id (the log is append-only, so ids follow time)."""
    statement = select(ModerationAction)
    if action in ACTION_VALUES:
        statement = statement.where(ModerationAction.action == action)
    if before is not None:
        statement = statement.where(col(ModerationAction.id) < before)
    found = list(
        session.exec(statement.order_by(col(ModerationAction.id).desc()).limit(limit + 1)).all()
    )
    entries = found[:limit]
    names = names_of(
        session, [e.moderator_id for e in entries] + [e.target_user_id for e in entries]
    )
    return LogPage(entries, entries[-1].id if len(found) > limit else None, names)
