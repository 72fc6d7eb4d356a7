"""Ideas and their comments in the content registry, so shared machinery can show and link them."""

from __future__ import annotations

from sqlmodel import Session

from ideas.models import Idea
from participation.content import ContentType, register
from participation.i18n import gettext


def _title(session: Session, idea_id: int) -> str | None:
    idea = session.get(Idea, idea_id)
    return idea.title if idea else None


register(
    ContentType(
        name="idea",
        label=lambda: gettext("idea"),
        title=_title,
        url=lambda idea_id: f"/ideas/{idea_id}",
    )
)
