"""Moderation: reports, cases, the log, sanctions, appeals, watch words; content visibility,
discussion locks, and muted or banned accounts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hidden_content",
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reason IS NULL OR reason IN ('spam', 'insult', 'personal_data', 'off_topic', 'other')",
            name="ck_hidden_reason",
        ),
        sa.CheckConstraint(
            "visibility IN ('public', 'held', 'hidden', 'auto_hidden')", name="ck_hidden_visibility"
        ),
        sa.PrimaryKeyConstraint("content_type", "content_id"),
    )
    op.create_table(
        "discussion_locks",
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["locked_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("subject", "subject_id"),
    )
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=32), nullable=True),
        sa.Column("content_id", sa.Integer(), nullable=True),
        sa.Column("target_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('hide', 'restore', 'dismiss', 'lock', 'unlock', 'auto_hide', 'hold', "
            "'release', 'warn', 'mute', 'unmute', 'ban', 'unban', 'appeal_granted', "
            "'appeal_rejected')",
            name="ck_actions_action",
        ),
        sa.CheckConstraint(
            "reason IS NULL OR reason IN ('spam', 'insult', 'personal_data', 'off_topic', 'other')",
            name="ck_actions_reason",
        ),
        sa.ForeignKeyConstraint(["moderator_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["target_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_actions_content", ["content_type", "content_id", "id"], unique=False
        )
        batch_op.create_index("ix_actions_created", ["created_at"], unique=False)
        batch_op.create_index("ix_actions_target", ["target_user_id", "id"], unique=False)

    op.create_table(
        "moderation_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("open_reports", sa.Integer(), nullable=False),
        sa.Column("last_reason", sa.String(length=20), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_cases_status"),
        sa.CheckConstraint("open_reports >= 0", name="ck_cases_open_reports"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_type", "content_id", name="uq_cases_content"),
    )
    with op.batch_alter_table("moderation_cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_author", ["author_id"], unique=False)
        batch_op.create_index(
            "ix_cases_queue", ["status", "open_reports", "opened_at"], unique=False
        )
        batch_op.create_index(
            "ix_cases_type_queue",
            ["status", "content_type", "open_reports", "opened_at"],
            unique=False,
        )

    op.create_table(
        "moderation_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "reason IN ('spam', 'insult', 'personal_data', 'off_topic', 'other')",
            name="ck_reports_reason",
        ),
        sa.CheckConstraint("status IN ('open', 'upheld', 'dismissed')", name="ck_reports_status"),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "content_type", "content_id", "reporter_id", name="uq_reports_reporter"
        ),
    )
    with op.batch_alter_table("moderation_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_content", ["content_type", "content_id", "status"], unique=False
        )

    op.create_table(
        "moderation_sanctions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("hide_content", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind <> 'mute' OR ends_at IS NOT NULL", name="ck_sanctions_mute_end"),
        sa.CheckConstraint("kind IN ('warn', 'mute', 'ban')", name="ck_sanctions_kind"),
        sa.CheckConstraint(
            "reason IN ('spam', 'insult', 'personal_data', 'off_topic', 'other')",
            name="ck_sanctions_reason",
        ),
        sa.ForeignKeyConstraint(["moderator_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("moderation_sanctions", schema=None) as batch_op:
        batch_op.create_index("ix_sanctions_due", ["kind", "ended_at", "ends_at"], unique=False)
        batch_op.create_index("ix_sanctions_user", ["user_id", "id"], unique=False)

    op.create_table(
        "moderation_watch_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=80), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("word"),
    )
    op.create_table(
        "moderation_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("appellant_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'granted', 'rejected')", name="ck_appeals_status"),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["moderation_actions.id"],
        ),
        sa.ForeignKeyConstraint(["appellant_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("action_id", name="uq_appeals_action"),
    )
    with op.batch_alter_table("moderation_appeals", schema=None) as batch_op:
        batch_op.create_index("ix_appeals_status", ["status", "id"], unique=False)

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=12), server_default="public", nullable=False)
        )
        batch_op.create_check_constraint(
            "ck_comments_visibility", "visibility IN ('public', 'held', 'hidden', 'auto_hidden')"
        )

    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=12), server_default="public", nullable=False)
        )
        batch_op.create_check_constraint(
            "ck_ideas_visibility", "visibility IN ('public', 'held', 'hidden', 'auto_hidden')"
        )

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("muted_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("banned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=12), server_default="public", nullable=False)
        )
        batch_op.create_check_constraint(
            "ck_users_visibility", "visibility IN ('public', 'held', 'hidden', 'auto_hidden')"
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("visibility")
        batch_op.drop_column("banned_at")
        batch_op.drop_column("muted_until")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("source_id")
        batch_op.drop_column("source_type")

    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_column("visibility")

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("visibility")

    with op.batch_alter_table("moderation_appeals", schema=None) as batch_op:
        batch_op.drop_index("ix_appeals_status")

    op.drop_table("moderation_appeals")
    op.drop_table("moderation_watch_words")
    with op.batch_alter_table("moderation_sanctions", schema=None) as batch_op:
        batch_op.drop_index("ix_sanctions_user")
        batch_op.drop_index("ix_sanctions_due")

    op.drop_table("moderation_sanctions")
    with op.batch_alter_table("moderation_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_content")

    op.drop_table("moderation_reports")
    with op.batch_alter_table("moderation_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_type_queue")
        batch_op.drop_index("ix_cases_queue")
        batch_op.drop_index("ix_cases_author")

    op.drop_table("moderation_cases")
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_target")
        batch_op.drop_index("ix_actions_created")
        batch_op.drop_index("ix_actions_content")

    op.drop_table("moderation_actions")
    op.drop_table("discussion_locks")
    op.drop_table("hidden_content")
