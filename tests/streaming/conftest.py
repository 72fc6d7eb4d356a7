"""Live-session fixtures: the council, meeting and items of the voting tests, built through the
same actions (see `tests/voting/agenda_world.py`)."""

from __future__ import annotations

from tests.voting.conftest import (
    browser,
    clerk,
    council_members,
    english_messages,
    in_session,
    item,
    meeting,
    resident,
)

__all__ = [
    "browser",
    "clerk",
    "council_members",
    "english_messages",
    "in_session",
    "item",
    "meeting",
    "resident",
]
