"""Council data as OParl 1.1 JSON: the system, bodies, meetings, agenda items, people.

Only the public record: published meetings, and of those only items outside closed session;
anything else answers 404 as if it did not exist. Lists use OParl's list format (`data`,
`pagination`, `links`) and are paged along the id (`limit` 1-100, `cursor` from the `next`
link). How ids are made is told in `voting.oparl_objects`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import JSONResponse

from participation import auth
from participation.api import ApiError, next_link, page_limit
from participation.settings import Settings
from voting import oparl_objects as objects
from voting.api import PUBLIC_STATUSES
from voting.councils import mandates_of
from voting.documents import documents_of
from voting.item_ballots import council_ballots_of
from voting.models import AgendaItem, Council, Mandate, Meeting
from voting.oparl_objects import Group, Urls, group_org_id

Row = TypeVar("Row")
_MAX_CURSOR_DIGITS = 18


def _urls(request: Request) -> Urls:
    settings: Settings = request.app.state.settings
    return Urls(settings.base_url)


def _not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"no {what} with this id")


def _cursor(request: Request) -> int:
    """The id after which the page starts: 0 for the first page."""
    raw = request.query_params.get("cursor", "")
    if not raw:
        return 0
    if not raw.isdigit() or len(raw) > _MAX_CURSOR_DIGITS:
        raise ApiError(400, "invalid_cursor", "cursor must be a value from a next link")
    return int(raw)


def _list(request: Request, page: list[dict[str, Any]], last: int | None) -> JSONResponse:
    """OParl's list format; `last` is the id to continue after, None on the last page."""
    settings: Settings = request.app.state.settings
    links = {"first": settings.base_url + request.url.path}
    more = next_link(request, str(last) if last is not None else None)
    if more is not None:
        links["next"] = more
    pagination = {"elementsPerPage": page_limit(request)}
    return JSONResponse({"data": page, "pagination": pagination, "links": links})


def _page(request: Request, keyed: Sequence[tuple[int, Row]]) -> tuple[list[Row], int | None]:
    """One page of rows already sorted by key: those after the cursor, up to the limit."""
    limit, after = page_limit(request), _cursor(request)
    rest = [(key, row) for key, row in keyed if key > after]
    page = rest[:limit]
    return [row for _, row in page], page[-1][0] if len(rest) > limit else None


def _council(session: Session, council_id: int) -> Council:
    found = session.get(Council, council_id)
    if found is None:
        raise _not_found("body")
    return found


def _public_meeting(session: Session, meeting_id: int) -> Meeting:
    found = session.get(Meeting, meeting_id)
    if found is None or not found.is_public:
        raise _not_found("published meeting")
    return found


def _public_item(session: Session, item_id: int) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, item_id)
    if item is None or item.closed_session:
        raise _not_found("public agenda item")
    found = session.get(Meeting, item.meeting_id)
    if found is None or not found.is_public:
        raise _not_found("public agenda item")
    return item, found


def _public_items(session: Session, meeting_id: int) -> list[AgendaItem]:
    statement = select(AgendaItem).where(
        AgendaItem.meeting_id == meeting_id, col(AgendaItem.closed_session).is_(False)
    )
    return list(session.exec(statement.order_by(col(AgendaItem.position), col(AgendaItem.id))))


# People and political groups: a council has tens of mandates over the years, so these read
# all mandates of the councils concerned and page in Python.


def _groups(session: Session, council_ids: Iterable[int]) -> dict[tuple[int, str], Group]:
    """The political groups of these councils, by (council, name)."""
    rows = session.exec(
        select(Mandate.council_id, Mandate.political_group, func.min(Mandate.id))
        .where(col(Mandate.council_id).in_(list(council_ids)), Mandate.political_group != "")
        .group_by(col(Mandate.council_id), col(Mandate.political_group))
    )
    return {(c, name): Group(c, name, first or 0) for c, name, first in rows}


def _group_of(groups: dict[tuple[int, str], Group]) -> Callable[[Mandate], int | None]:
    def group_id(mandate: Mandate) -> int | None:
        group = groups.get((mandate.council_id, mandate.political_group))
        return group_org_id(group.first_mandate_id) if group else None

    return group_id


def _person_ids(session: Session, mandates: Iterable[Mandate]) -> dict[int, int]:
    """The person id of each mandate: its account's first mandate, or itself."""
    mandates = list(mandates)
    users = {m.user_id for m in mandates if m.user_id is not None}
    firsts: dict[int | None, int | None] = dict(
        session.exec(
            select(Mandate.user_id, func.min(Mandate.id))
            .where(col(Mandate.user_id).in_(users))
            .group_by(col(Mandate.user_id))
        ).all()
    )
    return {m.id or 0: firsts.get(m.user_id) or m.id or 0 for m in mandates}


def _person_mandates(session: Session, person_id: int) -> list[Mandate]:
    first = session.get(Mandate, person_id)
    if first is None:
        raise _not_found("person")
    if first.user_id is None:
        return [first]
    statement = select(Mandate).where(Mandate.user_id == first.user_id)
    found = list(session.exec(statement.order_by(col(Mandate.id))))
    if found[0].id != person_id:
        raise _not_found("person")
    return found


def _person(session: Session, urls: Urls, person_id: int) -> dict[str, Any]:
    mandates = _person_mandates(session, person_id)
    groups = _groups(session, {m.council_id for m in mandates})
    return objects.person(urls, person_id, mandates, _group_of(groups))


def _organizations(session: Session, urls: Urls, council: Council) -> list[dict[str, Any]]:
    """The council and its political groups, in id order, with their memberships."""
    council_id = council.id or 0
    mandates = mandates_of(session, council_id)
    people = _person_ids(session, mandates)
    groups = _groups(session, [council_id])
    in_council = [urls.membership(people[m.id or 0], m.id or 0) for m in mandates]
    found = [objects.council_organization(urls, council, in_council)]
    for group in sorted(groups.values(), key=lambda g: g.first_mandate_id):
        members = [
            urls.membership(people[m.id or 0], m.id or 0, in_group=True)
            for m in mandates
            if m.political_group == group.name
        ]
        found.append(objects.group_organization(urls, group, members))
    return found


def _meeting(session: Session, urls: Urls, found: Meeting) -> dict[str, Any]:
    items = _public_items(session, found.id or 0)
    ballots = council_ballots_of(session, [item.id or 0 for item in items])
    return objects.meeting(urls, found, items, ballots)


# The views.


def system(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    return JSONResponse(objects.system(_urls(request), f"Inspraak {settings.municipality_name}"))


def bodies(request: Request) -> JSONResponse:
    urls = _urls(request)
    with auth.database(request).read() as session:
        councils = list(session.exec(select(Council).order_by(col(Council.id))))
    page, last = _page(request, [(c.id or 0, c) for c in councils])
    return _list(request, [objects.body(urls, c) for c in page], last)


def body(request: Request) -> JSONResponse:
    with auth.database(request).read() as session:
        council = _council(session, request.path_params["council_id"])
    return JSONResponse(objects.body(_urls(request), council))


def body_meetings(request: Request) -> JSONResponse:
    urls, limit, after = _urls(request), page_limit(request), _cursor(request)
    with auth.database(request).read() as session:
        council = _council(session, request.path_params["council_id"])
        found = list(
            session.exec(
                select(Meeting)
                .where(
                    Meeting.council_id == council.id,
                    col(Meeting.status).in_(PUBLIC_STATUSES),
                    col(Meeting.id) > after,
                )
                .order_by(col(Meeting.id))
                .limit(limit + 1)
            )
        )
        page = [_meeting(session, urls, m) for m in found[:limit]]
    return _list(request, page, found[limit - 1].id if len(found) > limit else None)


def body_people(request: Request) -> JSONResponse:
    urls = _urls(request)
    with auth.database(request).read() as session:
        council = _council(session, request.path_params["council_id"])
        people = sorted(set(_person_ids(session, mandates_of(session, council.id or 0)).values()))
        page, last = _page(request, [(p, p) for p in people])
        data = [_person(session, urls, person_id) for person_id in page]
    return _list(request, data, last)


def body_organizations(request: Request) -> JSONResponse:
    urls = _urls(request)
    with auth.database(request).read() as session:
        council = _council(session, request.path_params["council_id"])
        found = _organizations(session, urls, council)
    keyed = [(int(o["id"].rsplit("/", 1)[1]), o) for o in found]
    page, last = _page(request, sorted(keyed, key=lambda pair: pair[0]))
    return _list(request, page, last)


def body_papers(request: Request) -> JSONResponse:
    urls, limit, after = _urls(request), page_limit(request), _cursor(request)
    with auth.database(request).read() as session:
        council = _council(session, request.path_params["council_id"])
        rows = list(
            session.exec(
                select(AgendaItem, Meeting)
                .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
                .where(
                    Meeting.council_id == council.id,
                    col(Meeting.status).in_(PUBLIC_STATUSES),
                    col(AgendaItem.closed_session).is_(False),
                    col(AgendaItem.id) > after,
                )
                .order_by(col(AgendaItem.id))
                .limit(limit + 1)
            )
        )
        page = rows[:limit]
        documents = documents_of(session, [item.id or 0 for item, _ in page])
    data = [objects.paper(urls, item, m, documents[item.id or 0]) for item, m in page]
    return _list(request, data, page[-1][0].id if len(rows) > limit else None)


def meeting(request: Request) -> JSONResponse:
    with auth.database(request).read() as session:
        found = _public_meeting(session, request.path_params["meeting_id"])
        data = _meeting(session, _urls(request), found)
    return JSONResponse(data)


def agenda_item(request: Request) -> JSONResponse:
    with auth.database(request).read() as session:
        item, found = _public_item(session, request.path_params["item_id"])
        order = [i.id for i in _public_items(session, found.id or 0)].index(item.id) + 1
        ballot = council_ballots_of(session, [item.id or 0]).get(item.id or 0)
    return JSONResponse(objects.agenda_item(_urls(request), item, order, ballot))


def person(request: Request) -> JSONResponse:
    with auth.database(request).read() as session:
        data = _person(session, _urls(request), request.path_params["person_id"])
    return JSONResponse(data)


def organization(request: Request) -> JSONResponse:
    organization_id: int = request.path_params["organization_id"]
    urls = _urls(request)
    with auth.database(request).read() as session:
        if organization_id % 2 == 0:
            council = _council(session, organization_id // 2)
            return JSONResponse(_organizations(session, urls, council)[0])
        mandate = session.get(Mandate, organization_id // 2)
        if mandate is None:
            raise _not_found("organization")
        council = _council(session, mandate.council_id)
        found = _organizations(session, urls, council)
    wanted = urls.organization(organization_id)
    for candidate in found:
        if candidate["id"] == wanted:
            return JSONResponse(candidate)
    raise _not_found("organization")


def paper(request: Request) -> JSONResponse:
    with auth.database(request).read() as session:
        item, found = _public_item(session, request.path_params["item_id"])
        documents = documents_of(session, [item.id or 0])[item.id or 0]
    return JSONResponse(objects.paper(_urls(request), item, found, documents))
