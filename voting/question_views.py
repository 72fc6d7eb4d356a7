"""Pages of residents' questions to the council: the public list (and the clerk's desk), the
resident's form, and the question's page with, by role, the clerk's forms (check, schedule,
answer), the chair's answer form and the resident's (attendance, reaction, withdrawal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from participation import auth, ratelimit
from participation.actions import check_can_write
from participation.checks import Refused
from participation.context import flash
from participation.database import utcnow
from participation.forms import Form
from participation.i18n import format_datetime, gettext
from participation.models import Role
from participation.profiles import public_names
from participation.templating import render as render_page
from participation.web import form_of, see_other, settings_of
from voting import question_forms as forms
from voting import question_queries as queries
from voting import questions as actions
from voting.models import CouncilQuestion, MeetingStatus, QuestionStatus
from voting.views import require_clerk

STATUS_FILTERS = tuple(status.value for status in QuestionStatus)


def render(request: Request, name: str, values: dict[str, Any], status_code: int = 200) -> Response:
    """Render a questions template with what they share."""
    shared = {
        "status_label": queries.status_label,
        "rules": forms.RULES,
        "rule_label": forms.rule_label,
        "recording_time": forms.recording_time,
        "blank_form": Form({}),
        "question_max": forms.QUESTION_MAX,
        "explanation_max": forms.EXPLANATION_MAX,
        "reaction_max": forms.REACTION_MAX,
    }
    return render_page(request, name, {**shared, **values}, status_code)


def question_id_of(request: Request) -> int:
    value: int = request.path_params["question_id"]
    return value


def _url(request: Request, anchor: str = "") -> str:
    return queries.question_url(question_id_of(request)) + (f"#{anchor}" if anchor else "")


def _names(session: Session, questions: list[CouncilQuestion], clerk: bool) -> dict[int, str]:
    """The askers' names the viewer may read: those who agreed to be named; a clerk reads all."""
    ids = {q.author_id for q in questions if q.author_id and (clerk or q.name_shown)}
    return public_names(session, ids)


def questions_list(request: Request) -> Response:
    clerk = auth.has_role(request, Role.clerk)
    user = auth.current_user(request)
    allowed = STATUS_FILTERS if clerk else queries.PUBLIC_STATUSES
    status = request.query_params.get("status", "")
    statuses = (status,) if status in allowed else allowed
    raw_before = request.query_params.get("before", "")
    before = int(raw_before) if raw_before.isdigit() and len(raw_before) < 12 else None
    with auth.database(request).read() as session:
        found, next_before = queries.questions_page(session, statuses, before)
        own = queries.own_questions(session, user.id) if user and user.id else []
        meetings = queries.meetings_by_item(
            session, {q.item_id for q in [*found, *own] if q.item_id}
        )
        names = _names(session, found, clerk)
    values = {
        "questions": found,
        "own": own,
        "meetings": meetings,
        "names": names,
        "is_clerk": clerk,
        "status": status if status in allowed else "",
        "status_options": [(value, queries.status_name(value)) for value in allowed],
        "next_before": next_before,
    }
    return render(request, "voting/questions.html", values)


def _form_page(request: Request, form: Form, status_code: int = 200, refusal: str = "") -> Response:
    values = {
        "form": form,
        "deadline_days": settings_of(request).question_deadline_days,
        "refusal": refusal,
    }
    return render(request, "voting/question_form.html", values, status_code)


def new_question(request: Request) -> Response:
    user = auth.require_user(request)
    check_can_write(user, settings_of(request))
    return _form_page(request, Form({}))


def create_question(request: Request) -> Response:
    user = auth.require_user(request)
    check_can_write(user, settings_of(request))
    form = form_of(request)
    draft = forms.parse_question(form)
    if not form.ok:
        return _form_page(request, form, 400)
    try:
        with auth.database(request).write() as session:
            question = actions.do_submit_question(
                session, user, draft, settings=settings_of(request)
            )
    except ratelimit.RateLimited:
        message = gettext(
            "You have sent several questions today. Send this one tomorrow; your text is kept"
            " below."
        )
        return _form_page(request, form, 429, message)
    flash(
        request,
        "success",
        gettext("Your question is sent. The clerk checks whether it is admissible."),
    )
    return see_other(queries.question_url(question.id or 0))


def _meeting_options(request: Request, session: Session) -> list[tuple[int, str]]:
    """The meetings a question can go on, each with its deadline for questions."""
    zone = settings_of(request).zone
    days = settings_of(request).question_deadline_days
    options = []
    for meeting in queries.schedulable_meetings(session, utcnow()):
        deadline = actions.deadline_of(meeting, zone, days)
        label = gettext("%(title)s, %(when)s (questions until %(deadline)s)") % {
            "title": meeting.title,
            "when": format_datetime(meeting.starts_at, zone, actions.DAY_FORMAT),
            "deadline": actions.local_day(deadline, zone),
        }
        options.append((meeting.id or 0, label))
    return options


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _page_values(request: Request, session: Session, question: CouncilQuestion) -> dict[str, Any]:
    """What the question page shows this viewer, and which forms."""
    user = auth.current_user(request)
    clerk = auth.has_role(request, Role.clerk)
    meeting = queries.meeting_of_question(session, question)
    author = user is not None and user.id is not None and user.id == question.author_id
    chair = meeting is not None and user is not None and meeting.chair_id == user.id
    not_started = meeting is not None and meeting.status in queries.OPEN_MEETINGS
    status = question.status
    admissible = queries.is_admissible(question)
    record = queries.check_record(question)
    return {
        "question": question,
        "meeting": meeting if meeting and (meeting.is_public or clerk) else None,
        "record": record,
        "checked_at": dt.datetime.fromisoformat(record["checked_at"])
        if "checked_at" in record
        else None,
        "names": _names(session, [question], clerk),
        "is_clerk": clerk,
        "is_author": author,
        "can_check": clerk and status == QuestionStatus.submitted and not admissible,
        "can_schedule": clerk and admissible,
        "meeting_options": _meeting_options(request, session) if clerk and admissible else [],
        "can_answer": (clerk or chair)
        and status == QuestionStatus.scheduled
        and meeting is not None
        and meeting.started_at is not None,
        "can_attend": author and status == QuestionStatus.scheduled and not_started,
        "can_react": author and status == QuestionStatus.answered and not question.reacted_at,
        "can_withdraw": author
        and status in (QuestionStatus.submitted, QuestionStatus.scheduled)
        and (meeting is None or meeting.status != MeetingStatus.closed),
        "check_form": Form({}),
        "schedule_form": Form({}),
        "answer_form": Form({}),
        "attendance_form": Form(
            {} if question.attending is None else {"attending": _yes_no(question.attending)}
        ),
        "reaction_form": Form({}),
        "refusal": "",
    }


def _question_page(request: Request, status_code: int = 200, **replaced: Any) -> Response:
    """The question as this viewer may see it; `replaced` puts back a refused form, with what
    was typed, and the reason it was refused."""
    auth.resolve_visitor(request)
    with auth.database(request).read() as session:
        question = queries.get_question(
            session, question_id_of(request), auth.current_user(request)
        )
        values = _page_values(request, session, question)
    values.update(replaced)
    return render(request, "voting/question.html", values, status_code)


def question_detail(request: Request) -> Response:
    return _question_page(request)


def _act(
    request: Request,
    name: str | None,
    form: Form,
    act: Callable[[Session], object],
    done: tuple[str, str],
    anchor: str = "",
) -> Response:
    """Run the action for a valid form, flash `done` (category, message) and go back to the
    question, at `anchor`. A form with errors, or an action refused because the state does not
    allow it (409), comes back on the page, as typed."""
    kept = {name: form} if name else {}
    if not form.ok:
        return _question_page(request, 400, **kept)
    try:
        with auth.database(request).write() as session:
            act(session)
    except Refused as refused:
        if refused.status_code != 409:
            raise
        return _question_page(request, 409, refusal=refused.message, **kept)
    flash(request, *done)
    return see_other(_url(request, anchor))


def check_question(request: Request) -> Response:
    clerk = require_clerk(request)
    form = form_of(request)
    draft = forms.parse_check(form)
    question_id = question_id_of(request)
    done = (
        ("success", gettext("The question is admissible. Now put it on an agenda."))
        if draft.admissible
        else ("info", gettext("The question is refused; the resident reads why."))
    )
    return _act(
        request,
        "check_form",
        form,
        lambda s: actions.do_check_question(s, clerk, question_id, draft),
        done,
        "status",
    )


def schedule_question(request: Request) -> Response:
    clerk = require_clerk(request)
    form = form_of(request)
    with auth.database(request).read() as session:
        meeting_ids = {m.id for m in queries.schedulable_meetings(session, utcnow()) if m.id}
    meeting_id = forms.parse_meeting_id(form, meeting_ids)
    settings = settings_of(request)
    return _act(
        request,
        "schedule_form",
        form,
        lambda s: actions.do_schedule_question(
            s,
            clerk,
            question_id_of(request),
            meeting_id,
            zone=settings.zone,
            deadline_days=settings.question_deadline_days,
        ),
        ("success", gettext("The question is on the agenda. The resident is told.")),
        "status",
    )


def attendance(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    attending = forms.parse_attendance(form)
    return _act(
        request,
        "attendance_form",
        form,
        lambda s: actions.do_set_attendance(s, user, question_id_of(request), attending),
        ("success", gettext("Thank you: the clerk knows whether you will be there.")),
        "attendance",
    )


def answer_question(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    draft = forms.parse_answer(form)
    return _act(
        request,
        "answer_form",
        form,
        lambda s: actions.do_answer_question(s, user, question_id_of(request), draft),
        ("success", gettext("The answer is published.")),
        "answer",
    )


def react(request: Request) -> Response:
    user = auth.require_user(request)
    form = form_of(request)
    reaction = forms.parse_reaction(form)
    return _act(
        request,
        "reaction_form",
        form,
        lambda s: actions.do_react(s, user, question_id_of(request), reaction),
        ("success", gettext("Your reaction is published.")),
        "reaction",
    )


def withdraw_question(request: Request) -> Response:
    user = auth.require_user(request)
    return _act(
        request,
        None,
        Form({}),
        lambda s: actions.do_withdraw_question(s, user, question_id_of(request)),
        ("info", gettext("Your question is withdrawn.")),
    )
