"""Comments on any registered content: threads three levels deep, stances, edit and delete.

The content type that owns the discussion (an idea, a pact) wraps these actions to keep its
own counts and notify its followers. What moderation decides about discussions lives here, so
that every content type gets it: a locked discussion takes no new comments, a hidden comment
takes no replies, and comments are themselves content ("comment") that moderation can hide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Text, func
from sqlmodel import Field, Session, SQLModel, col, select

from participation.checks import Refused
from participation.content import ContentType, content_type, register
from participation.database import UTCDateTime, utcnow
from participation.i18n import N_, gettext
from participation.markup import plain_text
from participation.models import User
from participation.profiles import public_names
from participation.visibility import HiddenContent, Visibility, visibility_column

CONTENT_TYPE = "comment"  # its name in the content registry
BODY_MAX = 5_000
TITLE_LENGTH = 80  # what moderators and notifications show of a comment
MAX_DEPTH = 2  # three levels: a comment, a reply, a reply to the reply
EDIT_WINDOW = dt.timedelta(minutes=15)
PAGE_SIZE = 20
REPLIES_PER_PAGE = 500

STANCES = ("for", "against", "neutral")
_STANCE_LABELS = {"for": N_("For"), "against": N_("Against"), "neutral": N_("Neutral")}


def stance_label(stance: str) -> str:
    return gettext(_STANCE_LABELS[stance])


class Comment(SQLModel, table=True):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(f"depth BETWEEN 0 AND {MAX_DEPTH}", name="ck_comments_depth"),
        CheckConstraint(
            "stance IS NULL OR stance IN ('for', 'against', 'neutral')", name="ck_comments_stance"
        ),
        Index("ix_comments_subject_page", "subject", "subject_id", "depth", "id"),
        Index("ix_comments_thread", "root_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=40)
    subject_id: int
    root_id: int | None = Field(default=None)
    parent_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("comments.id"), nullable=True)
    )
    depth: int = Field(default=0)
    author_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    body: str = Field(sa_column=Column(Text, nullable=False))
    stance: str | None = Field(default=None, max_length=10)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    edited_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    visibility: str = Field(default="public", sa_column=visibility_column("comments"))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class DiscussionLock(SQLModel, table=True):
    """A moderator closed the discussion on this content: no new comments or replies."""

    __tablename__ = "discussion_locks"

    subject: str = Field(primary_key=True, max_length=40)
    subject_id: int = Field(primary_key=True)
    locked_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    locked_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )


def check_reply_target(
    session: Session, subject: str, subject_id: int, parent_id: int | None
) -> Comment | None:
    """The comment replied to, if any; refuses a reply to a deleted or too deep comment."""
    if parent_id is None:
        return None
    parent = session.get(Comment, parent_id)
    if parent is None or parent.subject != subject or parent.subject_id != subject_id:
        raise Refused(404, gettext("The comment you reply to does not exist."))
    if parent.is_deleted:
        raise Refused(409, gettext("You cannot reply to a deleted comment."))
    if parent.visibility != Visibility.public:
        raise Refused(409, gettext("You cannot reply to a comment hidden by moderation."))
    if parent.depth >= MAX_DEPTH:
        raise Refused(409, gettext("Replies go at most three levels deep."))
    return parent


def do_post_comment(
    session: Session,
    author: User,
    subject: str,
    subject_id: int,
    body: str,
    stance: str | None,
    parent: Comment | None,
) -> Comment:
    check_not_locked(session, subject, subject_id)
    comment = Comment(
        subject=subject,
        subject_id=subject_id,
        parent_id=parent.id if parent else None,
        root_id=parent.root_id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author_id=author.id,
        body=body,
        stance=stance,
    )
    session.add(comment)
    session.flush()
    if comment.root_id is None:
        comment.root_id = comment.id
        session.add(comment)
    return comment


def is_locked(session: Session, subject: str, subject_id: int) -> bool:
    return session.get(DiscussionLock, (subject, subject_id)) is not None


def check_not_locked(session: Session, subject: str, subject_id: int) -> None:
    """Every content type's comments pass here (`do_post_comment`), so a lock holds for all."""
    if is_locked(session, subject, subject_id):
        raise Refused(409, gettext("This discussion was closed by a moderator."))


def check_can_change(comment: Comment, user: User, *, editing: bool) -> None:
    if comment.author_id != user.id:
        raise Refused(403, gettext("Only the author can change this comment."))
    if comment.is_deleted:
        raise Refused(409, gettext("This comment has been deleted."))
    if editing and utcnow() - comment.created_at > EDIT_WINDOW:
        raise Refused(409, gettext("A comment can be edited during 15 minutes only."))


def do_edit_comment(session: Session, comment: Comment, body: str, stance: str | None) -> None:
    comment.body = body
    comment.stance = stance
    comment.edited_at = utcnow()
    session.add(comment)


def do_delete_comment(session: Session, comment: Comment) -> None:
    """The text goes; a placeholder stays so that the replies keep their context."""
    comment.body = ""
    comment.deleted_at = utcnow()
    session.add(comment)


@dataclass
class CommentPage:
    threads: list[Comment]
    replies: dict[int, list[Comment]] = field(default_factory=dict)  # by parent id
    authors: dict[int, str] = field(default_factory=dict)
    next_after: int | None = None
    # Why each comment on the page that is not public is not: its placeholder says so.
    hidden: dict[int, HiddenContent] = field(default_factory=dict)


def comment_page(
    session: Session, subject: str, subject_id: int, after: int = 0, limit: int = PAGE_SIZE
) -> CommentPage:
    """One page of threads, oldest first, with their replies: two indexed queries, no counts."""
    found = list(
        session.exec(
            select(Comment)
            .where(
                Comment.subject == subject,
                Comment.subject_id == subject_id,
                Comment.depth == 0,
                col(Comment.id) > after,
            )
            .order_by(col(Comment.id))
            .limit(limit + 1)
        ).all()
    )
    page = CommentPage(threads=found[:limit])
    if len(found) > limit:
        page.next_after = page.threads[-1].id
    roots = [comment.id for comment in page.threads]
    replies = session.exec(
        select(Comment)
        .where(col(Comment.root_id).in_(roots), Comment.depth > 0)
        .order_by(col(Comment.id))
        .limit(REPLIES_PER_PAGE)
    ).all()
    for reply in replies:
        assert reply.parent_id is not None
        page.replies.setdefault(reply.parent_id, []).append(reply)
    author_ids = {c.author_id for c in [*page.threads, *replies] if c.author_id is not None}
    page.authors = public_names(session, author_ids)
    not_public = [c.id for c in [*page.threads, *replies] if c.visibility != Visibility.public]
    if not_public:
        states = session.exec(
            select(HiddenContent).where(
                HiddenContent.content_type == CONTENT_TYPE,
                col(HiddenContent.content_id).in_(not_public),
            )
        )
        page.hidden = {state.content_id: state for state in states}
    return page


# Comments as content that moderation works on, through the registry.

# Per subject content type ("idea"), how it stores the number of comments it shows; called
# with the number of public comments after one of its comments was hidden or shown again.
_count_keepers: dict[str, Callable[[Session, int, int], None]] = {}


def keep_count(subject: str, store: Callable[[Session, int, int], None]) -> None:
    _count_keepers[subject] = store


def public_count(session: Session, subject: str, subject_id: int) -> int:
    """The comments anyone can read, not deleted: an indexed count of one discussion."""
    statement = (
        select(func.count())
        .select_from(Comment)
        .where(
            Comment.subject == subject,
            Comment.subject_id == subject_id,
            Comment.visibility == Visibility.public.value,
            col(Comment.deleted_at).is_(None),
        )
    )
    return int(session.exec(statement).one())


def _visibility_changed(session: Session, comment_id: int, _visibility: Any) -> None:
    """Recount rather than add or subtract: whatever the comment was before (public, held,
    deleted meanwhile), the count then agrees with the rows."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        return
    store = _count_keepers.get(comment.subject)
    if store is not None:
        count = public_count(session, comment.subject, comment.subject_id)
        store(session, comment.subject_id, count)


def subject_url(comment: Comment) -> str | None:
    """Where the comment is read: its place in the discussion of its subject."""
    kind = content_type(comment.subject)
    return None if kind is None else f"{kind.url(comment.subject_id)}#comment-{comment.id}"


def _title(session: Session, comment_id: int) -> str | None:
    comment = session.get(Comment, comment_id)
    return None if comment is None else plain_text(comment.body, TITLE_LENGTH)


def _text(session: Session, comment_id: int) -> str:
    comment = session.get(Comment, comment_id)
    return "" if comment is None else comment.body


register(
    ContentType(
        name=CONTENT_TYPE,
        label=lambda: gettext("comment"),
        title=_title,
        url=lambda comment_id: f"/comments/{comment_id}",
        model=Comment,
        text=_text,
        visibility_changed=_visibility_changed,
    )
)
