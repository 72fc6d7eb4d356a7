"""The pact lifecycle through the actions: every step by the right role, on the timeline,
with notifications; every refusal with its status code; races end in one step."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import col, select

from pacts import actions
from pacts.forms import AdviceDraft, ConsultationDraft, ProgressDraft
from pacts.models import Organisation, Pact, PactResource, PactStatus
from pacts.steps import timeline
from participation.checks import Refused
from participation.database import Database, utcnow
from participation.models import User
from participation.notifications import is_following
from tests.helpers import create_user, mute
from tests.pacts.checks import notification_kinds, refused_message, status_of, steps_of
from tests.pacts.conftest import advance, pact_draft, propose


def test_the_whole_lifecycle_is_on_the_timeline(
    db: Database, proposer: User, clerk: User, neighbour: User
) -> None:
    pact = propose(db, proposer)
    with db.write() as session:
        actions.do_follow_pact(session, pact.id or 0, clerk)  # drafts: clerks can see them
    advance(db, pact, "consultation", clerk, proposer)
    with db.write() as session:
        actions.do_follow_pact(session, pact.id or 0, neighbour)
        actions.do_advise(session, pact.id or 0, neighbour, AdviceDraft("Goed plan!", "for"))
    finished = advance(db, pact, "completed", clerk, proposer)
    assert finished.status == PactStatus.completed
    assert finished.final_report == "Klaar!"
    kinds = [kind for kind, _status, _actor, _auto in steps_of(db, pact.id)]
    assert kinds == [
        "created",
        "submitted",
        "assessment_started",
        "consultation_opened",
        "consultation_closed",
        "advice_response",
        "proposers_signed",
        "city_signed",
        "activated",
        "completed",
    ]
    closed = [s for s in steps_of(db, pact.id) if s[0] == "consultation_closed"]
    assert closed == [("consultation_closed", "awaiting_signatures", None, True)]
    assert "pact.consultation_closed" in notification_kinds(db, neighbour)
    assert "pact.completed" in notification_kinds(db, neighbour)
    # The proposer hears about the city's steps, not about their own.
    told = notification_kinds(db, proposer)
    assert "pact.assessment_started" in told
    assert "pact.submitted" not in told
    assert "pact.advice" in told


def test_the_author_follows_their_pact(db: Database, proposer: User, pact: Pact) -> None:
    assert pact.id is not None
    assert proposer.id is not None
    with db.read() as session:
        assert is_following(session, proposer.id, "pact", pact.id)


def test_resources_are_stored_in_order(db: Database, pact: Pact) -> None:
    with db.read() as session:
        rows = session.exec(
            select(PactResource)
            .where(PactResource.pact_id == pact.id)
            .order_by(col(PactResource.position))
        ).all()
    assert [(r.kind, r.budget_eur, r.decision) for r in rows] == [
        ("materials", None, "requested"),
        ("budget", 300, "requested"),
    ]


def test_changes_requested_then_resubmitted(db: Database, proposer: User, clerk: User) -> None:
    pact = advance(db, propose(db, proposer), "changes_requested", clerk, proposer)
    assert pact.id is not None
    with db.write() as session:
        actions.do_edit_pact(session, pact.id, proposer, pact_draft(title="Beter plan"), [])
        actions.do_submit_pact(session, pact.id, proposer)
    assert steps_of(db, pact.id)[-2:] == [
        ("changes_requested", "changes_requested", clerk.id, False),
        ("resubmitted", "submitted", proposer.id, False),
    ]
    with db.read() as session:
        stored = session.get(Pact, pact.id)
        assert stored is not None
        assert stored.title == "Beter plan"


def test_a_rejection_keeps_its_reasons(db: Database, proposer: User, clerk: User) -> None:
    pact = advance(db, propose(db, proposer), "rejected", clerk, proposer)
    assert steps_of(db, pact.id)[-1] == ("rejected", "rejected", clerk.id, False)
    with db.read() as session:
        assert timeline(session, pact.id or 0)[-1].reason == "Niet haalbaar."


def test_ending_early_records_the_reason(db: Database, proposer: User, clerk: User) -> None:
    pact = advance(db, propose(db, proposer), "ended", clerk, proposer)
    with db.read() as session:
        step = timeline(session, pact.id or 0)[-1]
    assert (step.kind, step.reason) == ("ended", "Te weinig vrijwilligers.")


# Refusals: the wrong role, the wrong status.


def test_only_a_clerk_assesses(db: Database, proposer: User, neighbour: User) -> None:
    pact = propose(db, proposer)
    with db.write() as session:
        actions.do_submit_pact(session, pact.id or 0, proposer)
    for who in (proposer, neighbour):
        message = refused_message(
            db, lambda s, who=who: actions.do_take_for_assessment(s, pact.id or 0, who, ""), 403
        )
        assert "clerk" in message


def test_out_of_order_says_what_is_possible_now(db: Database, proposer: User, clerk: User) -> None:
    pact = propose(db, proposer)
    message = refused_message(
        db, lambda s: actions.do_take_for_assessment(s, pact.id or 0, clerk, ""), 409
    )
    assert "submit" in message
    decisions = ConsultationDraft([], 14)
    refused_message(
        db, lambda s: actions.do_open_consultation(s, pact.id or 0, clerk, decisions), 409
    )
    refused_message(db, lambda s: actions.do_sign(s, pact.id or 0, proposer), 409)
    refused_message(
        db, lambda s: actions.do_complete(s, pact.id or 0, proposer, ProgressDraft("x"), []), 409
    )
    refused_message(db, lambda s: actions.do_end_early(s, pact.id or 0, proposer, "x"), 409)


def test_drafts_are_private(db: Database, pact: Pact, neighbour: User, clerk: User) -> None:
    with db.read() as session:
        assert not actions.can_view(session, pact, neighbour)
        assert not actions.can_view(session, pact, None)
        assert actions.can_view(session, pact, clerk)
    refused_message(db, lambda s: actions.do_follow_pact(s, pact.id or 0, neighbour), 404)
    refused_message(db, lambda s: actions.do_submit_pact(s, pact.id or 0, neighbour), 404)


def test_a_stranger_cannot_edit_or_submit(
    db: Database, proposer: User, clerk: User, neighbour: User
) -> None:
    pact = advance(db, propose(db, proposer), "changes_requested", clerk, proposer)
    assert pact.id is not None
    draft = pact_draft()
    refused_message(db, lambda s: actions.do_edit_pact(s, pact.id or 0, neighbour, draft, []), 403)
    refused_message(db, lambda s: actions.do_submit_pact(s, pact.id or 0, clerk), 403)


def test_a_signed_pact_cannot_be_edited(db: Database, proposer: User, clerk: User) -> None:
    pact = advance(db, propose(db, proposer), "active", clerk, proposer)
    message = refused_message(
        db, lambda s: actions.do_edit_pact(s, pact.id or 0, proposer, pact_draft(), []), 409
    )
    assert "signed" in message


def test_an_organisation_member_co_manages(
    db: Database, proposer: User, neighbour: User, clerk: User, organisation: Organisation
) -> None:
    from pacts import organisations

    with db.write() as session:
        organisations.do_add_member(session, organisation.id or 0, proposer, neighbour.email)
    pact = propose(db, proposer, organisation_id=organisation.id)
    with db.write() as session:
        actions.do_submit_pact(session, pact.id or 0, neighbour)
    assert steps_of(db, pact.id)[-1][2] == neighbour.id


def test_proposing_for_someone_elses_organisation_isrefused_message(
    db: Database, neighbour: User, organisation: Organisation
) -> None:
    with pytest.raises(Refused) as refused:
        propose(db, neighbour, organisation_id=organisation.id)
    assert refused.value.status_code == 403


def test_muted_and_unverified_users_cannot_propose(db: Database, proposer: User) -> None:
    mute(db, proposer, utcnow() + dt.timedelta(days=1))
    with db.read() as session:
        muted = session.get(User, proposer.id)
    assert muted is not None
    with pytest.raises(Refused):
        propose(db, muted)
    unverified = create_user(db, email="new@example.be", name="New", verified=False)
    with pytest.raises(Refused):
        propose(db, unverified)


def test_consultation_needs_a_decision_per_resource(
    db: Database, proposer: User, clerk: User
) -> None:
    pact = advance(db, propose(db, proposer), "in_assessment", clerk, proposer)
    partial = ConsultationDraft([], 14)
    message = refused_message(
        db, lambda s: actions.do_open_consultation(s, pact.id or 0, clerk, partial), 409
    )
    assert "resource" in message
    assert status_of(db, pact.id) == "in_assessment"


def test_reasons_are_required(db: Database, proposer: User, clerk: User) -> None:
    pact = advance(db, propose(db, proposer), "in_assessment", clerk, proposer)
    refused_message(db, lambda s: actions.do_request_changes(s, pact.id or 0, clerk, "  "), 409)
    refused_message(db, lambda s: actions.do_reject(s, pact.id or 0, clerk, ""), 409)


# Signing


def test_signing_needs_the_advice_response_first(db: Database, proposer: User, clerk: User) -> None:
    pact = advance(db, propose(db, proposer), "awaiting_signatures", clerk, proposer)
    message = refused_message(db, lambda s: actions.do_sign(s, pact.id or 0, clerk), 409)
    assert "advice" in message
    with db.read() as session:
        assert "sign" not in actions.available_actions(session, pact, clerk)


def test_each_party_signs_once_and_the_text_freezes(
    db: Database, proposer: User, clerk: User
) -> None:
    from pacts.text import current_text

    pact = advance(db, propose(db, proposer), "awaiting_signatures", clerk, proposer)
    with db.write() as session:
        actions.do_respond_to_advice(session, pact.id or 0, clerk, "Verwerkt.")
        actions.do_sign(session, pact.id or 0, clerk)
    refused_message(db, lambda s: actions.do_sign(s, pact.id or 0, clerk), 409)
    refused_message(
        db, lambda s: actions.do_respond_to_advice(s, pact.id or 0, clerk, "Anders."), 409
    )
    with db.read() as session:
        text = current_text(session, pact.id or 0)
        assert text is not None
        assert text.frozen_at is None
    with db.write() as session:
        signed = actions.do_sign(session, pact.id or 0, proposer)
    assert signed.status == PactStatus.active
    with db.read() as session:
        text = current_text(session, pact.id or 0)
        assert text is not None
        assert text.frozen_at is not None


# Races


def test_a_double_submit_ends_in_one_step(db: Database, proposer: User, pact: Pact) -> None:
    with db.write() as session:
        actions.do_submit_pact(session, pact.id or 0, proposer)
    refused_message(db, lambda s: actions.do_submit_pact(s, pact.id or 0, proposer), 409)
    assert [s[0] for s in steps_of(db, pact.id)].count("submitted") == 1


@pytest.mark.parametrize("action", ["submit", "sign"])
def test_concurrent_requests_end_in_one_step(
    db: Database, proposer: User, clerk: User, action: str
) -> None:
    """Two transactions at once on PostgreSQL (SQLite serialises writers anyway): the second
    update waits for the first's row lock, then finds the status moved on."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    pact = propose(db, proposer)
    assert pact.id is not None
    if action == "sign":
        advance(db, pact, "awaiting_signatures", clerk, proposer)
        with db.write() as session:
            actions.do_respond_to_advice(session, pact.id, clerk, "Verwerkt.")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act() -> None:
        try:
            with db.write() as session:
                session.get(Pact, pact.id)  # both read the pact before either writes
                barrier.wait(timeout=10)
                if action == "submit":
                    actions.do_submit_pact(session, pact.id or 0, proposer)
                else:
                    actions.do_sign(session, pact.id or 0, clerk)
            outcomes.append("done")
        except Refused as refused:
            outcomes.append(f"refused {refused.status_code}")

    threads = [threading.Thread(target=act) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["done", "refused 409"]
    kind = "submitted" if action == "submit" else "city_signed"
    assert [s[0] for s in steps_of(db, pact.id)].count(kind) == 1


def test_available_actions_follow_role_andstatus_of(
    db: Database, proposer: User, clerk: User, neighbour: User
) -> None:
    pact = propose(db, proposer)
    with db.read() as session:
        assert actions.available_actions(session, pact, proposer) == {"edit", "submit"}
        assert actions.available_actions(session, pact, neighbour) == set()
        assert actions.available_actions(session, pact, None) == set()
    pact = advance(db, pact, "in_assessment", clerk, proposer)
    with db.read() as session:
        assert actions.available_actions(session, pact, clerk) == {
            "follow",
            "request_changes",
            "reject",
            "open_consultation",
        }
    pact = advance(db, pact, "consultation", clerk, proposer)
    with db.read() as session:
        assert actions.available_actions(session, pact, neighbour) == {"follow", "advise"}
