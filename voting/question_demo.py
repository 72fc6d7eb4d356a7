"""The demo's questions to the council: one answered (with the resident's reaction) on the
past meeting, one on the agenda of the upcoming meeting (its asker will be there), one waiting
for the clerk's check. Built through the actions that residents and the clerk use;
`voting.demo` calls these while it builds its meetings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session

from participation.actions import user_by_email
from participation.database import utcnow
from participation.models import User
from voting import questions
from voting.models import CouncilQuestion
from voting.question_forms import RULE_KEYS, AnswerDraft, CheckDraft, QuestionDraft

Question = tuple[str, str, str, str, bool]  # author, title, question, explanation, name shown

ANSWERED: Question = (
    "bewoner@demostad.example",
    "Parkeren rond De Vlinder tijdens de schoolstraat",
    "Waar kunnen ouders die met de auto komen parkeren als de schoolstraat er komt?",
    "Veel ouders brengen hun kinderen op weg naar het werk met de auto.",
    True,
)
ANSWER = (
    "De schepen van mobiliteit antwoordt dat de parking aan de sporthal tijdens de "
    "schooluren gratis wordt, met een veilige looproute naar de schoolpoort."
)
ANSWER_SECONDS = 47 * 60 + 12  # where the answer starts in the recording
REACTION = "Dank u. Graag ook een fietsenrek aan de sporthal."
SCHEDULED: Question = (
    "buur1@demostad.example",
    "Verlichting op het jaagpad",
    "Wanneer wordt de verlichting op het jaagpad langs het kanaal hersteld?",
    "Sinds de storm van maart is het jaagpad 's avonds volledig donker.",
    False,
)
SUBMITTED: Question = (
    "buur2@demostad.example",
    "Speelpleintje in de Kerkstraat",
    "Komt er een nieuw speeltuig op het pleintje in de Kerkstraat?",
    "",
    False,
)
# The setting's default; the demo's questions are dated well before every deadline anyway.
QUESTION_DEADLINE_DAYS = 10
ZONE = ZoneInfo("Europe/Brussels")


def _ask(session: Session, question: Question, days_ago: int) -> CouncilQuestion | None:
    """A demo resident's question, dated `days_ago` (as the operator: the action dates it
    now); None when the resident's demo is not there."""
    email, title, text, explanation, name_shown = question
    author = user_by_email(session, email)
    if author is None or not author.is_verified:
        return None
    draft = QuestionDraft(title, text, explanation, name_shown)
    asked = questions.do_submit_question(session, author, draft)
    asked.created_at = utcnow() - dt.timedelta(days=days_ago)
    session.add(asked)
    session.flush()
    return asked


def ask_on_agenda(
    session: Session, clerk: User, meeting_id: int, question: Question
) -> CouncilQuestion | None:
    """Asked three weeks ago, found admissible and put on the meeting's agenda."""
    asked = _ask(session, question, 21)
    if asked is None or asked.id is None:
        return None
    checks = CheckDraft(dict.fromkeys(RULE_KEYS, True), True, "")
    questions.do_check_question(session, clerk, asked.id, checks)
    return questions.do_schedule_question(
        session, clerk, asked.id, meeting_id, zone=ZONE, deadline_days=QUESTION_DEADLINE_DAYS
    )


def answer_and_react(session: Session, clerk: User, asked: CouncilQuestion | None) -> None:
    """The answer in the session, and the resident's reaction to it."""
    if asked is None or asked.id is None or asked.author_id is None:
        return
    questions.do_answer_question(session, clerk, asked.id, AnswerDraft(ANSWER, ANSWER_SECONDS))
    author = session.get(User, asked.author_id)
    assert author is not None
    questions.do_react(session, author, asked.id, REACTION)


def upcoming(session: Session, clerk: User, meeting_id: int) -> None:
    """A question on the upcoming meeting's agenda whose asker will be there, and one that
    the clerk has not checked yet."""
    on_agenda = ask_on_agenda(session, clerk, meeting_id, SCHEDULED)
    if on_agenda is not None and on_agenda.author_id is not None:
        author = session.get(User, on_agenda.author_id)
        assert author is not None
        assert on_agenda.id is not None
        questions.do_set_attendance(session, author, on_agenda.id, True)
    _ask(session, SUBMITTED, 2)
