"""What residents and clerks do with ideas: `check_*` decides, `do_*` acts in the transaction."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from ideas.forms import AnswerDraft, CategoryDraft, CommentDraft, IdeaDraft
from ideas.models import Idea, IdeaCategory, IdeaPhoto, IdeaStatus, OfficialAnswer, Support
from participation import comments, search
from participation.actions import check_can_write, check_verified
from participation.auth import roles_of
from participation.checks import Refused
from participation.comments import Comment
from participation.database import utcnow
from participation.events import publish
from participation.i18n import gettext
from participation.models import Role, User, UserRole
from participation.notifications import do_follow, notify, notify_followers
from participation.photos import StoredPhoto
from participation.prepared import Prepared
from participation.screening import screen_new_content
from participation.settings import Settings
from participation.visibility import Visibility

SUBJECT = "idea"
SEARCH_INDEX = "idea_search"


def idea_url(idea_id: int) -> str:
    return f"/ideas/{idea_id}"


# Built once: every support and comment loads its idea, and `Session.get` builds its query
# anew each time, which cost more than running it.
_IDEA_BY_ID = select(Idea).where(Idea.id == bindparam("idea_id"))


def get_idea(session: Session, idea_id: int) -> Idea:
    idea = session.exec(_IDEA_BY_ID, params={"idea_id": idea_id}).first()
    if idea is None:
        raise Refused(404, gettext("This idea does not exist."))
    return idea


def check_public(idea: Idea) -> None:
    """Supports and comments go to ideas everyone can see, not to hidden or held ones."""
    if idea.visibility != Visibility.public:
        raise Refused(
            409,
            gettext(
                "This idea is not public now (hidden by moderation, or waiting for a moderator): "
                "it cannot be supported or commented on."
            ),
        )


def _screen(
    session: Session, settings: Settings | None, author: User, name: str, item_id: int, text: str
) -> None:
    """Hold new or edited text for a moderator if moderation's rules say so. `settings` is
    None only for demo data and test fixtures, which are not screened."""
    if settings is not None:
        screen_new_content(session, settings, author, name, item_id, text)


def _index(session: Session, idea: Idea) -> None:
    assert idea.id is not None
    search.index_document(session, SEARCH_INDEX, idea.id, f"{idea.title}\n{idea.body}")


def do_post_idea(
    session: Session,
    author: User,
    draft: IdeaDraft,
    photos: list[StoredPhoto],
    *,
    settings: Settings | None = None,
) -> Idea:
    check_can_write(author, settings)
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
    _screen(session, settings, author, SUBJECT, idea.id, f"{idea.title}\n{idea.body}")
    publish(session, "idea.posted", idea_id=idea.id)
    return idea


def check_can_edit(idea: Idea, user: User) -> None:
    if idea.author_id != user.id:
        raise Refused(403, gettext("Only the author can change this idea."))
    if idea.is_withdrawn:
        raise Refused(409, gettext("This idea has been withdrawn."))
    if idea.support_count or idea.comment_count:
        raise Refused(409, gettext("An idea cannot be edited once it has a support or a comment."))


def do_edit_idea(
    session: Session,
    idea: Idea,
    user: User,
    draft: IdeaDraft,
    *,
    settings: Settings | None = None,
) -> None:
    check_can_edit(idea, user)
    check_can_write(user, settings)
    idea.title, idea.body, idea.category_id = draft.title, draft.body, draft.category_id
    idea.latitude, idea.longitude = draft.latitude, draft.longitude
    idea.updated_at = utcnow()
    session.add(idea)
    _index(session, idea)
    assert idea.id is not None
    _screen(session, settings, user, SUBJECT, idea.id, f"{idea.title}\n{idea.body}")


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


def _add_support_statement(insert: Any) -> Any:
    return (
        insert(Support)
        .values(
            idea_id=bindparam("idea_id"), user_id=bindparam("user_id"), created_at=bindparam("now")
        )
        .on_conflict_do_nothing(index_elements=["idea_id", "user_id"])
        .returning(Support.__table__.c.id)  # type: ignore[attr-defined]
    )


# The statements every support runs, built once per dialect and run on the driver's cursor
# (see participation/prepared.py): SQLAlchemy's setup cost more than running them.
_ADD_SUPPORT = {
    "postgresql": Prepared(_add_support_statement(pg_insert)),
    "sqlite": Prepared(_add_support_statement(sqlite_insert)),
}
_IDEAS = Idea.__table__  # type: ignore[attr-defined]
_CHANGE_COUNT = Prepared(
    update(_IDEAS)
    .where(_IDEAS.c.id == bindparam("idea_id"))
    .values(support_count=_IDEAS.c.support_count + bindparam("change"))
    .returning(_IDEAS.c.support_count)
)
_READ_COUNT = Prepared(
    core_select(_IDEAS.c.support_count).where(_IDEAS.c.id == bindparam("idea_id"))
)


def _insert_ignoring_duplicates(session: Session, idea_id: int, user_id: int) -> bool:
    connection = session.connection()
    statement = _ADD_SUPPORT[connection.dialect.name]
    params = {"idea_id": idea_id, "user_id": user_id, "now": utcnow()}
    return statement.first(connection, params) is not None


def do_support(session: Session, idea_id: int, user: User, threshold: int) -> Idea:
    """Idempotent: a second support, even a concurrent one, changes nothing."""
    check_verified(user)
    idea = get_idea(session, idea_id)
    if idea.is_withdrawn:
        raise Refused(409, gettext("A withdrawn idea cannot be supported."))
    check_public(idea)
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
    statement = _CHANGE_COUNT if change else _READ_COUNT
    params = {"idea_id": idea.id, "change": change}
    count = statement.scalar(session.connection(), params)
    set_committed_value(idea, "support_count", count)


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


def do_comment(
    session: Session,
    idea_id: int,
    user: User,
    draft: CommentDraft,
    *,
    settings: Settings | None = None,
) -> Comment:
    check_can_write(user, settings)
    idea = get_idea(session, idea_id)
    if idea.is_withdrawn:
        raise Refused(409, gettext("This idea has been withdrawn; its discussion is closed."))
    check_public(idea)
    parent = comments.check_reply_target(session, SUBJECT, idea_id, draft.parent_id)
    comment = comments.do_post_comment(
        session, user, SUBJECT, idea_id, draft.body, draft.stance, parent
    )
    session.execute(
        update(Idea).where(col(Idea.id) == idea_id).values(comment_count=Idea.comment_count + 1)
    )
    assert user.id is not None
    assert comment.id is not None
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
        source=(comments.CONTENT_TYPE, comment.id),
    )
    do_follow(session, user.id, SUBJECT, idea_id)
    # Held, it leaves the count again (see `store_comment_count`), and its notifications wait.
    _screen(session, settings, user, comments.CONTENT_TYPE, comment.id, draft.body)
    return comment


def store_comment_count(session: Session, idea_id: int, count: int) -> None:
    """The comment count shows public comments only: moderation recounts when it hides or
    shows one (registered with `comments.keep_count` in ideas/content.py)."""
    session.execute(update(Idea).where(col(Idea.id) == idea_id).values(comment_count=count))


def get_comment(session: Session, idea_id: int, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.subject != SUBJECT or comment.subject_id != idea_id:
        raise Refused(404, gettext("This comment does not exist."))
    return comment


def do_delete_comment(session: Session, idea_id: int, comment_id: int, user: User) -> None:
    comment = get_comment(session, idea_id, comment_id)
    comments.check_can_change(comment, user, editing=False)
    counted = comment.visibility == Visibility.public
    comments.do_delete_comment(session, comment)
    if counted:
        session.execute(
            update(Idea).where(col(Idea.id) == idea_id).values(comment_count=Idea.comment_count - 1)
        )


def do_edit_comment(
    session: Session,
    idea_id: int,
    comment_id: int,
    user: User,
    draft: CommentDraft,
    *,
    settings: Settings | None = None,
) -> Comment:
    comment = get_comment(session, idea_id, comment_id)
    comments.check_can_change(comment, user, editing=True)
    check_can_write(user, settings)
    comments.do_edit_comment(session, comment, draft.body, draft.stance)
    _screen(session, settings, user, comments.CONTENT_TYPE, comment_id, draft.body)
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
