"""Idea actions through the same calls the views make, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from ideas import actions
from ideas.forms import AnswerDraft, CommentDraft, IdeaDraft
from ideas.models import Idea, IdeaStatus, OfficialAnswer, Support
from participation.checks import Refused
from participation.database import Database
from participation.models import User
from participation.notifications import Notification, is_following
from tests.helpers import create_user
from tests.ideas.conftest import post_idea


def test_posting_makes_the_author_a_follower(db: Database, idea: Idea, resident: User) -> None:
    with db.read() as session:
        assert resident.id is not None
        assert idea.id is not None
        assert is_following(session, resident.id, "idea", idea.id)
        stored = session.get(Idea, idea.id)
        assert stored is not None
        assert stored.status == IdeaStatus.new


def test_an_unverified_resident_cannot_post(db: Database) -> None:
    unverified = create_user(db, email="new@example.be", verified=False)
    with pytest.raises(Refused) as refused:
        post_idea(db, unverified)
    assert refused.value.status_code == 403


def test_support_is_idempotent_and_counted(db: Database, idea: Idea, neighbour: User) -> None:
    assert idea.id is not None
    for _ in range(3):
        with db.write() as session:
            actions.do_support(session, idea.id, neighbour, threshold=100)
    with db.write() as session:
        assert actions.do_unsupport(session, idea.id, neighbour).support_count == 0
        assert actions.do_unsupport(session, idea.id, neighbour).support_count == 0
        assert actions.do_support(session, idea.id, neighbour, threshold=100).support_count == 1


def test_fifty_concurrent_supports_by_one_resident_count_once(
    db: Database, idea: Idea, neighbour: User
) -> None:
    assert idea.id is not None
    idea_id = idea.id

    def press() -> int:
        with db.write() as session:
            return actions.do_support(session, idea_id, neighbour, threshold=100).support_count

    with ThreadPoolExecutor(max_workers=16) as pool:
        counts = [future.result() for future in [pool.submit(press) for _ in range(50)]]
    assert set(counts) == {1}
    with db.read() as session:
        assert len(session.exec(select(Support)).all()) == 1
        stored = session.get(Idea, idea_id)
        assert stored is not None
        assert stored.support_count == 1


def test_the_threshold_moves_the_idea_under_review_and_tells_the_clerks(
    db: Database, idea: Idea, neighbour: User, clerk: User
) -> None:
    assert idea.id is not None
    with db.write() as session:
        actions.do_support(session, idea.id, neighbour, threshold=1)
    with db.read() as session:
        stored = session.get(Idea, idea.id)
        assert stored is not None
        assert stored.status == IdeaStatus.under_review
        [step] = session.exec(select(OfficialAnswer)).all()
        assert step.automatic
        told = session.exec(select(Notification).where(Notification.user_id == clerk.id)).all()
        assert len(told) == 1


def test_a_withdrawn_idea_cannot_be_supported_or_discussed(
    db: Database, idea: Idea, resident: User, neighbour: User
) -> None:
    assert idea.id is not None
    with db.write() as session:
        actions.do_withdraw_idea(session, actions.get_idea(session, idea.id), resident)
    for act in (
        lambda s: actions.do_support(s, idea.id or 0, resident, threshold=100),
        lambda s: actions.do_comment(s, idea.id or 0, neighbour, CommentDraft("Hallo", None, None)),
    ):
        with pytest.raises(Refused) as refused, db.write() as session:
            act(session)
        assert refused.value.status_code == 409


def test_editing_stops_at_the_first_support(
    db: Database, idea: Idea, resident: User, neighbour: User
) -> None:
    assert idea.id is not None
    draft = IdeaDraft("Een nieuwe titel", "Nieuwe tekst", None, None, None)
    with db.write() as session:
        actions.do_edit_idea(session, actions.get_idea(session, idea.id), resident, draft)
        actions.do_support(session, idea.id, neighbour, threshold=100)
    with pytest.raises(Refused) as refused, db.write() as session:
        actions.do_edit_idea(session, actions.get_idea(session, idea.id), resident, draft)
    assert refused.value.status_code == 409
    with pytest.raises(Refused), db.write() as session:
        actions.do_edit_idea(session, actions.get_idea(session, idea.id), neighbour, draft)


def test_comments_thread_three_levels_and_notify_followers(
    db: Database, idea: Idea, resident: User, neighbour: User
) -> None:
    assert idea.id is not None
    with db.write() as session:
        first = actions.do_comment(session, idea.id, neighbour, CommentDraft("Eens!", "for", None))
        second = actions.do_comment(
            session, idea.id, resident, CommentDraft("Dank", None, first.id)
        )
        third = actions.do_comment(
            session, idea.id, neighbour, CommentDraft("Graag", None, second.id)
        )
    assert (first.depth, second.depth, third.depth) == (0, 1, 2)
    with pytest.raises(Refused), db.write() as session:
        actions.do_comment(session, idea.id, resident, CommentDraft("Te diep", None, third.id))
    with db.read() as session:
        stored = session.get(Idea, idea.id)
        assert stored is not None
        assert stored.comment_count == 3
        to_author = session.exec(
            select(Notification).where(Notification.user_id == resident.id)
        ).all()
        assert len(to_author) == 2  # the neighbour's two comments, not the author's own


def test_a_deleted_comment_keeps_its_place_and_refuses_replies(
    db: Database, idea: Idea, neighbour: User, resident: User
) -> None:
    assert idea.id is not None
    with db.write() as session:
        comment = actions.do_comment(session, idea.id, neighbour, CommentDraft("Oeps", None, None))
    assert comment.id is not None
    with pytest.raises(Refused), db.write() as session:
        actions.do_delete_comment(session, idea.id, comment.id, resident)
    with db.write() as session:
        actions.do_delete_comment(session, idea.id, comment.id, neighbour)
    with pytest.raises(Refused) as refused, db.write() as session:
        actions.do_comment(session, idea.id, resident, CommentDraft("Antwoord", None, comment.id))
    assert refused.value.status_code == 409


def test_only_a_clerk_answers_and_the_status_follows(
    db: Database, idea: Idea, resident: User, clerk: User
) -> None:
    assert idea.id is not None
    answer = AnswerDraft(IdeaStatus.accepted.value, "We voeren dit uit in het voorjaar.")
    with pytest.raises(Refused) as refused, db.write() as session:
        actions.do_answer(session, idea.id, resident, answer)
    assert refused.value.status_code == 403
    with db.write() as session:
        actions.do_answer(session, idea.id, clerk, answer)
    with db.read() as session:
        stored = session.get(Idea, idea.id)
        assert stored is not None
        assert stored.status == "accepted"
        told = session.exec(select(Notification).where(Notification.user_id == resident.id)).all()
        assert [n.kind for n in told] == ["idea.answer"]
