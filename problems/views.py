"""The public side of problem reports: the list with its map, one report's page, and the
statistics. No page names who reported a problem, nor shows a photo a clerk has not checked.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from participation import auth
from participation.i18n import N_, current_language, gettext
from participation.models import Role
from participation.notifications import is_following
from participation.templating import render
from participation.visibility import Visibility, moderation_state_of, reason_label
from participation.web import settings_of
from problems import handling, handling_views, queries, reporting
from problems.models import STATUS_VALUES, Department, ProblemCategory, status_label

# The timeline's steps other than a status change (those show the status's label).
_STEP_LABELS = {
    "reassigned": N_("Passed to another department"),
    "merged": N_("Merged with a report of the same problem"),
    "confirmed": N_("The reporter confirmed the fix"),
    "reopened": N_("The reporter says it is not fixed: reopened"),
}


def step_label(kind: str) -> str:
    return gettext(_STEP_LABELS[kind]) if kind in _STEP_LABELS else kind


def _filter(request: Request, names: list[str]) -> queries.ReportFilter:
    params = request.query_params
    category = params.get("category", "")
    status = params.get("status", "")
    neighbourhood = params.get("neighbourhood", "")
    sort = params.get("sort", "open")
    return queries.ReportFilter(
        category_id=int(category) if category.isdigit() else None,
        status=status if status in STATUS_VALUES else None,
        neighbourhood=neighbourhood if neighbourhood in names else None,
        sort=sort if sort in queries.SORTS else "open",
        cursor=params.get("cursor", "")[:40],
    )


def _query(flt: queries.ReportFilter, **extra: str) -> str:
    """The filters as a query string (empty ones left out), for links and the map's data."""
    values = {
        "category": str(flt.category_id or ""),
        "status": flt.status or "",
        "neighbourhood": flt.neighbourhood or "",
        **extra,
    }
    return urlencode({key: value for key, value in values.items() if value})


def problems_list(request: Request) -> Response:
    settings = settings_of(request)
    names = queries.neighbourhood_names(settings.neighbourhoods)
    flt = _filter(request, names)
    auth.resolve_visitor(request)
    with auth.database(request).read() as session:
        page = queries.list_reports(session, flt)
    language = current_language()
    category_options = sorted(
        ((c.id, c.name(language)) for c in page.categories.values() if c.active),
        key=lambda option: option[1],
    )
    next_url = None
    if page.next_cursor:
        next_url = "/problems?" + _query(flt, sort=flt.sort, cursor=page.next_cursor)
    values = {
        "page": page,
        "filter": flt,
        "next_url": next_url,
        "map_source": "/api/v1/reports?" + _query(flt, limit="100"),
        "category_options": category_options,
        "status_options": [(s, status_label(s)) for s in STATUS_VALUES],
        "neighbourhood_options": [(name, name) for name in names],
        "status_label": status_label,
        "is_overdue": queries.is_overdue,
        "map_center": settings.map_center,
        "map_tile_url": settings.map_tile_url,
    }
    return render(request, "problems/list.html", values)


def problem_detail(request: Request) -> Response:
    report_id: int = request.path_params["report_id"]
    auth.resolve_visitor(request)
    user = auth.current_user(request)
    with auth.database(request).read() as session:
        report = reporting.get_report(session, report_id)
        category = session.get(ProblemCategory, report.category_id)
        department = session.get(Department, report.department_id)
        can_handle = handling.can_handle(session, user, report)
        has_me_too = following = False
        if user is not None and user.id is not None:
            has_me_too = reporting.has_me_too(session, report_id, user.id)
            following = is_following(session, user.id, reporting.SUBJECT, report_id)
        values: dict[str, Any] = {
            "report": report,
            "category": category,
            "department": department,
            "timeline": queries.timeline_of(session, report_id),
            "photos": queries.public_photos(session, [report_id]).get(report_id, []),
            "moderation": moderation_state_of(
                session, reporting.SUBJECT, report_id, report.visibility
            ),
            "merged_into": report.merged_into_id,
        }
        if can_handle:  # the forms of problems/_handling.html
            values.update(handling_views.handling_values(session, report))
    is_reporter = user is not None and report.author_id is not None and user.id == report.author_id
    values.update(
        {
            "can_handle": can_handle,
            "is_reporter": is_reporter,
            "has_me_too": has_me_too,
            "following": following,
            "can_me_too": report.is_open and not is_reporter and not has_me_too,
            "overdue": queries.is_overdue(report),
            "description_shown": report.visibility == Visibility.public
            or can_handle
            or auth.has_role(request, Role.moderator),
            "status_label": status_label,
            "step_label": step_label,
            "reason_label": reason_label,
            "map_tile_url": settings_of(request).map_tile_url,
        }
    )
    return render(request, "problems/detail.html", values)


def statistics(request: Request) -> Response:
    stats = queries.cached_statistics(auth.database(request))
    with auth.database(request).read() as session:
        categories = queries.categories_by_id(session)
    language = current_language()
    by_category = sorted(
        (
            (categories[int(group.key)].name(language), group)
            for group in stats.categories
            if int(group.key) in categories
        ),
        key=lambda pair: pair[0],
    )
    by_neighbourhood = sorted((group.key, group) for group in stats.neighbourhoods)
    values = {
        "stats": stats,
        "by_category": by_category,
        "by_neighbourhood": by_neighbourhood,
        "median_sample": queries.MEDIAN_SAMPLE,
        "cache_seconds": int(queries.STATISTICS_SECONDS),
    }
    return render(request, "problems/statistics.html", values)
