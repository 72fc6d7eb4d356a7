"""Collaboration pacts: organisations and their members, pacts, requested and granted
resources, the timeline, pact texts in versions, progress reports and photos.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('informal_group', 'association', 'school', 'company')",
            name="ck_organisations_kind",
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "organisation_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "user_id", name="uq_organisation_members"),
    )
    with op.batch_alter_table("organisation_members", schema=None) as batch_op:
        batch_op.create_index("ix_organisation_members_user", ["user_id"], unique=False)

    op.create_table(
        "pacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("commitments", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=120), nullable=False),
        sa.Column("consultation_days", sa.Integer(), nullable=False),
        sa.Column("consultation_opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consultation_closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("advice_response", sa.Text(), nullable=False),
        sa.Column("city_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("city_signed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposer_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposer_signed_by_id", sa.Integer(), nullable=True),
        sa.Column("final_report", sa.Text(), nullable=False),
        sa.Column("comment_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("visibility", sa.String(length=12), server_default="public", nullable=False),
        sa.CheckConstraint(
            "visibility IN ('public', 'held', 'hidden', 'auto_hidden')", name="ck_pacts_visibility"
        ),
        sa.CheckConstraint(
            "category IN ('green_space', 'cleaning', 'graffiti', 'furniture', 'social', "
            "'culture', 'other')",
            name="ck_pacts_category",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'in_assessment', 'changes_requested', 'rejected', "
            "'consultation', 'awaiting_signatures', 'active', 'completed', 'ended')",
            name="ck_pacts_status",
        ),
        sa.CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)", name="ck_pacts_lat_lng_together"
        ),
        sa.CheckConstraint("consultation_days BETWEEN 1 AND 90", name="ck_pacts_consultation_days"),
        sa.CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="ck_pacts_lat"),
        sa.CheckConstraint(
            "longitude IS NULL OR longitude BETWEEN -180 AND 180", name="ck_pacts_lng"
        ),
        sa.CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on", name="ck_pacts_period"
        ),
        sa.ForeignKeyConstraint(["assessor_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["city_signed_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["proposer_signed_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pacts", schema=None) as batch_op:
        batch_op.create_index("ix_pacts_author", ["author_id"], unique=False)
        batch_op.create_index("ix_pacts_category", ["category", "id"], unique=False)
        batch_op.create_index(
            "ix_pacts_consultation_due", ["status", "consultation_closes_at"], unique=False
        )
        batch_op.create_index("ix_pacts_place", ["latitude", "longitude"], unique=False)
        batch_op.create_index("ix_pacts_status", ["status", "id"], unique=False)

    op.create_table(
        "pact_progress_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pact_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("by_city", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("visibility", sa.String(length=12), server_default="public", nullable=False),
        sa.CheckConstraint(
            "visibility IN ('public', 'held', 'hidden', 'auto_hidden')",
            name="ck_pact_progress_reports_visibility",
        ),
        sa.CheckConstraint("hours IS NULL OR hours >= 0", name="ck_pact_progress_hours"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["pact_id"], ["pacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pact_progress_reports", schema=None) as batch_op:
        batch_op.create_index("ix_pact_progress_pact", ["pact_id", "id"], unique=False)

    op.create_table(
        "pact_resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pact_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("budget_eur", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("city_note", sa.String(length=1000), nullable=False),
        sa.CheckConstraint(
            "decision IN ('requested', 'granted', 'refused')", name="ck_pact_resources_decision"
        ),
        sa.CheckConstraint(
            "kind IN ('materials', 'space', 'technical_advice', 'budget')",
            name="ck_pact_resources_kind",
        ),
        sa.CheckConstraint(
            "budget_eur IS NULL OR budget_eur >= 0", name="ck_pact_resources_budget"
        ),
        sa.ForeignKeyConstraint(["pact_id"], ["pacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pact_resources", schema=None) as batch_op:
        batch_op.create_index("ix_pact_resources_pact", ["pact_id", "position"], unique=False)

    op.create_table(
        "pact_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["pact_id"], ["pacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pact_steps", schema=None) as batch_op:
        batch_op.create_index("ix_pact_steps_pact", ["pact_id", "id"], unique=False)

    op.create_table(
        "pact_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pact_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["pact_id"], ["pacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pact_id", "version", name="uq_pact_texts_version"),
    )
    op.create_table(
        "pact_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pact_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("thumb_name", sa.String(length=200), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pact_id"], ["pacts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_id"], ["pact_progress_reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pact_photos", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pact_photos_pact", ["pact_id", "report_id", "position"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pact_photos", schema=None) as batch_op:
        batch_op.drop_index("ix_pact_photos_pact")

    op.drop_table("pact_photos")
    op.drop_table("pact_texts")
    with op.batch_alter_table("pact_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_pact_steps_pact")

    op.drop_table("pact_steps")
    with op.batch_alter_table("pact_resources", schema=None) as batch_op:
        batch_op.drop_index("ix_pact_resources_pact")

    op.drop_table("pact_resources")
    with op.batch_alter_table("pact_progress_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_pact_progress_pact")

    op.drop_table("pact_progress_reports")
    with op.batch_alter_table("pacts", schema=None) as batch_op:
        batch_op.drop_index("ix_pacts_status")
        batch_op.drop_index("ix_pacts_place")
        batch_op.drop_index("ix_pacts_consultation_due")
        batch_op.drop_index("ix_pacts_category")
        batch_op.drop_index("ix_pacts_author")

    op.drop_table("pacts")
    with op.batch_alter_table("organisation_members", schema=None) as batch_op:
        batch_op.drop_index("ix_organisation_members_user")

    op.drop_table("organisation_members")
    op.drop_table("organisations")
