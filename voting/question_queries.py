"""Reading residents' questions to the council: who may see which question, its status as
the pages name it, the lists, and the question's place in the content registry (agenda items
link to their question through it)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import Session, col, select

from participation.checks import Refused
from participation.content import ContentType, register
from participation.i18n import N_, gettext
from participation.models import User
from voting.actions import is_clerk
from voting.models import AgendaItem, CouncilQuestion, Meeting, MeetingStatus, QuestionStatus
from voting.question_forms import ADMISSIBLE

SUBJECT = "question"
PUBLIC_STATUSES = (QuestionStatus.scheduled.value, QuestionStatus.answered.value)
# A question goes on the agenda of a meeting that has not started.
OPEN_MEETINGS = (MeetingStatus.planned.value, MeetingStatus.published.value)
PAGE_SIZE = 20

_STATUS_LABELS = {
    QuestionStatus.submitted: N_("Submitted"),
    QuestionStatus.refused: N_("Not admissible"),
    QuestionStatus.scheduled: N_("On the agenda"),
    QuestionStatus.answered: N_("Answered"),
    QuestionStatus.withdrawn: N_("Withdrawn"),
}
_ADMISSIBLE_LABEL = N_("Admissible: waiting for a meeting")


def question_url(question_id: int) -> str:
    return f"/questions/{question_id}"


def check_record(question: CouncilQuestion) -> dict[str, Any]:
    """The clerk's admissibility check: `rules` (key → holds), `decision`, `checked_at`."""
    record: dict[str, Any] = json.loads(question.checks or "{}")
    return record


def is_admissible(question: CouncilQuestion) -> bool:
    """Checked and found admissible, and not on an agenda yet."""
    return (
        question.status == QuestionStatus.submitted
        and check_record(question).get("decision") == ADMISSIBLE
    )


def status_name(status: str) -> str:
    return gettext(_STATUS_LABELS[QuestionStatus(status)])


def status_label(question: CouncilQuestion) -> str:
    """The question's status as its pages name it: "admissible" is a submitted question that
    the clerk checked and found admissible."""
    if is_admissible(question):
        return gettext(_ADMISSIBLE_LABEL)
    return status_name(question.status)


def is_public(question: CouncilQuestion) -> bool:
    """On an agenda, answered, or withdrawn while its item stayed on a started meeting's agenda."""
    withdrawn_on_agenda = (
        question.status == QuestionStatus.withdrawn and question.item_id is not None
    )
    return question.status in PUBLIC_STATUSES or withdrawn_on_agenda


def may_see(session: Session, question: CouncilQuestion, viewer: User | None) -> bool:
    """The public sees questions on an agenda; the author and the clerks see every one."""
    own = viewer is not None and viewer.id is not None and viewer.id == question.author_id
    return is_public(question) or own or is_clerk(session, viewer)


def get_question(session: Session, question_id: int, viewer: User | None) -> CouncilQuestion:
    question = session.get(CouncilQuestion, question_id)
    if question is None or not may_see(session, question, viewer):
        raise Refused(404, gettext("This question does not exist."))
    return question


def meeting_of_question(session: Session, question: CouncilQuestion) -> Meeting | None:
    """The meeting whose agenda holds the question, if it is on one."""
    item = session.get(AgendaItem, question.item_id) if question.item_id else None
    return session.get(Meeting, item.meeting_id) if item else None


def meetings_by_item(session: Session, item_ids: set[int]) -> dict[int, Meeting]:
    """The meeting of each question item, read at once for a list of questions."""
    if not item_ids:
        return {}
    rows = session.exec(
        select(AgendaItem.id, Meeting)
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(col(AgendaItem.id).in_(item_ids))
    )
    return {item_id: meeting for item_id, meeting in rows if item_id is not None}


def questions_page(
    session: Session, statuses: tuple[str, ...], before: int | None, limit: int = PAGE_SIZE
) -> tuple[list[CouncilQuestion], int | None]:
    """Questions in these statuses, newest first, and the `before` of the next page."""
    statement = select(CouncilQuestion).where(col(CouncilQuestion.status).in_(statuses))
    if before is not None:
        statement = statement.where(col(CouncilQuestion.id) < before)
    found = list(session.exec(statement.order_by(col(CouncilQuestion.id).desc()).limit(limit + 1)))
    page = found[:limit]
    return page, (page[-1].id if len(found) > limit else None)


def own_questions(session: Session, user_id: int) -> list[CouncilQuestion]:
    statement = select(CouncilQuestion).where(CouncilQuestion.author_id == user_id)
    return list(session.exec(statement.order_by(col(CouncilQuestion.id).desc()).limit(PAGE_SIZE)))


def schedulable_meetings(session: Session, now: dt.datetime) -> list[Meeting]:
    """The meetings still to come that a question can be put on, soonest first."""
    statement = select(Meeting).where(
        col(Meeting.status).in_(OPEN_MEETINGS), col(Meeting.starts_at) > now
    )
    return list(session.exec(statement.order_by(col(Meeting.starts_at)).limit(PAGE_SIZE)))


def _title(session: Session, question_id: int) -> str | None:
    question = session.get(CouncilQuestion, question_id)
    return question.title if question is not None and is_public(question) else None


# A question is user content that agenda items link to; the clerk's admissibility check is its
# moderation, so it has no model for the moderators' queue.
register(
    ContentType(
        name=SUBJECT,
        label=lambda: gettext("question to the council"),
        title=_title,
        url=question_url,
    )
)
