"""The database of bench/live.py, on SQLite or PostgreSQL: migrated by the real migrations and
filled through the real actions. A clerk (who chairs), a published meeting with two agenda
items, and its session started: the chair's `POST /meetings/{id}/current-item` then switches
between the two items, each time one `item.current` event in the meeting's log."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from bench._seed import analyze
from participation import migrate
from participation.actions import do_create_user
from participation.database import Database, utcnow
from participation.models import Role
from streaming.log import last_seq
from streaming.models import LiveSession
from voting.actions import do_add_item, do_create_meeting, do_publish_meeting, do_start_session
from voting.forms import ItemDraft, MeetingDraft

CLERK_EMAIL = "griffier@demostad.example"
TITLES = ("Heraanleg van het Marktplein", "Nieuw zwembad aan de Watersportbaan")


@dataclass(frozen=True)
class Item:
    id: int
    number: int
    title: str


@dataclass(frozen=True)
class LiveSeed:
    clerk_id: int
    password: str
    meeting_id: int
    items: tuple[Item, ...]

    @property
    def json_path(self) -> str:
        return f"/api/v1/meetings/{self.meeting_id}/live"

    def message(self, seq: int, item: Item) -> str:
        """The JSON API's message for the `item.current` event `seq` (as streaming.feed
        splices it), which the bare baseline broadcasts in its stead."""
        data = {"item_id": item.id, "number": item.number, "title": item.title}
        encoded = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return f'{{"seq":{seq},"type":"item.current","data":{encoded}}}'


def seed(url: str) -> LiveSeed:
    """Migrate the empty database at `url` and fill it."""
    migrate.upgrade(url)
    password = "bench-clerk-" + secrets.token_hex(8)
    db = Database(url)
    try:
        with db.write() as session:
            clerk = do_create_user(
                session,
                email=CLERK_EMAIL,
                display_name="Griffier",
                password=password,
                roles=(Role.clerk,),
                verified=True,
            )
            assert clerk.id is not None
            draft = MeetingDraft("Gemeenteraad, benchmark", utcnow(), "Raadzaal", None)
            meeting = do_create_meeting(session, clerk, draft)
            assert meeting.id is not None
            do_publish_meeting(session, clerk, meeting.id)
            items = []
            for title in TITLES:
                item = do_add_item(session, clerk, meeting.id, ItemDraft(title, "Het dossier."))
                assert item.id is not None
                items.append(Item(item.id, item.position, item.title))
            do_start_session(session, clerk, meeting.id)
        analyze(db)
    finally:
        db.dispose()
    return LiveSeed(clerk.id, password, meeting.id, tuple(items))


def log_now(url: str, meeting_id: int) -> tuple[int, int | None]:
    """The meeting's last sequence number and its current item, as the log stands."""
    db = Database(url)
    try:
        with db.read() as session:
            live = session.get(LiveSession, meeting_id)
            return last_seq(session, meeting_id), live.current_item_id if live else None
    finally:
        db.dispose()
