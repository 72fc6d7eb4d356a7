"""Problem reports in the content registry, so that residents can report a description that
breaks the rules and moderators can hide it, and follows and notifications can link to it.

Hiding changes only the report's `visibility`: the report stays on the map and in the queue
(the pothole is still there); its description is withheld from the public pages and the API.
"""

from __future__ import annotations

from sqlmodel import Session

from participation.content import ContentType, register
from participation.i18n import current_language, gettext
from problems.models import ProblemCategory, ProblemReport
from problems.reporting import SUBJECT, problem_url


def _title(session: Session, report_id: int) -> str | None:
    report = session.get(ProblemReport, report_id)
    if report is None:
        return None
    category = session.get(ProblemCategory, report.category_id)
    name = category.name(current_language()) if category else ""
    return f"{name} #{report_id}".strip()


def _text(session: Session, report_id: int) -> str:
    report = session.get(ProblemReport, report_id)
    return report.description if report else ""


register(
    ContentType(
        name=SUBJECT,
        label=lambda: gettext("problem report"),
        title=_title,
        url=problem_url,
        model=ProblemReport,
        text=_text,
    )
)
