"""Reading pacts for the overview and open data: the filtered list (keyset pages), the map's
points inside a bounding box, one pact's public record, and the statistics.

What the public sees is decided once, in `listed()`: a pact from its submission on, unless
moderation took it out of view. Drafts and hidden pacts stay in the table and never appear.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from pacts.models import (
    Organisation,
    OrganisationMember,
    Pact,
    PactCategory,
    PactResource,
    PactStatus,
    PactStep,
    ProgressReport,
)
from participation.profiles import public_names
from participation.visibility import Visibility

PAGE_SIZE = 20
# Every status but draft: a pact is public from its submission on.
PUBLIC_STATUSES = tuple(s.value for s in PactStatus if s is not PactStatus.draft)
CATEGORIES = tuple(c.value for c in PactCategory)
EXCERPT_SOURCE = 400  # characters of the description read for a map popup's short text

BBox = tuple[float, float, float, float]  # min longitude, min latitude, max lng, max lat


def listed() -> Any:
    """What every list, the map, the statistics and the API show."""
    return (col(Pact.status) != PactStatus.draft.value) & (
        col(Pact.visibility) == Visibility.public.value
    )


@dataclass(frozen=True)
class PactFilter:
    category: str | None = None
    status: str | None = None
    cursor: str = ""  # the id of the last pact of the previous page, newest first

    @property
    def before(self) -> int | None:
        return int(self.cursor) if self.cursor.isdigit() else None

    @property
    def active(self) -> bool:
        return bool(self.category or self.status)


def _filtered(statement: Any, flt: PactFilter) -> Any:
    """Each filter matches an index that ends with the id (ix_pacts_category,
    ix_pacts_status), so a page is read in order from the cursor on, never sorted."""
    statement = statement.where(listed())
    if flt.category:
        statement = statement.where(col(Pact.category) == flt.category)
    if flt.status:
        statement = statement.where(col(Pact.status) == flt.status)
    if flt.before is not None:
        statement = statement.where(col(Pact.id) < flt.before)
    return statement


@dataclass
class PactPage:
    pacts: list[Pact]
    next_cursor: str | None
    proposers: dict[int, str] = field(default_factory=dict)
    organisations: dict[int, str] = field(default_factory=dict)


def list_statement(flt: PactFilter, limit: int) -> Any:
    return _filtered(select(Pact), flt).order_by(col(Pact.id).desc()).limit(limit)


def list_pacts(session: Session, flt: PactFilter, limit: int = PAGE_SIZE) -> PactPage:
    """Newest first; one row more than the page tells whether a next page exists."""
    found = list(session.exec(list_statement(flt, limit + 1)))
    page = PactPage(found[:limit], str(found[limit - 1].id) if len(found) > limit else None)
    page.proposers = public_names(session, {p.author_id for p in page.pacts if p.author_id})
    organisation_ids = {p.organisation_id for p in page.pacts if p.organisation_id}
    if organisation_ids:
        rows = session.exec(
            select(Organisation.id, Organisation.name).where(
                col(Organisation.id).in_(organisation_ids)
            )
        )
        page.organisations = {i: name for i, name in rows if i is not None}
    return page


@dataclass(frozen=True)
class MapPoint:
    id: int
    title: str
    status: str
    category: str
    latitude: float
    longitude: float
    description_start: str  # the first EXCERPT_SOURCE characters, for a short text


def points_statement(flt: PactFilter, bbox: BBox | None, limit: int) -> Any:
    """Only the columns a marker needs are read, and only the start of each description."""
    statement = select_columns(  # more columns than sqlmodel's typed select takes
        col(Pact.id),
        col(Pact.title),
        col(Pact.status),
        col(Pact.category),
        col(Pact.latitude),
        col(Pact.longitude),
        func.substr(Pact.description, 1, EXCERPT_SOURCE),
    )
    statement = _filtered(statement, flt).where(col(Pact.latitude).is_not(None))
    if bbox is not None:
        west, south, east, north = bbox
        # A range on latitude, the first column of ix_pacts_place, with longitude checked in
        # the same index entries: only the pacts inside the box are read from the table.
        # SQLite is told so, since the app never runs ANALYZE and it would rather read the
        # whole table newest first to skip the sort.
        statement = statement.where(
            col(Pact.latitude).between(south, north), col(Pact.longitude).between(west, east)
        ).with_hint(Pact, "INDEXED BY ix_pacts_place", "sqlite")
    return statement.order_by(col(Pact.id).desc()).limit(limit)


def map_points(session: Session, flt: PactFilter, bbox: BBox | None, limit: int) -> list[MapPoint]:
    """Pacts with a place, newest first, inside the box when one is given."""
    return [MapPoint(*row) for row in session.execute(points_statement(flt, bbox, limit))]


def public_pact(session: Session, pact_id: int) -> Pact | None:
    """The pact if the public may see it; None for a draft, a hidden one or none at all."""
    return session.exec(select(Pact).where(col(Pact.id) == pact_id, listed())).first()


def steps_of(session: Session, pact_id: int) -> list[PactStep]:
    return list(
        session.exec(select(PactStep).where(PactStep.pact_id == pact_id).order_by(col(PactStep.id)))
    )


def resources_of(session: Session, pact_id: int) -> list[PactResource]:
    return list(
        session.exec(
            select(PactResource)
            .where(PactResource.pact_id == pact_id)
            .order_by(col(PactResource.position), col(PactResource.id))
        )
    )


def reports_of(session: Session, pact_id: int) -> list[ProgressReport]:
    """The public progress reports, oldest first, as the timeline reads."""
    return list(
        session.exec(
            select(ProgressReport)
            .where(
                ProgressReport.pact_id == pact_id,
                col(ProgressReport.visibility) == Visibility.public.value,
            )
            .order_by(col(ProgressReport.id))
        )
    )


@dataclass
class Statistics:
    by_status: dict[str, int]
    by_category: dict[str, int]
    by_category_status: dict[tuple[str, str], int]
    total: int
    residents: int  # proposers and members of the proposing organisations
    organisations: int
    reports: int  # public progress reports
    hours: int  # volunteer hours those reports account for


def statistics(session: Session) -> Statistics:
    """A handful of aggregates over the public pacts. A municipality has hundreds or a few
    thousand pacts, not millions; the table is read once, for the four narrow columns the
    counts need, and the reports once, grouped by pact. Drafts and hidden pacts count nowhere,
    nor do the reports on them."""
    counts: Counter[tuple[str, str]] = Counter()
    authors: set[int] = set()
    organisation_ids: set[int] = set()
    public_ids: set[int] = set()
    rows = session.execute(
        select_columns(
            col(Pact.id),
            col(Pact.category),
            col(Pact.status),
            col(Pact.author_id),
            col(Pact.organisation_id),
        ).where(listed())
    )
    for pact_id, category, status, author_id, organisation_id in rows:
        counts[(category, status)] += 1
        public_ids.add(pact_id)
        if author_id is not None:
            authors.add(author_id)
        if organisation_id is not None:
            organisation_ids.add(organisation_id)
    members = session.exec(
        select(OrganisationMember.user_id).where(
            col(OrganisationMember.organisation_id).in_(organisation_ids)
        )
    )
    reports = hours = 0
    per_pact = session.execute(
        select(ProgressReport.pact_id, func.count(), func.sum(ProgressReport.hours))
        .where(col(ProgressReport.visibility) == Visibility.public.value)
        .group_by(col(ProgressReport.pact_id))
    )
    for pact_id, count, pact_hours in per_pact:
        if pact_id in public_ids:
            reports += count
            hours += pact_hours or 0
    by_status = dict.fromkeys(PUBLIC_STATUSES, 0)
    by_category = dict.fromkeys(CATEGORIES, 0)
    for (category, status), count in counts.items():
        by_status[status] += count
        by_category[category] += count
    return Statistics(
        by_status=by_status,
        by_category=by_category,
        by_category_status=dict(counts),
        total=len(public_ids),
        residents=len(authors | set(members)),
        organisations=len(organisation_ids),
        reports=reports,
        hours=int(hours),
    )
