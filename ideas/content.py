"""Ideas in the content registry, so shared machinery (comments, follows, notifications,
moderation) can show, link and hide them without importing this package.

Hiding an idea changes only its `visibility` column: every list, the search, the map and the
API filter on it, so the search index keeps its terms and a restored idea is found again at
once, with nothing to rebuild.
"""

from __future__ import annotations

from sqlmodel import Session

from ideas.actions import SUBJECT, idea_url, store_comment_count
from ideas.models import Idea
from participation import comments
from participation.content import ContentType, register
from participation.i18n import gettext


def _title(session: Session, idea_id: int) -> str | None:
    idea = session.get(Idea, idea_id)
    return idea.title if idea else None


def _text(session: Session, idea_id: int) -> str:
    idea = session.get(Idea, idea_id)
    return f"{idea.title}\n\n{idea.body}" if idea else ""


register(
    ContentType(
        name=SUBJECT,
        label=lambda: gettext("idea"),
        title=_title,
        url=idea_url,
        model=Idea,
        text=_text,
        has_discussion=True,
    )
)
comments.keep_count(SUBJECT, store_comment_count)
