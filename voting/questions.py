"""Residents' questions to the council (citizen interpellation): a verified resident asks, the
clerk checks admissibility against the municipality's rules, schedules the question as a
question item on a meeting's agenda, the resident says whether they will ask it themselves,
the chair or a clerk records the answer given in the session, and the resident reacts once.

`check_*` decides whether the user may do it now; `do_*` does it in the caller's transaction.
Every change locks the question's row first, so of two clerks (or two clicks) acting at once
one wins and the other gets a clear refusal.

A withdrawn question leaves the agenda while its meeting has not started: the item is removed
and the items after it move up. Once the session has started, the item stays (the session is
public record) and the question page says that it was withdrawn.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from participation import ratelimit
from participation.actions import check_can_write
from participation.checks import Refused
from participation.database import utcnow
from participation.events import publish
from participation.i18n import format_datetime, gettext
from participation.models import Role, User, UserRole
from participation.notifications import do_follow, notify, notify_followers
from participation.settings import Settings
from voting.actions import check_chair, check_clerk, do_add_item, get_meeting
from voting.forms import ItemDraft
from voting.models import (
    TITLE_MAX,
    AgendaItem,
    CouncilQuestion,
    ItemKind,
    ItemLink,
    Meeting,
    QuestionStatus,
)
from voting.question_forms import ADMISSIBLE, REFUSED, AnswerDraft, CheckDraft, QuestionDraft
from voting.question_queries import (
    OPEN_MEETINGS,
    SUBJECT,
    is_admissible,
    meeting_of_question,
    question_url,
)

# Generous for a resident with a real question, a wall against flooding the clerk's desk.
QUESTIONS_PER_ACCOUNT = ratelimit.RateLimit("question-account", 3, 24 * 3600)
DAY_FORMAT = "d MMMM y"


def _locked(session: Session, question_id: int) -> CouncilQuestion:
    """The question, its row locked for this transaction and read afresh."""
    question = session.exec(
        select(CouncilQuestion)
        .where(CouncilQuestion.id == question_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if question is None:
        raise Refused(404, gettext("This question does not exist."))
    return question


def _check_author(question: CouncilQuestion, user: User) -> None:
    if question.author_id is None or question.author_id != user.id:
        raise Refused(403, gettext("Only the resident who asked this question can do this."))


def _tell_followers(
    session: Session, question: CouncilQuestion, kind: str, message: Callable[[], str], by: User
) -> None:
    """Notify the question's followers (the resident among them), but not `by`, who acted."""
    assert question.id is not None
    notify_followers(
        session,
        subject=SUBJECT,
        subject_id=question.id,
        kind=kind,
        link=question_url(question.id),
        message=message,
        exclude=by.id,
    )


def _clerk_ids(session: Session) -> list[int]:
    rows = session.exec(select(UserRole.user_id).where(UserRole.role == Role.clerk.value))
    return list(rows.all())


def do_submit_question(
    session: Session, author: User, draft: QuestionDraft, *, settings: Settings | None = None
) -> CouncilQuestion:
    """A verified resident asks; they follow the question and the clerks hear of it."""
    check_can_write(author, settings)
    assert author.id is not None
    ratelimit.check_and_hit(session, QUESTIONS_PER_ACCOUNT, str(author.id))
    question = CouncilQuestion(
        author_id=author.id,
        title=draft.title,
        question=draft.question,
        explanation=draft.explanation,
        name_shown=draft.name_shown,
    )
    session.add(question)
    session.flush()
    assert question.id is not None
    do_follow(session, author.id, SUBJECT, question.id)
    title = question.title
    notify(
        session,
        _clerk_ids(session),
        kind="question_submitted",
        subject=SUBJECT,
        subject_id=question.id,
        link=question_url(question.id),
        message=lambda: (
            gettext("A resident asks the council: “%(title)s”. Check whether it is admissible.")
            % {"title": title}
        ),
        exclude=author.id,
    )
    publish(session, "question.submitted", question_id=question.id)
    return question


def do_check_question(
    session: Session, clerk: User, question_id: int, draft: CheckDraft
) -> CouncilQuestion:
    """The clerk records which rules hold and decides; a refusal tells the resident why."""
    check_clerk(session, clerk)
    question = _locked(session, question_id)
    if question.status != QuestionStatus.submitted:
        raise Refused(409, gettext("This question has already been handled."))
    question.checks = json.dumps(
        {
            "rules": draft.rules,
            "decision": ADMISSIBLE if draft.admissible else REFUSED,
            "checked_at": utcnow().isoformat(),
            "checked_by": clerk.id,
        },
        sort_keys=True,
    )
    if not draft.admissible:
        question.status = QuestionStatus.refused.value
        question.refusal_reason = draft.reason
    session.add(question)
    assert question.id is not None
    title = question.title

    def message() -> str:
        if draft.admissible:
            text = gettext(
                "Your question “%(title)s” is admissible. The clerk puts it on the agenda of a"
                " council meeting."
            )
        else:
            text = gettext("Your question “%(title)s” is not admissible. Read why on its page.")
        return text % {"title": title}

    _tell_followers(session, question, "question_checked", message, clerk)
    publish(session, "question.checked", question_id=question.id, admissible=draft.admissible)
    return question


def deadline_of(meeting: Meeting, zone: dt.tzinfo, deadline_days: int) -> dt.date:
    """The last day on which a question for the meeting may be submitted."""
    return meeting.starts_at.astimezone(zone).date() - dt.timedelta(days=deadline_days)


def local_day(day: dt.date, zone: dt.tzinfo) -> str:
    return format_datetime(dt.datetime.combine(day, dt.time(12), zone), zone, DAY_FORMAT)


def check_deadline(
    question: CouncilQuestion, meeting: Meeting, zone: dt.tzinfo, deadline_days: int
) -> None:
    deadline = deadline_of(meeting, zone, deadline_days)
    if question.created_at.astimezone(zone).date() > deadline:
        raise Refused(
            409,
            gettext("Questions for the meeting of %(meeting)s had to be submitted by %(deadline)s.")
            % {
                "meeting": format_datetime(meeting.starts_at, zone, DAY_FORMAT),
                "deadline": local_day(deadline, zone),
            },
        )


def _item_title(title: str) -> str:
    full = gettext("Question from a resident: %(title)s") % {"title": title}
    return full if len(full) <= TITLE_MAX else full[: TITLE_MAX - 1] + "…"


def do_schedule_question(
    session: Session,
    clerk: User,
    question_id: int,
    meeting_id: int,
    *,
    zone: dt.tzinfo,
    deadline_days: int,
) -> CouncilQuestion:
    """An admissible question becomes a question item on the agenda of a meeting that has
    not started, if it was submitted in time for it; the resident is asked to confirm
    whether they will ask it in the session."""
    check_clerk(session, clerk)
    question = _locked(session, question_id)
    if question.status == QuestionStatus.scheduled:
        raise Refused(409, gettext("This question is already on an agenda."))
    if not is_admissible(question):
        raise Refused(
            409, gettext("Only a question that the clerk found admissible can be scheduled.")
        )
    meeting = get_meeting(session, meeting_id, clerk)
    if meeting.status not in OPEN_MEETINGS:
        raise Refused(409, gettext("A question goes on the agenda of a meeting still to come."))
    check_deadline(question, meeting, zone, deadline_days)
    item = do_add_item(
        session,
        clerk,
        meeting_id,
        ItemDraft(_item_title(question.title), question.question, council_vote=False),
    )
    assert item.id is not None
    assert question.id is not None
    item.kind = ItemKind.question.value
    session.add(item)
    # The agenda links the item to its question the way items link the ideas they decide on.
    session.add(ItemLink(item_id=item.id, subject=SUBJECT, subject_id=question.id))
    question.item_id = item.id
    question.status = QuestionStatus.scheduled.value
    session.add(question)
    title, starts_at = question.title, meeting.starts_at
    _tell_followers(
        session,
        question,
        "question_scheduled",
        lambda: (
            gettext(
                "Your question “%(title)s” is on the agenda of the council meeting of %(when)s."
                " Will you ask it yourself? Tell us on the question's page."
            )
            % {"title": title, "when": format_datetime(starts_at, zone, DAY_FORMAT)}
        ),
        clerk,
    )
    publish(
        session,
        "question.scheduled",
        question_id=question.id,
        meeting_id=meeting_id,
        item_id=item.id,
    )
    return question


def _not_started(meeting: Meeting | None) -> bool:
    return meeting is not None and meeting.status in OPEN_MEETINGS


def do_set_attendance(
    session: Session, author: User, question_id: int, attending: bool
) -> CouncilQuestion:
    """Whether the resident asks the question in the session; changeable until it starts."""
    question = _locked(session, question_id)
    _check_author(question, author)
    if question.status != QuestionStatus.scheduled:
        raise Refused(409, gettext("You can say this once your question is on an agenda."))
    if not _not_started(meeting_of_question(session, question)):
        raise Refused(409, gettext("The meeting has started: your answer can no longer change."))
    question.attending = attending
    session.add(question)
    publish(session, "question.attendance", question_id=question.id, attending=attending)
    return question


def do_answer_question(
    session: Session, user: User, question_id: int, draft: AnswerDraft
) -> CouncilQuestion:
    """The chair of the question's meeting or a clerk records the answer given in the
    session; the resident and the followers hear of it."""
    question = _locked(session, question_id)
    meeting = meeting_of_question(session, question)
    if meeting is None:
        check_clerk(session, user)
        raise Refused(409, gettext("A question is answered once it is on a meeting's agenda."))
    check_chair(session, meeting, user)
    if question.status == QuestionStatus.answered:
        raise Refused(409, gettext("This question has already been answered."))
    if question.status != QuestionStatus.scheduled:
        raise Refused(409, gettext("This question has been withdrawn."))
    if meeting.started_at is None:
        raise Refused(409, gettext("The answer is given in the session: start the session first."))
    question.answer = draft.answer
    question.answer_seconds = draft.seconds
    question.answered_at = utcnow()
    question.answered_by_id = user.id
    question.status = QuestionStatus.answered.value
    session.add(question)
    assert question.id is not None
    title = question.title
    _tell_followers(
        session,
        question,
        "question_answered",
        lambda: (
            gettext(
                "The council answered the question “%(title)s”. You can react once, in writing."
            )
            % {"title": title}
        ),
        user,
    )
    publish(session, "question.answered", question_id=question.id, meeting_id=meeting.id)
    return question


def do_react(session: Session, author: User, question_id: int, reaction: str) -> CouncilQuestion:
    """The resident's one written reaction to the answer."""
    question = _locked(session, question_id)
    _check_author(question, author)
    if question.reacted_at is not None:
        raise Refused(409, gettext("You have already reacted."))
    if question.status != QuestionStatus.answered:
        raise Refused(409, gettext("You can react once the council has answered."))
    question.reaction = reaction
    question.reacted_at = utcnow()
    session.add(question)
    publish(session, "question.reaction", question_id=question.id)
    return question


def _remove_item(session: Session, item_id: int) -> None:
    """Take the item off the agenda and move the items after it up by one."""
    item = session.get(AgendaItem, item_id)
    if item is None:
        return
    session.execute(delete(ItemLink).where(col(ItemLink.item_id) == item_id))
    session.delete(item)
    session.flush()
    session.execute(
        update(AgendaItem)
        .where(
            col(AgendaItem.meeting_id) == item.meeting_id, col(AgendaItem.position) > item.position
        )
        .values(position=col(AgendaItem.position) - 1)
    )
    publish(session, "item.removed", meeting_id=item.meeting_id, item_id=item_id)


def do_withdraw_question(session: Session, author: User, question_id: int) -> CouncilQuestion:
    question = _locked(session, question_id)
    _check_author(question, author)
    if question.status not in (QuestionStatus.submitted, QuestionStatus.scheduled):
        raise Refused(409, gettext("Only a question that is not answered yet can be withdrawn."))
    if question.item_id is not None and _not_started(meeting_of_question(session, question)):
        item_id, question.item_id = question.item_id, None
        session.add(question)
        session.flush()
        _remove_item(session, item_id)
    question.status = QuestionStatus.withdrawn.value
    session.add(question)
    publish(session, "question.withdrawn", question_id=question.id)
    return question
