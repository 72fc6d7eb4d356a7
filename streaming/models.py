"""The live session of a meeting: its event log (the truth that the websockets show), the
current item and video settings, and the speakers' queue."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from participation.database import UTCDateTime, one_of, utcnow
from participation.i18n import N_, gettext


class VideoKind(enum.StrEnum):
    none = "none"
    hls = "hls"  # an HLS stream played with hls.js on our page
    embed = "embed"  # a third party's player in an iframe, loaded only after a click


class SpeakerStatus(enum.StrEnum):
    waiting = "waiting"
    speaking = "speaking"
    done = "done"
    withdrawn = "withdrawn"  # the member took back their request
    removed = "removed"  # the chair took it off the queue


OPEN_SPEAKER_STATUSES = (SpeakerStatus.waiting.value, SpeakerStatus.speaking.value)
_OPEN_SPEAKERS = one_of("status", OPEN_SPEAKER_STATUSES)

_VIDEO_LABELS: dict[str, str] = {
    VideoKind.none: N_("No video"),
    VideoKind.hls: N_("Live stream (HLS)"),
    VideoKind.embed: N_("Embedded player"),
}


def video_label(kind: str) -> str:
    return gettext(_VIDEO_LABELS[kind])


def _values(kind: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column[int]:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable)


class LiveSession(SQLModel, table=True):
    """One row per meeting that has a live log. `last_seq` is the log's counter: each event
    takes the next number with `UPDATE ... SET last_seq = last_seq + 1 RETURNING`, in the
    transaction of the change, so numbers are gap-free and in commit order per meeting."""

    __tablename__ = "live_sessions"
    __table_args__ = (
        CheckConstraint(one_of("video_kind", _values(VideoKind)), name="ck_live_sessions_video"),
    )

    meeting_id: int = Field(
        sa_column=Column(Integer, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    )
    last_seq: int = Field(default=0)
    current_item_id: int | None = Field(
        default=None, sa_column=_fk("agenda_items.id", nullable=True, ondelete="SET NULL")
    )
    video_kind: str = Field(default=VideoKind.none.value, max_length=10)
    video_url: str = Field(default="", max_length=500)
    # 0: no limit. The chair's console and the public page count down from it.
    speaking_limit_seconds: int = Field(default=0)


class MeetingEvent(SQLModel, table=True):
    """One step of a live session: `data` is the JSON sent to viewers as is."""

    __tablename__ = "meeting_events"
    __table_args__ = (UniqueConstraint("meeting_id", "seq", name="uq_meeting_events_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=_fk("meetings.id"))
    seq: int
    type: str = Field(max_length=40)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    item_id: int | None = Field(
        default=None, sa_column=_fk("agenda_items.id", nullable=True, ondelete="SET NULL")
    )
    actor_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
    # False for what happens about a closed-session item (its ballot, who spoke): the minutes
    # show it to members and clerks; the public live streams and pages never.
    public: bool = Field(default=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SpeakerRequest(SQLModel, table=True):
    """A member asking for the floor. At most one open (waiting or speaking) request per
    member per meeting, enforced by a partial unique index, so a double tap queues once."""

    __tablename__ = "speaker_requests"
    __table_args__ = (
        CheckConstraint(
            one_of("status", _values(SpeakerStatus)), name="ck_speaker_requests_status"
        ),
        Index("ix_speaker_requests_queue", "meeting_id", "status", "requested_at"),
        Index(
            "uq_speaker_requests_open",
            "meeting_id",
            "mandate_id",
            unique=True,
            sqlite_where=text(_OPEN_SPEAKERS),
            postgresql_where=text(_OPEN_SPEAKERS),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=_fk("meetings.id"))
    mandate_id: int = Field(sa_column=_fk("mandates.id"))
    item_id: int | None = Field(
        default=None, sa_column=_fk("agenda_items.id", nullable=True, ondelete="SET NULL")
    )
    status: str = Field(default=SpeakerStatus.waiting.value, max_length=10)
    requested_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set when the clerk put a member without a device on the queue.
    recorded_by_id: int | None = Field(
        default=None, sa_column=_fk("users.id", nullable=True, ondelete="SET NULL")
    )
