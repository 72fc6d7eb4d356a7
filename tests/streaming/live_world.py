"""What the live page's and the minutes' tests build a session with: the chair's console
actions (`streaming.console`) and the voting actions, each in its own transaction as the
console's requests would run them."""

from __future__ import annotations

from participation.database import Database
from participation.models import User
from streaming import console
from streaming.state import LiveState, load_state
from voting import actions


def set_current(db: Database, chair: User, meeting_id: int, item_id: int) -> None:
    with db.write() as session:
        console.do_set_current_item(session, chair, meeting_id, item_id)


def request_floor(db: Database, member: User, meeting_id: int) -> int:
    with db.write() as session:
        request = console.do_request_floor(session, member, meeting_id)
    assert request.id is not None
    return request.id


def grant_floor(db: Database, chair: User, request_id: int) -> None:
    with db.write() as session:
        console.do_grant_floor(session, chair, request_id)


def set_video(db: Database, chair: User, meeting_id: int, kind: str, url: str) -> None:
    with db.write() as session:
        console.do_update_live_settings(session, chair, meeting_id, kind, url, 120)


def end(db: Database, chair: User, meeting_id: int) -> None:
    with db.write() as session:
        actions.do_end_session(session, chair, meeting_id)


def state_of(db: Database, meeting_id: int) -> LiveState:
    with db.read() as session:
        return load_state(session, meeting_id)
