"""Notification email: per-kind preferences, what each notification is due, digest runs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PENDING = "emailed_at IS NULL AND email_due IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "frequency IN ('off', 'immediately', 'daily', 'weekly')",
            name="ck_notification_preferences_frequency",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),
    )
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("frequency IN ('daily', 'weekly')", name="ck_digest_runs_frequency"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("frequency", "period_start", name="uq_digest_runs_period"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_due", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            "ck_notifications_email_due",
            "email_due IS NULL OR email_due IN ('immediately', 'daily', 'weekly')",
        )
        batch_op.create_index(
            "ix_notifications_email_pending",
            ["email_due", "created_at"],
            unique=False,
            sqlite_where=sa.text(PENDING),
            postgresql_where=sa.text(PENDING),
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_email_pending")
        batch_op.drop_constraint("ck_notifications_email_due", type_="check")
        batch_op.drop_column("emailed_at")
        batch_op.drop_column("email_due")

    op.drop_table("digest_runs")
    op.drop_table("notification_preferences")
