"""After the session the log becomes a public timeline and a draft of the minutes: each item
with its start time (also relative to the session's start, to link the video recording per
item), who spoke, and each ballot with its result and named votes.

Everything is read from the log as it was announced, in one pass: speakers' names from their
requests, their item from the last `item.current` before them. Items in closed session stay
out of the public record, with everything said or voted while they were current.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from participation.i18n import format_datetime, gettext
from streaming.log import events_after
from streaming.models import LiveSession, MeetingEvent
from voting.models import CHOICES, AgendaItem, Meeting, label


@dataclass(frozen=True)
class Voter:
    name: str
    group: str

    def __str__(self) -> str:
        return f"{self.name} ({self.group})" if self.group else self.name


@dataclass(frozen=True)
class Moment:
    """One event of the timeline, in words."""

    at: dt.datetime
    offset: int | None  # seconds since the session started; None before it
    text: str


@dataclass(frozen=True)
class BallotRecord:
    at: dt.datetime
    outcome: str
    tally: dict[str, int]
    present: int
    in_office: int
    secret: bool
    votes: list[tuple[str, list[Voter]]]  # per choice, in the order of CHOICES
    recused: list[Voter]


@dataclass
class ItemRecord:
    id: int
    number: int
    title: str
    started_at: dt.datetime | None = None
    offset: int | None = None
    speakers: list[tuple[Moment, Voter]] = field(default_factory=list)
    ballots: list[BallotRecord] = field(default_factory=list)


@dataclass(frozen=True)
class Minutes:
    meeting_id: int
    title: str
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    video_url: str
    timeline: list[Moment]
    items: list[ItemRecord]

    def video_at(self, offset: int | None) -> str:
        """The recording at this moment (a media fragment), if there is a recording."""
        if not self.video_url or offset is None:
            return ""
        return f"{self.video_url}#t={offset}"


def clock(offset: int | None) -> str:
    """Seconds since the start as HH:MM:SS."""
    if offset is None:
        return ""
    hours, rest = divmod(offset, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _voters(rows: list[dict[str, str]]) -> list[Voter]:
    return [Voter(row["name"], row.get("group", "")) for row in rows]


class _Reader:
    """Walks the log once, keeping what later events refer back to."""

    def __init__(self, items: dict[int, ItemRecord], hidden: set[int]) -> None:
        self.items = items
        self.hidden = hidden
        self.current: int | None = None
        self.started: dt.datetime | None = None
        self.speakers: dict[int, Voter] = {}
        self.secret: dict[int, bool] = {}
        self.timeline: list[Moment] = []

    def offset(self, at: dt.datetime) -> int | None:
        if self.started is None or at < self.started:
            return None
        return int((at - self.started).total_seconds())

    def read(self, event: MeetingEvent) -> None:
        data: dict[str, Any] = json.loads(event.data)
        item_id = data.get("item_id", event.item_id)
        if event.type == "item.current":
            self.current = item_id
        if event.type == "session.started" and self.started is None:
            self.started = event.created_at
        closed = item_id in self.hidden
        if closed or (event.type.startswith("speaker.") and self.current in self.hidden):
            return  # in closed session: the public record skips it
        text = self.words(event, data, item_id)
        if text:
            self.timeline.append(Moment(event.created_at, self.offset(event.created_at), text))

    def _speaker(self, data: dict[str, Any]) -> Voter:
        return self.speakers.get(data["request_id"], Voter(gettext("A member"), ""))

    def words(self, event: MeetingEvent, data: dict[str, Any], item_id: int | None) -> str:
        """The event in words, recording items, speakers and ballots on the way; "" for an
        event the timeline leaves out (a running tally, a video setting)."""
        at = event.created_at
        kind = event.type
        simple = {
            "session.started": gettext("The session started."),
            "session.paused": gettext("The session was paused."),
            "session.resumed": gettext("The session resumed."),
            "session.ended": gettext("The session ended."),
        }
        if kind in simple:
            return simple[kind]
        if kind == "attendance":
            return gettext("Members present: %(count)s.") % {"count": data["present"]}
        item = self.items.get(item_id) if item_id is not None else None
        if kind == "item.current" and item is not None:
            if item.started_at is None:
                item.started_at, item.offset = at, self.offset(at)
            return gettext("Item %(number)s: %(title)s.") % {
                "number": item.number,
                "title": item.title,
            }
        if kind in ("speaker.requested", "speaker.granted"):
            self.speakers[data["request_id"]] = Voter(data["name"], data.get("group", ""))
        if kind.startswith("speaker."):
            return self._speaking(kind, data, at)
        if kind == "ballot.opened" and item is not None:
            self.secret[item.id] = bool(data.get("secret"))
            return gettext("The vote on item %(number)s opened.") % {"number": item.number}
        if kind == "ballot.closed" and item is not None:
            ballot = self._ballot(item, data, at)
            item.ballots.append(ballot)
            return gettext("The vote on item %(number)s closed: %(outcome)s (%(tally)s).") % {
                "number": item.number,
                "outcome": label(ballot.outcome),
                "tally": "–".join(str(ballot.tally[c]) for c in CHOICES),
            }
        return ""

    def _speaking(self, kind: str, data: dict[str, Any], at: dt.datetime) -> str:
        speaker = self._speaker(data)
        if kind == "speaker.granted" and self.current in self.items:
            moment = Moment(at, self.offset(at), str(speaker))
            self.items[self.current].speakers.append((moment, speaker))
        messages = {
            "speaker.requested": gettext("%(name)s asked for the floor."),
            "speaker.granted": gettext("%(name)s has the floor."),
            "speaker.finished": gettext("%(name)s finished speaking."),
            "speaker.withdrawn": gettext("%(name)s withdrew their request to speak."),
            "speaker.removed": gettext("The chair took %(name)s off the list of speakers."),
        }
        return messages[kind] % {"name": speaker} if kind in messages else ""

    def _ballot(self, item: ItemRecord, data: dict[str, Any], at: dt.datetime) -> BallotRecord:
        votes = data.get("votes", {})
        return BallotRecord(
            at=at,
            outcome=data["outcome"],
            tally={choice: int(data["tally"].get(choice) or 0) for choice in CHOICES},
            present=int(data.get("present") or 0),
            in_office=int(data.get("in_office") or 0),
            secret=self.secret.get(item.id, False),
            votes=[(choice, _voters(votes.get(choice, []))) for choice in CHOICES] if votes else [],
            recused=_voters(data.get("recused", [])),
        )


def load_minutes(session: Session, meeting: Meeting, *, include_closed: bool = False) -> Minutes:
    """The record of the meeting so far; `include_closed` for the council and the clerks."""
    assert meeting.id is not None
    agenda = list(
        session.scalars(
            select(AgendaItem)
            .where(col(AgendaItem.meeting_id) == meeting.id)
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        )
    )
    shown = [item for item in agenda if include_closed or not item.closed_session]
    items = {item.id: ItemRecord(item.id, item.position, item.title) for item in shown if item.id}
    hidden = {item.id for item in agenda if item.id is not None and item.id not in items}
    reader = _Reader(items, hidden)
    for event in events_after(session, meeting.id, 0):
        reader.read(event)
    live = session.get(LiveSession, meeting.id)
    video = live.video_url if live is not None else ""
    return Minutes(
        meeting_id=meeting.id,
        title=meeting.title,
        started_at=reader.started or meeting.started_at,
        ended_at=meeting.ended_at,
        video_url=video if video.lower().startswith(("http://", "https://")) else "",
        timeline=reader.timeline,
        items=list(items.values()),
    )


# Only what marks up text inside a line: user text never starts a line of the file.
_MARKDOWN_SPECIAL = str.maketrans({char: f"\\{char}" for char in "\\`*_[]<>|~&"})


def _md(text: str) -> str:
    """User text as literal Markdown: no markup, no raw HTML, whoever reads the file."""
    return " ".join(text.split()).translate(_MARKDOWN_SPECIAL)


def _when(value: dt.datetime | None, zone: dt.tzinfo) -> str:
    return format_datetime(value, zone, "HH:mm:ss") if value is not None else ""


def as_markdown(minutes: Minutes, zone: dt.tzinfo) -> str:
    """The draft minutes for the secretary to edit, in the request's language."""
    lines = [f"# {_md(minutes.title)}", ""]
    if minutes.started_at is not None:
        started = format_datetime(minutes.started_at, zone, "EEEE d MMMM y, HH:mm")
        lines += [gettext("Session started: %(when)s") % {"when": started}, ""]
    for item in minutes.items:
        lines += [f"## {item.number}. {_md(item.title)}", ""]
        if item.started_at is not None:
            start = gettext("Started at %(time)s (%(offset)s into the session)") % {
                "time": _when(item.started_at, zone),
                "offset": clock(item.offset),
            }
            video = minutes.video_at(item.offset)
            lines += [f"{start} <{video}>" if video else start, ""]
        if item.speakers:
            lines += [f"### {gettext('Speakers')}", ""]
            lines += [f"- {clock(m.offset)} {_md(str(who))}" for m, who in item.speakers]
            lines.append("")
        for ballot in item.ballots:
            lines += _ballot_markdown(ballot)
    lines += [f"## {gettext('Timeline')}", ""]
    lines += [f"- {clock(m.offset) or _when(m.at, zone)} {_md(m.text)}" for m in minutes.timeline]
    return "\n".join(lines) + "\n"


def _ballot_markdown(ballot: BallotRecord) -> list[str]:
    counts = ", ".join(f"{label(c)} {ballot.tally[c]}" for c in CHOICES)
    lines = [f"### {gettext('Vote')}: {label(ballot.outcome)} ({counts})", ""]
    if ballot.secret:
        lines += [gettext("Secret ballot: only the totals are recorded, not who voted what."), ""]
    for choice, voters in ballot.votes:
        names = ", ".join(_md(str(voter)) for voter in voters) or "–"
        lines.append(f"- {label(choice)} ({len(voters)}): {names}")
    if ballot.recused:
        names = ", ".join(_md(str(voter)) for voter in ballot.recused)
        lines.append(f"- {gettext('Declared a conflict of interest')}: {names}")
    return [*lines, ""]
