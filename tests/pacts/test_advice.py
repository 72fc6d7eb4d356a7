"""Advice during the public consultation: only then, with a stance, answered by the
proposers and the clerk."""

from __future__ import annotations

import datetime as dt

from pacts import actions
from pacts.forms import AdviceDraft
from pacts.models import Pact
from participation.database import Database, utcnow
from participation.models import User
from participation.notifications import is_following
from tests.pacts.checks import refused_message
from tests.pacts.conftest import advance, propose

# Advice


def test_advice_only_during_the_consultation(
    db: Database, proposer: User, clerk: User, neighbour: User
) -> None:
    pact = advance(db, propose(db, proposer), "in_assessment", clerk, proposer)
    advice = AdviceDraft("Mooi", "for")
    refused_message(db, lambda s: actions.do_advise(s, pact.id or 0, neighbour, advice), 409)
    advance(db, pact, "consultation", clerk, proposer)
    with db.write() as session:
        comment = actions.do_advise(session, pact.id or 0, neighbour, advice)
    assert (comment.subject, comment.stance) == ("pact", "for")
    assert neighbour.id is not None
    with db.read() as session:
        assert is_following(session, neighbour.id, "pact", pact.id or 0)
        stored = session.get(Pact, pact.id)
        assert stored is not None
        assert stored.comment_count == 1
    advance(db, pact, "awaiting_signatures", clerk, proposer)
    message = refused_message(
        db, lambda s: actions.do_advise(s, pact.id or 0, neighbour, advice), 409
    )
    assert "consultation" in message
    # The proposers and the clerk still answer the advice.
    reply = AdviceDraft("Dank je!", None, comment.id)
    with db.write() as session:
        answer = actions.do_advise(session, pact.id or 0, proposer, reply)
    assert (answer.parent_id, answer.stance) == (comment.id, None)


def test_advice_is_refused_by_the_clock_before_the_job_ran(
    db: Database, proposer: User, clerk: User, neighbour: User
) -> None:
    pact = advance(db, propose(db, proposer), "consultation", clerk, proposer)
    with db.write() as session:
        stored = session.get(Pact, pact.id)
        assert stored is not None
        stored.consultation_closes_at = utcnow() - dt.timedelta(seconds=1)
    refused_message(
        db, lambda s: actions.do_advise(s, pact.id or 0, neighbour, AdviceDraft("x", "for")), 409
    )


def test_only_proposers_and_clerks_reply(
    db: Database, proposer: User, clerk: User, neighbour: User
) -> None:
    pact = advance(db, propose(db, proposer), "consultation", clerk, proposer)
    with db.write() as session:
        comment = actions.do_advise(session, pact.id or 0, clerk, AdviceDraft("Vraag?", "neutral"))
    reply = AdviceDraft("Ik ook", None, comment.id)
    refused_message(db, lambda s: actions.do_advise(s, pact.id or 0, neighbour, reply), 403)
    with db.write() as session:
        actions.do_advise(session, pact.id or 0, clerk, reply)


def test_advice_needs_a_stance(db: Database, proposer: User, clerk: User, neighbour: User) -> None:
    pact = advance(db, propose(db, proposer), "consultation", clerk, proposer)
    refused_message(
        db, lambda s: actions.do_advise(s, pact.id or 0, neighbour, AdviceDraft("x", None)), 409
    )
