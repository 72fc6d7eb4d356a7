"""The public account of moderation: how many decisions of each kind, and for which reasons,
month by month over the last twelve months; by moderators and automatic ones apart.

Only counts leave this module: no names, no content, no notes. One grouped query over an
indexed time range of the log, with the months cut in the municipality's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from moderation.models import ModerationAction

MONTHS = 12


def month_starts(now: dt.datetime, zone: ZoneInfo, months: int = MONTHS) -> list[dt.datetime]:
    """The local starts of the last `months` months, oldest first, then the next month's
    start (which closes the current month)."""
    local = now.astimezone(zone)
    year, month = local.year, local.month
    starts = []
    for back in range(months - 1, -2, -1):
        index = year * 12 + (month - 1) - back
        starts.append(dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=zone))
    return starts


@dataclass
class MonthCounts:
    start: dt.datetime
    # (action, automatic) -> count; (reason, automatic) -> count, decisions with a reason only
    by_action: dict[tuple[str, bool], int] = field(default_factory=dict)
    by_reason: dict[tuple[str, bool], int] = field(default_factory=dict)

    def total(self, automatic: bool) -> int:
        return sum(n for (_, auto), n in self.by_action.items() if auto is automatic)

    @property
    def actions(self) -> list[str]:
        return sorted({action for action, _ in self.by_action})

    @property
    def reasons(self) -> list[str]:
        return sorted({reason for reason, _ in self.by_reason})


def monthly_counts(session: Session, now: dt.datetime, zone: ZoneInfo) -> list[MonthCounts]:
    """The last twelve months, newest first, each with its counts (zero months included)."""
    starts = month_starts(now, zone)
    created = col(ModerationAction.created_at)
    bucket = case(*[(created < starts[i + 1], i) for i in range(MONTHS)], else_=MONTHS)
    keys = (
        bucket,
        col(ModerationAction.action),
        col(ModerationAction.reason),
        col(ModerationAction.automatic),
    )
    rows = session.execute(
        select(*keys, func.count())
        .where(created >= starts[0], created < starts[-1])
        .group_by(*keys)
    ).all()
    months = [MonthCounts(start) for start in starts[:MONTHS]]
    for index, action, reason, automatic, count in rows:
        month = months[int(index)]
        key = (action, bool(automatic))
        month.by_action[key] = month.by_action.get(key, 0) + int(count)
        if reason is not None:
            reason_key = (reason, bool(automatic))
            month.by_reason[reason_key] = month.by_reason.get(reason_key, 0) + int(count)
    return list(reversed(months))
