"""Pacts and their progress reports in the content registry, so that comments (advice),
follows, notifications, screening and moderation can show, link, report, hide and lock them
without importing this package.

Hiding changes only the `visibility` column: the list, the map, the statistics and the API
filter on it (pacts.queries.listed), so a restored pact is back everywhere at once.
"""

from __future__ import annotations

from sqlmodel import Session

from pacts.actions import SUBJECT, pact_url, store_comment_count
from pacts.models import Pact, ProgressReport
from participation import comments
from participation.content import ContentType, register
from participation.i18n import gettext
from participation.markup import plain_text

PROGRESS = "pact_progress"
REPORT_TITLE = 80  # a progress report has no title: the start of its text stands for it


def _title(session: Session, pact_id: int) -> str | None:
    pact = session.get(Pact, pact_id)
    return pact.title if pact else None


def _text(session: Session, pact_id: int) -> str:
    pact = session.get(Pact, pact_id)
    if pact is None:
        return ""
    return f"{pact.title}\n\n{pact.description}\n\n{pact.commitments}".strip()


def _report_title(session: Session, report_id: int) -> str | None:
    report = session.get(ProgressReport, report_id)
    return None if report is None else plain_text(report.body, REPORT_TITLE)


def _report_text(session: Session, report_id: int) -> str:
    report = session.get(ProgressReport, report_id)
    return "" if report is None else report.body


def progress_url(report_id: int) -> str:
    """The registry links by id alone, which does not name the pact: this address leads on
    to `/pacts/{pact_id}#progress-{id}` (overview_views.progress_report)."""
    return f"/pacts/progress/{report_id}"


register(
    ContentType(
        name=SUBJECT,
        label=lambda: gettext("collaboration pact"),
        title=_title,
        url=pact_url,
        model=Pact,
        text=_text,
        has_discussion=True,
    )
)
register(
    ContentType(
        name=PROGRESS,
        label=lambda: gettext("progress report"),
        title=_report_title,
        url=progress_url,
        model=ProgressReport,
        text=_report_text,
    )
)
comments.keep_count(SUBJECT, store_comment_count)
