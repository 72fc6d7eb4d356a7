"""Live council sessions: the per-meeting event log and its counter, the current item and
video settings, the speakers' queue, and the pause of a meeting.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_sessions",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("current_item_id", sa.Integer(), nullable=True),
        sa.Column("video_kind", sa.String(length=10), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("speaking_limit_seconds", sa.Integer(), nullable=False),
        sa.CheckConstraint("video_kind IN ('none', 'hls', 'embed')", name="ck_live_sessions_video"),
        sa.ForeignKeyConstraint(["current_item_id"], ["agenda_items.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_table(
        "meeting_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "seq", name="uq_meeting_events_seq"),
    )
    op.create_table(
        "speaker_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("mandate_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'speaking', 'done', 'withdrawn', 'removed')",
            name="ck_speaker_requests_status",
        ),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["mandate_id"], ["mandates.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("speaker_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_speaker_requests_queue", ["meeting_id", "status", "requested_at"], unique=False
        )
        batch_op.create_index(
            "uq_speaker_requests_open",
            ["meeting_id", "mandate_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('waiting', 'speaking')"),
            postgresql_where=sa.text("status IN ('waiting', 'speaking')"),
        )

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("paused_at")

    with op.batch_alter_table("speaker_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_speaker_requests_open",
            sqlite_where=sa.text("status IN ('waiting', 'speaking')"),
            postgresql_where=sa.text("status IN ('waiting', 'speaking')"),
        )
        batch_op.drop_index("ix_speaker_requests_queue")

    op.drop_table("speaker_requests")
    op.drop_table("meeting_events")
    op.drop_table("live_sessions")
