"""Problem reports (departments, categories, reports, photos, "me too", the timeline) and
residents' questions to the council (an agenda item kind and the questions).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "department_workers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("department_id", "user_id", name="uq_department_workers_user"),
    )
    op.create_table(
        "problem_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name_nl", sa.String(length=80), nullable=False),
        sa.Column("name_fr", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("handling_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "problem_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("neighbourhood", sa.String(length=80), nullable=False),
        sa.Column("contact", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("me_too_count", sa.Integer(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("reporter_confirmed", sa.Boolean(), nullable=True),
        sa.Column("visibility", sa.String(length=12), server_default="public", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("contact IN ('none', 'email')", name="ck_problem_reports_contact"),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'in_progress', 'fixed', 'not_ours', 'rejected')",
            name="ck_problem_reports_status",
        ),
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name="ck_problem_reports_lat"),
        sa.CheckConstraint("longitude BETWEEN -180 AND 180", name="ck_problem_reports_lng"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["category_id"], ["problem_categories.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["merged_into_id"], ["problem_reports.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("problem_reports", schema=None) as batch_op:
        batch_op.create_index("ix_problem_reports_author", ["author_id"], unique=False)
        batch_op.create_index(
            "ix_problem_reports_category", ["category_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_problem_reports_neighbourhood", ["neighbourhood", "status"], unique=False
        )
        batch_op.create_index("ix_problem_reports_place", ["latitude", "longitude"], unique=False)
        batch_op.create_index(
            "ix_problem_reports_queue",
            ["department_id", "status", "created_at", "id"],
            unique=False,
        )

    op.create_table(
        "council_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("name_shown", sa.Boolean(), nullable=False),
        sa.Column("attending", sa.Boolean(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answer_seconds", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("reaction", sa.Text(), nullable=False),
        sa.Column("reacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'refused', 'scheduled', 'answered', 'withdrawn')",
            name="ck_council_questions_status",
        ),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id"),
    )
    with op.batch_alter_table("council_questions", schema=None) as batch_op:
        batch_op.create_index("ix_council_questions_author", ["author_id"], unique=False)
        batch_op.create_index("ix_council_questions_status", ["status", "created_at"], unique=False)

    op.create_table(
        "problem_me_too",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["problem_reports.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "user_id", name="uq_problem_me_too_user"),
    )
    op.create_table(
        "problem_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("thumb_name", sa.String(length=200), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('report', 'fix')", name="ck_problem_photos_kind"),
        sa.ForeignKeyConstraint(["checked_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["report_id"], ["problem_reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("problem_photos", schema=None) as batch_op:
        batch_op.create_index("ix_problem_photos_report", ["report_id", "id"], unique=False)

    op.create_table(
        "problem_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["report_id"], ["problem_reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("problem_updates", schema=None) as batch_op:
        batch_op.create_index("ix_problem_updates_report", ["report_id", "id"], unique=False)

    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), server_default="regular", nullable=False)
        )
        batch_op.create_check_constraint("ck_agenda_items_kind", "kind IN ('regular', 'question')")


def downgrade() -> None:
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_constraint("ck_agenda_items_kind", type_="check")
        batch_op.drop_column("kind")

    with op.batch_alter_table("problem_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_updates_report")

    op.drop_table("problem_updates")
    with op.batch_alter_table("problem_photos", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_photos_report")

    op.drop_table("problem_photos")
    op.drop_table("problem_me_too")
    with op.batch_alter_table("council_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_council_questions_status")
        batch_op.drop_index("ix_council_questions_author")

    op.drop_table("council_questions")
    with op.batch_alter_table("problem_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_reports_queue")
        batch_op.drop_index("ix_problem_reports_place")
        batch_op.drop_index("ix_problem_reports_neighbourhood")
        batch_op.drop_index("ix_problem_reports_category")
        batch_op.drop_index("ix_problem_reports_author")

    op.drop_table("problem_reports")
    op.drop_table("problem_categories")
    op.drop_table("department_workers")
    op.drop_table("departments")
