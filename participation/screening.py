"""Screening at posting time: may new or edited content be public at once?

The shell does not know the rules (word lists, new accounts, links: moderation's settings);
each feature's `hooks` module may offer `screen_content`, and one that answers "held" keeps
the content from the public until a moderator has looked at it. Posting still succeeds: the
author sees their content with a note, the public does not see it yet.
"""

from __future__ import annotations

from sqlmodel import Session

from participation.features import feature_modules
from participation.models import User
from participation.settings import Settings
from participation.visibility import Visibility, set_visibility


def screen_new_content(
    session: Session,
    settings: Settings,
    author: User,
    content_type: str,
    content_id: int,
    text: str,
) -> Visibility:
    """Ask every feature's `screen_content` hook, in the posting transaction; hold the content
    if one says so. Returns the content's visibility after screening."""
    for module in feature_modules("hooks"):
        screen = getattr(module, "screen_content", None)
        if screen is None:
            continue
        verdict = screen(session, settings, author, content_type, content_id, text)
        if verdict == Visibility.held:
            set_visibility(session, content_type, content_id, Visibility.held, None)
            return Visibility.held
    return Visibility.public
