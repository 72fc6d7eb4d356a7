"""Reading ideas: the browsable list (search, filters, four sort orders, keyset pages)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, tuple_
from sqlmodel import Session, col, select

from ideas.models import Idea, IdeaCategory, IdeaPhoto, OfficialAnswer
from participation import search as search_index
from participation.paging import keyset_cursor
from participation.profiles import public_names
from participation.visibility import Visibility

SORTS = ("new", "supported", "discussed", "random")
PAGE_SIZE = 20
SEARCH_INDEX = "idea_search"
# How many of the newest ideas the map reads first, per idea on the page (see `in_box`).
NEWEST_WINDOW = 50
# A search in another order than the newest sorts at most this many of its newest matches:
# sorting every match of a common word would make the page slower as ideas pile up. The page
# says so when a search has more matches (`IdeaPage.window_reached`).
SEARCH_SORT_WINDOW = 1000


@dataclass(frozen=True)
class IdeaFilter:
    query: str = ""
    category_id: int | None = None
    status: str | None = None
    sort: str = "new"
    cursor: str = ""
    seed: int = 0  # per visitor, for a fair random order that stays put while paging


@dataclass
class IdeaPage:
    ideas: list[Idea]
    next_cursor: str | None
    authors: dict[int, str] = field(default_factory=dict)
    categories: dict[int, IdeaCategory] = field(default_factory=dict)
    window_reached: bool = False  # sorted among the SEARCH_SORT_WINDOW newest matches only


def listed() -> Any:
    """What every list, search, map and feed shows: public ideas that are not withdrawn.
    Hidden and held ideas stay in their table (and in the search index) but never appear."""
    return (col(Idea.withdrawn_at).is_(None)) & (col(Idea.visibility) == Visibility.public.value)


def _base(session: Session, flt: IdeaFilter, *, search: bool = True) -> Any:
    statement = select(Idea).where(listed())
    if flt.category_id is not None:
        statement = statement.where(Idea.category_id == flt.category_id)
    if flt.status:
        statement = statement.where(Idea.status == flt.status)
    if search:
        dialect = session.get_bind().dialect.name
        matching = search_index.matching_ids(
            SEARCH_INDEX, flt.query, dialect, limit=SEARCH_SORT_WINDOW
        )
        if matching is not None:
            statement = statement.where(col(Idea.id).in_(matching))
    return statement


def _window_reached(session: Session, flt: IdeaFilter) -> bool:
    """Whether the search matches more ideas than a sort other than the newest reads."""
    dialect = session.get_bind().dialect.name
    matching = search_index.matching_ids(
        SEARCH_INDEX, flt.query, dialect, limit=SEARCH_SORT_WINDOW + 1
    )
    if matching is None:
        return False
    found = session.exec(select(func.count()).select_from(matching.subquery())).one()
    return found > SEARCH_SORT_WINDOW


def _by_count(session: Session, flt: IdeaFilter, limit: int) -> tuple[list[Idea], str | None]:
    """Most supported or discussed first. The cursor's tie (ideas with the same count) is read
    by id, then the lower counts by the index: no page walks through a long tie."""
    count = col(Idea.support_count if flt.sort == "supported" else Idea.comment_count)
    order = (count.desc(), col(Idea.id).desc())
    after = keyset_cursor(flt.cursor, 2)
    found: list[Idea] = []
    if after:
        tie = _base(session, flt).where(count == after[0], col(Idea.id) < after[1])
        found = list(session.exec(tie.order_by(*order).limit(limit + 1)).all())
    if len(found) <= limit:
        rest = _base(session, flt)
        if after:
            rest = rest.where(count < after[0])
        found += session.exec(rest.order_by(*order).limit(limit + 1 - len(found))).all()
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    value = last.support_count if flt.sort == "supported" else last.comment_count
    return found[:limit], f"{value}.{last.id}"


def _newest(session: Session, flt: IdeaFilter, limit: int) -> tuple[list[Idea], str | None]:
    """Newest first. A search is read from the full-text index newest first, in batches, so
    a common word does not make the index collect every match."""
    after = keyset_cursor(flt.cursor, 1)
    before = after[0] if after else None
    dialect = session.get_bind().dialect.name
    found: list[Idea] = []
    if search_index.matching_ids(SEARCH_INDEX, flt.query, dialect) is None:
        statement = _base(session, flt)
        if before is not None:
            statement = statement.where(col(Idea.id) < before)
        found = list(session.exec(statement.order_by(col(Idea.id).desc()).limit(limit + 1)))
    else:
        batch = (limit + 1) * 4
        for _round in range(25):  # bounded: a search with strict filters ends with a short page
            matching = search_index.matching_ids(
                SEARCH_INDEX, flt.query, dialect, before=before, limit=batch
            )
            assert matching is not None  # the query has words: checked above
            ids = list(session.execute(matching).scalars())
            if not ids:
                break
            statement = _base(session, flt, search=False).where(col(Idea.id).in_(ids))
            found += session.exec(statement.order_by(col(Idea.id).desc())).all()
            before = min(ids)
            if len(found) > limit or len(ids) < batch:
                break
    if len(found) <= limit:
        return found, None
    return found[:limit], str(found[limit - 1].id)


def _shuffled(session: Session, flt: IdeaFilter, limit: int) -> tuple[list[Idea], str | None]:
    """A fixed random permutation read from the visitor's own starting point, wrapping once."""
    phase, key, last_id = keyset_cursor(flt.cursor, 3) or (0, flt.seed, -1)
    order = (col(Idea.shuffle_key), col(Idea.id))
    found: list[Idea] = []
    while phase < 2 and len(found) <= limit:
        statement = _base(session, flt)
        position = tuple_(*order) > tuple_(key, last_id)
        if phase == 0:
            statement = statement.where(position)
        else:
            statement = statement.where(and_(position, col(Idea.shuffle_key) < flt.seed))
        rows = list(session.exec(statement.order_by(*order).limit(limit + 1 - len(found))).all())
        found += rows
        if len(found) <= limit:
            phase, key, last_id = phase + 1, -1, -1
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    next_phase = 0 if last.shuffle_key >= flt.seed else 1
    return found[:limit], f"{next_phase}.{last.shuffle_key}.{last.id}"


def list_ideas(session: Session, flt: IdeaFilter, limit: int = PAGE_SIZE) -> IdeaPage:
    if flt.sort == "random":
        ideas, next_cursor = _shuffled(session, flt, limit)
    elif flt.sort in ("supported", "discussed"):
        ideas, next_cursor = _by_count(session, flt, limit)
    else:
        ideas, next_cursor = _newest(session, flt, limit)
    page = IdeaPage(ideas, next_cursor)
    if flt.sort != "new":
        page.window_reached = _window_reached(session, flt)
    page.authors = public_names(session, {i.author_id for i in ideas if i.author_id})
    page.categories = {c.id: c for c in session.exec(select(IdeaCategory)) if c.id is not None}
    return page


def similar_ideas(session: Session, title: str, exclude: int | None = None) -> list[Idea]:
    """Ideas sharing the title's longest words, most shared first: to avoid duplicates."""
    words = sorted({w for w in title.split() if len(w) >= 4}, key=len, reverse=True)[:3]
    dialect = session.get_bind().dialect.name
    hits: Counter[int] = Counter()
    for word in words:
        matching = search_index.matching_ids(SEARCH_INDEX, word, dialect, limit=SEARCH_SORT_WINDOW)
        if matching is None:
            continue
        statement = select(Idea.id).where(col(Idea.id).in_(matching), listed())
        hits.update(i for i in session.exec(statement.limit(20)) if i is not None and i != exclude)
    best = [idea_id for idea_id, _ in hits.most_common(5)]
    found = {i.id: i for i in session.exec(select(Idea).where(col(Idea.id).in_(best)))}
    return [found[i] for i in best if i in found]


def photos_of(session: Session, idea_id: int) -> list[IdeaPhoto]:
    return list(
        session.exec(
            select(IdeaPhoto).where(IdeaPhoto.idea_id == idea_id).order_by(col(IdeaPhoto.position))
        )
    )


def timeline_of(session: Session, idea_id: int) -> list[OfficialAnswer]:
    return list(
        session.exec(
            select(OfficialAnswer)
            .where(OfficialAnswer.idea_id == idea_id)
            .order_by(col(OfficialAnswer.id))
        )
    )


def in_box(
    session: Session, bbox: tuple[float, float, float, float] | None, limit: int, before: int | None
) -> list[Idea]:
    """Ideas with a place, newest first; inside the box (min lng, min lat, max lng, max lat)
    when one is given.

    Two ways to find a box's page, each slow where the other is fast: reading the newest ideas
    until the page is full (quick when many ideas are in the box, a whole table for an empty
    one), or the place index (quick for a street, every idea of a busy district read and
    sorted). So first only the newest `limit * NEWEST_WINDOW` ideas are read, newest first; a
    full page there is the right page (every idea further on is older). Only a box that holds
    few of them goes to the place index, which then has few ideas to read. Either way the work
    has a bound."""
    statement = select(Idea).where(listed(), col(Idea.latitude).is_not(None))
    if before is not None:
        statement = statement.where(col(Idea.id) < before)
    newest_first = col(Idea.id).desc()
    if bbox is None:
        return list(session.exec(statement.order_by(newest_first).limit(limit)))
    west, south, east, north = bbox
    along = col(Idea.longitude).between(west, east)
    # The oldest id of the window: a walk down the primary key, hidden ideas counted too.
    window_end = select(Idea.id).order_by(newest_first).offset(limit * NEWEST_WINDOW).limit(1)
    if before is not None:
        window_end = window_end.where(col(Idea.id) < before)
    oldest = session.exec(window_end).first()
    # `+ 0` keeps the planner from the place index in this first read.
    newest = statement.where((col(Idea.latitude) + 0).between(south, north), along)
    if oldest is not None:
        newest = newest.where(col(Idea.id) > oldest)
    found = list(session.exec(newest.order_by(newest_first).limit(limit)))
    if len(found) == limit or oldest is None:
        return found
    by_place = statement.where(col(Idea.latitude).between(south, north), along)
    return list(session.exec(by_place.order_by(newest_first).limit(limit)))
