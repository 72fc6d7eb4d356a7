"""Residents' advisory votes through the same calls the views make, on SQLite and PostgreSQL:
one vote per verified resident, the window by the clock, the close, and no second vote after
erasing the account and registering again."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from sqlmodel import select

from participation.database import Database, utcnow
from participation.i18n import format_datetime
from participation.models import User
from tests.conftest import TEST_SECRET_KEY
from tests.helpers import create_user
from tests.voting.agenda_world import (
    DAY,
    ZONE,
    add_item,
    advisory_ballot_of,
    advisory_open,
    chain_links,
    close_advisory,
    id_of,
    refusal,
)
from voting import advisory, audit, rules
from voting.forms import AdvisoryDraft
from voting.models import (
    MEETING_TIME,
    AdvisoryStatus,
    AdvisoryVote,
    AuditEntry,
    Meeting,
)

pytestmark = pytest.mark.usefixtures("english_messages")


def advisory_item(db: Database, clerk: User, meeting: Meeting, **fields: object) -> int:
    return id_of(add_item(db, clerk, meeting, **fields))


@pytest.fixture
def item_id(db: Database, clerk: User, meeting: Meeting) -> int:
    """An item with an advisory vote that opened a minute ago and closes tomorrow."""
    return advisory_item(db, clerk, meeting, advisory=advisory_open())


def vote(db: Database, user: User, item_id: int, choice: str) -> AdvisoryVote:
    with db.write() as session:
        vote_id = advisory.do_cast_advisory_vote(
            session, user, item_id, choice, secret_key=TEST_SECRET_KEY, zone=ZONE
        )
        stored = session.get(AdvisoryVote, vote_id)
    assert stored is not None
    return stored


def votes_of(db: Database, item_id: int) -> list[AdvisoryVote]:
    ballot = advisory_ballot_of(db, item_id)
    with db.read() as session:
        return list(session.exec(select(AdvisoryVote).where(AdvisoryVote.ballot_id == ballot.id)))


def links_of(db: Database, item_id: int) -> list[AuditEntry]:
    return chain_links(db, audit.chain_of(advisory_ballot_of(db, item_id)))


def residents(db: Database, count: int) -> list[User]:
    return [create_user(db, email=f"buur{n}@example.be", name=f"Buur {n}") for n in range(count)]


def test_a_resident_votes_and_changes_and_the_last_choice_wins(
    db: Database, resident: User, item_id: int
) -> None:
    vote(db, resident, item_id, "yes")
    vote(db, resident, item_id, "no")
    vote(db, resident, item_id, "no")
    [stored] = votes_of(db, item_id)
    assert (stored.choice, stored.voter_id) == ("no", resident.id)
    assert stored.changed_at is not None
    assert [link.kind for link in links_of(db, item_id)] == ["cast", "change"]
    with db.read() as session:
        assert advisory.my_vote(session, advisory_ballot_of(db, item_id), resident) == "no"


def test_an_unverified_account_cannot_vote(db: Database, item_id: int) -> None:
    unverified = create_user(db, email="new@example.be", name="New", verified=False)
    assert refusal(partial(vote, db, unverified, item_id, "yes")).status_code == 403
    assert votes_of(db, item_id) == []


@pytest.mark.parametrize("choice", ["", "maybe", "Yes", "recused", "<script>"])
def test_an_invalid_choice_is_a_bad_request(
    db: Database, resident: User, item_id: int, choice: str
) -> None:
    assert refusal(partial(vote, db, resident, item_id, choice)).status_code == 400
    assert votes_of(db, item_id) == []


def test_an_unknown_item_or_one_without_an_advisory_vote_is_not_found(
    db: Database, clerk: User, resident: User, meeting: Meeting
) -> None:
    council_only = advisory_item(db, clerk, meeting)
    for item_id in (10_000, council_only):
        assert refusal(partial(vote, db, resident, item_id, "yes")).status_code == 404


def test_before_the_window_the_refusal_gives_its_times(
    db: Database, clerk: User, resident: User, meeting: Meeting
) -> None:
    draft = AdvisoryDraft("Wilt u dit?", utcnow() + DAY, utcnow() + 2 * DAY, False)
    item_id = advisory_item(db, clerk, meeting, advisory=draft)
    refused = refusal(partial(vote, db, resident, item_id, "yes"))
    assert refused.status_code == 409
    assert format_datetime(draft.opens_at, ZONE, MEETING_TIME) in refused.message
    assert format_datetime(draft.closes_at, ZONE, MEETING_TIME) in refused.message
    assert votes_of(db, item_id) == []


def test_after_the_close_by_the_clock_the_vote_is_refused_before_the_job_runs(
    db: Database, resident: User, item_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    closes_at = advisory_ballot_of(db, item_id).closes_at
    monkeypatch.setattr(advisory, "utcnow", lambda: closes_at)
    refused = refusal(partial(vote, db, resident, item_id, "yes"))
    assert refused.status_code == 409
    assert "closed" in refused.message
    assert format_datetime(closes_at, ZONE, MEETING_TIME) in refused.message
    assert advisory_ballot_of(db, item_id).status == AdvisoryStatus.open
    assert votes_of(db, item_id) == []


def test_after_the_close_the_refusal_says_it_closed(
    db: Database, resident: User, item_id: int
) -> None:
    vote(db, resident, item_id, "yes")
    close_advisory(db, item_id)
    refused = refusal(partial(vote, db, resident, item_id, "no"))
    assert refused.status_code == 409
    assert "closed" in refused.message
    assert [v.choice for v in votes_of(db, item_id)] == ["yes"]


def test_the_close_stores_the_tally_forgets_the_voters_and_appends_a_link(
    db: Database, item_id: int
) -> None:
    for resident, choice in zip(residents(db, 3), ["yes", "no", "yes"], strict=True):
        vote(db, resident, item_id, choice)
    assert all(v.voter_key for v in votes_of(db, item_id))
    with db.read() as session:
        assert advisory.shown_tally(advisory_ballot_of(db, item_id)) is None  # hidden while open

    closes_at = advisory_ballot_of(db, item_id).closes_at
    with db.write() as session:
        assert advisory.apply_window_transitions(session, closes_at) == [item_id]
    closed = advisory_ballot_of(db, item_id)
    assert closed.status == AdvisoryStatus.closed
    assert (closed.yes, closed.no, closed.abstain) == (2, 1, 0)
    assert closed.closed_at is not None
    assert [v.voter_key for v in votes_of(db, item_id)] == [None, None, None]
    last = links_of(db, item_id)[-1]
    assert (last.seq, last.kind) == (4, "close")
    assert last.payload == audit.canonical({"tally": {"yes": 2, "no": 1, "abstain": 0}})
    with db.read() as session:
        assert advisory.shown_tally(closed) == rules.Tally(2, 1, 0)

    with db.write() as session:
        assert advisory.apply_window_transitions(session, closes_at + DAY) == []
    again = advisory_ballot_of(db, item_id)
    assert (again.chain_seq, again.chain_head, again.closed_at) == (
        closed.chain_seq,
        closed.chain_head,
        closed.closed_at,
    )
    assert (again.yes, again.no, again.abstain) == (2, 1, 0)
    with db.read() as session:
        assert audit.verify(session).breaks == []


def test_a_scheduled_window_opens_once(
    db: Database, clerk: User, meeting: Meeting, item_id: int
) -> None:
    now = utcnow()
    draft = AdvisoryDraft("Wilt u dit?", now + DAY, now + 2 * DAY, False)
    scheduled = advisory_item(db, clerk, meeting, advisory=draft)
    assert advisory_ballot_of(db, scheduled).status == AdvisoryStatus.scheduled
    with db.write() as session:
        assert advisory.apply_window_transitions(session, now + 1.5 * DAY) == [scheduled, item_id]
    with db.write() as session:
        assert advisory.apply_window_transitions(session, now + 1.5 * DAY) == []
    assert advisory_ballot_of(db, scheduled).status == AdvisoryStatus.open
    assert advisory_ballot_of(db, item_id).status == AdvisoryStatus.closed


def test_erasing_the_account_and_registering_again_does_not_vote_twice(
    db: Database, resident: User, item_id: int
) -> None:
    vote(db, resident, item_id, "yes")
    with db.write() as session:
        erased = session.get(User, resident.id)
        session.delete(erased)
    [detached] = votes_of(db, item_id)
    assert detached.voter_id is None  # the vote still counts, detached from the person
    again = create_user(db, email=resident.email.upper(), name="Ann again")
    vote(db, again, item_id, "yes")
    vote(db, again, item_id, "no")
    [stored] = votes_of(db, item_id)
    assert (stored.id, stored.choice, stored.voter_id) == (detached.id, "no", again.id)


def test_fifty_concurrent_submissions_by_one_resident_leave_one_vote(
    db: Database, resident: User, item_id: int
) -> None:
    sent = ["yes" if n % 2 else "abstain" for n in range(50)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = [v.choice for v in pool.map(partial(vote, db, resident, item_id), sent)]
    assert set(answers) <= set(sent)
    [stored] = votes_of(db, item_id)
    assert stored.choice in sent
    assert links_of(db, item_id)[-1].payload == audit.canonical(
        {"choice": stored.choice, "vote": stored.id}
    )
    ballot = advisory_ballot_of(db, item_id)
    assert (ballot.yes, ballot.no, ballot.abstain) == (
        int(stored.choice == "yes"),
        0,
        int(stored.choice == "abstain"),
    )
    with db.read() as session:
        assert advisory.count(session, ballot.id or 0).cast == 1
        assert audit.verify(session).breaks == []
