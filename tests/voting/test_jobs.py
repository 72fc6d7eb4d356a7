"""Voting windows on a schedule: caught up at start-up, idempotent when fired twice, on time."""

from __future__ import annotations

import datetime as dt
import threading

from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from participation.database import Database, utcnow
from participation.forms import Form
from participation.models import Role, User
from participation.scheduler import Scheduler
from participation.settings import Settings
from tests.helpers import create_user
from tests.voting.agenda_world import ZONE, advisory_ballot_of, ballot_of
from voting import actions, advisory, forms, jobs
from voting.models import AdvisoryBallot, AdvisoryStatus, AuditEntry, BallotStatus, CouncilBallot


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(ZONE).replace(tzinfo=None).isoformat()


def _item_with_windows(db: Database, clerk: User, closes_in: dt.timedelta) -> int:
    """A published meeting's item with a pre-vote and an advisory window open until then."""
    now = utcnow()
    meeting_form = Form({"title": "Gemeenteraad", "starts_at": _local(now + dt.timedelta(days=2))})
    item_form = Form(
        {
            "title": "Begroting 2027",
            "vote_opens_at": _local(now - dt.timedelta(hours=1)),
            "vote_closes_at": _local(now + closes_in),
            "advisory": "on",
            "advisory_question": "Moet de raad de begroting goedkeuren?",
            "advisory_opens_at": _local(now - dt.timedelta(hours=1)),
            "advisory_closes_at": _local(now + closes_in),
        }
    )
    meeting_draft = forms.parse_meeting(meeting_form, ZONE, set())
    item_draft = forms.parse_item(item_form, ZONE)
    assert meeting_form.ok, meeting_form.errors
    assert item_form.ok, item_form.errors
    with db.write() as session:
        meeting = actions.do_create_meeting(session, clerk, meeting_draft)
        assert meeting.id is not None
        actions.do_publish_meeting(session, clerk, meeting.id)
        item = actions.do_add_item(session, clerk, meeting.id, item_draft)
    assert item.id is not None
    return item.id


def _vote(db: Database, item_id: int, settings: Settings, choice: str = "yes") -> None:
    resident = create_user(db, email=f"{choice}@example.be", name=choice)
    with db.write() as session:
        advisory.do_cast_advisory_vote(
            session, resident, item_id, choice, secret_key=settings.secret_key, zone=ZONE
        )


def _move_windows_to_the_past(db: Database, item_id: int) -> None:
    """As if the server had been down while the windows closed."""
    past = utcnow() - dt.timedelta(minutes=5)
    with db.write() as session:
        for model in (CouncilBallot, AdvisoryBallot):
            ballot = session.exec(select(model).where(model.item_id == item_id)).one()
            ballot.closes_at = past
            ballot.opens_at = past - dt.timedelta(hours=1)
            session.add(ballot)


def _ballots(db: Database, item_id: int) -> tuple[CouncilBallot, AdvisoryBallot]:
    return ballot_of(db, item_id), advisory_ballot_of(db, item_id)


def test_windows_that_closed_while_the_server_was_down_close_at_start(
    db: Database, app: Starlette, settings: Settings
) -> None:
    clerk = create_user(db, email="clerk@example.be", roles=(Role.clerk,))
    item_id = _item_with_windows(db, clerk, dt.timedelta(hours=3))
    _vote(db, item_id, settings, "yes")
    _vote(db, item_id, settings, "no")
    _move_windows_to_the_past(db, item_id)

    with TestClient(app):
        council, residents = _ballots(db, item_id)

    assert council.status == BallotStatus.waiting
    assert residents.status == AdvisoryStatus.closed
    assert (residents.yes, residents.no, residents.abstain) == (1, 1, 0)


def test_a_job_fired_twice_closes_once(db: Database, settings: Settings) -> None:
    clerk = create_user(db, email="clerk@example.be", roles=(Role.clerk,))
    item_id = _item_with_windows(db, clerk, dt.timedelta(hours=3))
    _vote(db, item_id, settings)
    _move_windows_to_the_past(db, item_id)

    first = jobs.apply_due_windows(db)
    second = jobs.apply_due_windows(db)

    assert sorted(first) == [item_id, item_id]  # the council's window and the residents'
    assert second == []
    with db.read() as session:
        closes = session.exec(select(AuditEntry).where(AuditEntry.kind == "close")).all()
    assert len(closes) == 1


def test_a_restart_catches_up_again_without_doing_anything_twice(
    db: Database, settings: Settings
) -> None:
    clerk = create_user(db, email="clerk@example.be", roles=(Role.clerk,))
    item_id = _item_with_windows(db, clerk, dt.timedelta(hours=3))
    _vote(db, item_id, settings)
    _move_windows_to_the_past(db, item_id)

    for _restart in range(2):
        scheduler = Scheduler(db, settings, providers=[jobs])
        scheduler.start()
        scheduler.shutdown()

    _, residents = _ballots(db, item_id)
    assert residents.status == AdvisoryStatus.closed
    assert residents.chain_seq == 2  # the cast and one close


def test_a_window_closes_on_time_by_its_own_date_job(db: Database, settings: Settings) -> None:
    clerk = create_user(db, email="clerk@example.be", roles=(Role.clerk,))
    item_id = _item_with_windows(db, clerk, dt.timedelta(seconds=2))
    closed = threading.Event()

    def advisory_closed(_event: object) -> None:
        closed.set()

    db.bus.subscribe("advisory.closed", advisory_closed)
    scheduler = Scheduler(db, settings, providers=[jobs])
    scheduler.start()
    try:
        assert any(job.startswith("voting.window.") for job in scheduler.job_ids())
        assert closed.wait(timeout=30)
    finally:
        scheduler.shutdown()
    council, residents = _ballots(db, item_id)
    assert council.status == BallotStatus.waiting
    assert residents.status == AdvisoryStatus.closed
