"""What the question tests build their world with: a resident's question, the clerk's check,
scheduling, the session and the answer, each through the action that the page calls. The
action, view, form and browser tests share it."""

from __future__ import annotations

import datetime as dt

from participation.database import Database, utcnow
from participation.models import User
from tests.voting.agenda_world import ZONE, id_of, make_meeting
from voting import questions
from voting.models import CouncilQuestion, Meeting
from voting.question_forms import RULE_KEYS, AnswerDraft, CheckDraft, QuestionDraft

DEADLINE_DAYS = 10  # the setting's default
IN_TIME = dt.timedelta(days=21)  # a meeting far enough ahead for a question asked today
TOO_SOON = dt.timedelta(days=3)
QUESTION = QuestionDraft(
    "Verlichting op het jaagpad",
    "Wanneer wordt de verlichting op het jaagpad hersteld?",
    "Sinds de storm van maart is het jaagpad 's avonds donker.",
    name_shown=False,
)
ALL_RULES = dict.fromkeys(RULE_KEYS, True)


def ask(db: Database, author: User, draft: QuestionDraft = QUESTION) -> CouncilQuestion:
    with db.write() as session:
        return questions.do_submit_question(session, author, draft)


def check(
    db: Database, clerk: User, question_id: int, *, admissible: bool = True, reason: str = ""
) -> CouncilQuestion:
    rules = ALL_RULES if admissible else {**ALL_RULES, "competence": False}
    draft = CheckDraft(rules, admissible, reason or ("" if admissible else "Geen bevoegdheid."))
    with db.write() as session:
        return questions.do_check_question(session, clerk, question_id, draft)


def schedule(
    db: Database, clerk: User, question_id: int, meeting_id: int, deadline_days: int = 10
) -> CouncilQuestion:
    with db.write() as session:
        return questions.do_schedule_question(
            session, clerk, question_id, meeting_id, zone=ZONE, deadline_days=deadline_days
        )


def future_meeting(db: Database, clerk: User, ahead: dt.timedelta = IN_TIME) -> Meeting:
    return make_meeting(db, clerk, "Gemeenteraad", starts_at=utcnow() + ahead)


def scheduled(db: Database, clerk: User, author: User) -> tuple[CouncilQuestion, Meeting]:
    """A question asked, found admissible and put on a meeting three weeks ahead."""
    meeting = future_meeting(db, clerk)
    question = ask(db, author)
    check(db, clerk, id_of(question))
    return schedule(db, clerk, id_of(question), id_of(meeting)), meeting


def answer(
    db: Database, user: User, question_id: int, text: str = "In april.", seconds: int | None = 75
) -> CouncilQuestion:
    with db.write() as session:
        return questions.do_answer_question(session, user, question_id, AnswerDraft(text, seconds))


def react(db: Database, author: User, question_id: int, text: str = "Dank u.") -> CouncilQuestion:
    with db.write() as session:
        return questions.do_react(session, author, question_id, text)


def stored(db: Database, question_id: int) -> CouncilQuestion:
    with db.read() as session:
        found = session.get(CouncilQuestion, question_id)
    assert found is not None
    return found
