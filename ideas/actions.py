"""What residents and clerks do with ideas: `check_*` decides, `do_*` acts in the transaction."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from ideas.forms import AnswerDraft, CategoryDraft, CommentDraft, IdeaDraft
from ideas.models import Idea, IdeaCategory, IdeaPhoto, IdeaStatus, OfficialAnswer, Support
from participation import comments, search
from participation.actions import check_verified
from participation.auth import roles_of
from participation.checks import Refused
from participation.comments import Comment
from participation.database import utcnow
from participation.events import publish
from participation.i18n import gettext
from participation.models import Role, User, UserRole
from participation.notifications import do_follow, notify, notify_followers
from participation.photos import StoredPhoto

SUBJECT = "idea"
SEARCH_INDEX = "idea_search"


def idea_url(idea_id: int) -> str:
    return f"/ideas/{idea_id}"


def get_idea(session: Session, idea_id: int) -> Idea:
    idea = session.get(Idea, idea_id)
    if idea is None:
        raise Refused(404, gettext("This idea does not exist."))
    return idea


def _index(session: Session, idea: Idea) -> None:
    assert idea.id is not None
    search.index_document(session, SEARCH_INDEX, idea.id, f"{idea.title}\n{idea.body}")


def do_post_idea(
    session: Session, author: User, draft: IdeaDraft, photos: list[StoredPhoto]
) -> Idea:
    check_verified(author)
    idea = Idea(
        author_id=author.id,
        title=draft.title,
        body=draft.body,
        category_id=draft.category_id,
        latitude=draft.latitude,
        longitude=draft.longitude,
        shuffle_key=secrets.randbelow(2**31),
    )
    session.add(idea)
    session.flush()
    assert idea.id is not None
    assert author.id is not None
    for position, photo in enumerate(photos):
        session.add(
            IdeaPhoto(
                idea_id=idea.id,
                position=position,
                name=photo.name,
                thumb_name=photo.thumb_name,
                width=photo.width,
                height=photo.height,
            )
        )
    _index(session, idea)
    do_follow(session, author.id, SUBJECT, idea.id)
    publish(session, "idea.posted", idea_id=idea.id)
    return idea


def check_can_edit(idea: Idea, user: User) -> None:
    if idea.author_id != user.id:
        raise Refused(403, gettext("Only the author can change this idea."))
    if idea.is_withdrawn:
        raise Refused(409, gettext("This idea has been withdrawn."))
    if idea.support_count or idea.comment_count:
        raise Refused(409, gettext("An idea cannot be edited once it has a support or a comment."))


def do_edit_idea(session: Session, idea: Idea, user: User, draft: IdeaDraft) -> None:
    check_can_edit(idea, user)
    idea.title, idea.body, idea.category_id = draft.title, draft.body, draft.category_id
    idea.latitude, idea.longitude = draft.latitude, draft.longitude
    idea.updated_at = utcnow()
    session.add(idea)
    _index(session, idea)


def do_withdraw_idea(session: Session, idea: Idea, user: User) -> None:
    if idea.author_id != user.id:
        raise Refused(403, gettext("Only the author can withdraw this idea."))
    if idea.is_withdrawn:
        return
    idea.withdrawn_at = utcnow()
    session.add(idea)
    assert idea.id is not None
    notify_followers(
        session,
        subject=SUBJECT,
        subject_id=idea.id,
        kind="idea.withdrawn",
        link=idea_url(idea.id),
        message=lambda: (
            gettext("The idea “%(title)s” was withdrawn by its author.") % {"title": idea.title}
        ),
        exclude=user.id,
    )


def _insert_ignoring_duplicates(session: Session, idea_id: int, user_id: int) -> bool:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Support)
        .values(idea_id=idea_id, user_id=user_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["idea_id", "user_id"])
        .returning(Support.__table__.c.id)  # type: ignore[attr-defined]
    )
    return session.execute(statement).first() is not None


def do_support(session: Session, idea_id: int, user: User, threshold: int) -> Idea:
    """Idempotent: a second support, even a concurrent one, changes nothing."""
    check_verified(user)
    idea = get_idea(session, idea_id)
    if idea.is_withdrawn:
        raise Refused(409, gettext("A withdrawn idea cannot be supported."))
    assert user.id is not None
    if _insert_ignoring_duplicates(session, idea_id, user.id):
        _add_to_count(session, idea, +1)
        if idea.support_count >= threshold and idea.status == IdeaStatus.new:
            _move_under_review(session, idea, threshold)
    else:
        _add_to_count(session, idea, 0)  # a concurrent support may have committed meanwhile
    return idea


def do_unsupport(session: Session, idea_id: int, user: User) -> Idea:
    idea = get_idea(session, idea_id)
    removed = session.execute(
        delete(Support)
        .where(col(Support.idea_id) == idea_id, col(Support.user_id) == user.id)
        .returning(Support.__table__.c.id)  # type: ignore[attr-defined]
    ).first()
    _add_to_count(session, idea, -1 if removed is not None else 0)
    return idea


def _add_to_count(session: Session, idea: Idea, change: int) -> None:
    """Change the count in the database (atomic under concurrency) and in the loaded idea,
    which then shows the count as it is now, other residents' supports included."""
    if change:
        statement: Any = (
            update(Idea)
            .where(col(Idea.id) == idea.id)
            .values(support_count=Idea.support_count + change)
            .returning(Idea.__table__.c.support_count)  # type: ignore[attr-defined]
        )
    else:
        statement = select(Idea.support_count).where(Idea.id == idea.id)
    set_committed_value(idea, "support_count", session.execute(statement).scalar_one())


def has_supported(session: Session, idea_id: int, user_id: int) -> bool:
    found = session.exec(
        select(Support.id).where(Support.idea_id == idea_id, Support.user_id == user_id)
    ).first()
    return found is not None


def _move_under_review(session: Session, idea: Idea, threshold: int) -> None:
    """A conditional update: of two supports crossing the threshold at once, one moves it."""
    assert idea.id is not None
    moved = session.execute(
        update(Idea)
        .where(col(Idea.id) == idea.id, col(Idea.status) == IdeaStatus.new.value)
        .values(status=IdeaStatus.under_review.value)
        .returning(Idea.__table__.c.id)  # type: ignore[attr-defined]
    ).first()
    if moved is None:
        return
    set_committed_value(idea, "status", IdeaStatus.under_review.value)
    session.add(OfficialAnswer(idea_id=idea.id, status=idea.status, body="", automatic=True))
    clerks = session.exec(select(UserRole.user_id).where(UserRole.role == Role.clerk.value))
    notify(
        session,
        clerks.all(),
        kind="idea.threshold",
        subject=SUBJECT,
        subject_id=idea.id,
        link=idea_url(idea.id),
        message=lambda: (
            gettext("The idea “%(title)s” reached %(count)d supports.")
            % {"title": idea.title, "count": threshold}
        ),
    )


def do_comment(session: Session, idea_id: int, user: User, draft: CommentDraft) -> Comment:
    check_verified(user)
    idea = get_idea(session, idea_id)
    if idea.is_withdrawn:
        raise Refused(409, gettext("This idea has been withdrawn; its discussion is closed."))
    parent = comments.check_reply_target(session, SUBJECT, idea_id, draft.parent_id)
    comment = comments.do_post_comment(
        session, user, SUBJECT, idea_id, draft.body, draft.stance, parent
    )
    session.execute(
        update(Idea).where(col(Idea.id) == idea_id).values(comment_count=Idea.comment_count + 1)
    )
    assert user.id is not None
    notify_followers(
        session,
        subject=SUBJECT,
        subject_id=idea_id,
        kind="idea.comment",
        link=f"{idea_url(idea_id)}#comment-{comment.id}",
        message=lambda: (
            gettext("%(name)s commented on “%(title)s”.")
            % {"name": user.display_name, "title": idea.title}
        ),
        exclude=user.id,
    )
    do_follow(session, user.id, SUBJECT, idea_id)
    return comment


def get_comment(session: Session, idea_id: int, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.subject != SUBJECT or comment.subject_id != idea_id:
        raise Refused(404, gettext("This comment does not exist."))
    return comment


def do_delete_comment(session: Session, idea_id: int, comment_id: int, user: User) -> None:
    comment = get_comment(session, idea_id, comment_id)
    comments.check_can_change(comment, user, editing=False)
    comments.do_delete_comment(session, comment)
    session.execute(
        update(Idea).where(col(Idea.id) == idea_id).values(comment_count=Idea.comment_count - 1)
    )


def do_edit_comment(
    session: Session, idea_id: int, comment_id: int, user: User, draft: CommentDraft
) -> Comment:
    comment = get_comment(session, idea_id, comment_id)
    comments.check_can_change(comment, user, editing=True)
    comments.do_edit_comment(session, comment, draft.body, draft.stance)
    return comment


def check_clerk(session: Session, user: User) -> None:
    assert user.id is not None
    if Role.clerk.value not in roles_of(session, user.id):
        raise Refused(403, gettext("Only a clerk can answer for the municipality."))


def do_answer(session: Session, idea_id: int, clerk: User, draft: AnswerDraft) -> OfficialAnswer:
    check_clerk(session, clerk)
    idea = get_idea(session, idea_id)
    answer = OfficialAnswer(
        idea_id=idea_id, author_id=clerk.id, status=draft.status, body=draft.body
    )
    idea.status = draft.status
    idea.updated_at = utcnow()
    session.add_all([answer, idea])
    notify_followers(
        session,
        subject=SUBJECT,
        subject_id=idea_id,
        kind="idea.answer",
        link=f"{idea_url(idea_id)}#timeline",
        message=lambda: (
            gettext("The municipality answered the idea “%(title)s”.") % {"title": idea.title}
        ),
        exclude=clerk.id,
    )
    publish(session, "idea.answered", idea_id=idea_id)
    return answer


def do_add_category(session: Session, clerk: User, draft: CategoryDraft) -> IdeaCategory:
    check_clerk(session, clerk)
    slug = "-".join(draft.name_en.lower().split())[:50] + f"-{secrets.token_hex(3)}"
    category = IdeaCategory(
        slug=slug, name_nl=draft.name_nl, name_fr=draft.name_fr, name_en=draft.name_en
    )
    session.add(category)
    return category


def do_set_category_active(
    session: Session, clerk: User, category_id: int, active: bool
) -> IdeaCategory:
    check_clerk(session, clerk)
    category = session.get(IdeaCategory, category_id)
    if category is None:
        raise Refused(404, gettext("This category does not exist."))
    category.active = active
    session.add(category)
    return category
