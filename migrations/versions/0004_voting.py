"""Councils, mandates, meetings, agenda items, council and advisory ballots, the audit chain.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chain", "seq", name="uq_audit_entries_seq"),
    )
    op.create_table(
        "councils",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("vote_basis", sa.String(length=20), nullable=False),
        sa.Column("vote_threshold", sa.String(length=20), nullable=False),
        sa.Column("tie_rule", sa.String(length=20), nullable=False),
        sa.Column("quorum_required", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('council', 'committee')", name="ck_councils_kind"),
        sa.CheckConstraint("tie_rule IN ('rejected', 'chair_decides')", name="ck_councils_tie"),
        sa.CheckConstraint(
            "vote_basis IN ('cast', 'present', 'in_office')", name="ck_councils_basis"
        ),
        sa.CheckConstraint(
            "vote_threshold IN ('majority', 'two_thirds')", name="ck_councils_threshold"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "mandates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("member_name", sa.String(length=80), nullable=False),
        sa.Column("political_group", sa.String(length=80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ck_mandates_period"),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mandates", schema=None) as batch_op:
        batch_op.create_index("ix_mandates_council", ["council_id", "starts_on"], unique=False)
        batch_op.create_index("ix_mandates_user", ["user_id"], unique=False)

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("secretary_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('planned', 'published', 'in_session', 'closed')", name="ck_meetings_status"
        ),
        sa.ForeignKeyConstraint(["chair_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["secretary_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index("ix_meetings_starts", ["starts_at", "id"], unique=False)
        batch_op.create_index("ix_meetings_status", ["status", "starts_at"], unique=False)

    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("closed_session", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index("ix_agenda_items_meeting", ["meeting_id", "position"], unique=False)

    op.create_table(
        "attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("mandate_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["mandate_id"], ["mandates.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "mandate_id", name="uq_attendances_member"),
    )
    op.create_table(
        "advisory_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("results_visible", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("yes", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("chain_head", sa.String(length=64), nullable=False),
        sa.CheckConstraint("yes >= 0 AND no >= 0 AND abstain >= 0", name="ck_advisory_totals"),
        sa.CheckConstraint("status IN ('scheduled', 'open', 'closed')", name="ck_advisory_status"),
        sa.CheckConstraint("opens_at < closes_at", name="ck_advisory_window"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id"),
    )
    with op.batch_alter_table("advisory_ballots", schema=None) as batch_op:
        batch_op.create_index("ix_advisory_ballots_status", ["status", "opens_at"], unique=False)

    op.create_table(
        "council_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("secrecy", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("yes", sa.Integer(), nullable=True),
        sa.Column("no", sa.Integer(), nullable=True),
        sa.Column("abstain", sa.Integer(), nullable=True),
        sa.Column("present", sa.Integer(), nullable=True),
        sa.Column("in_office", sa.Integer(), nullable=True),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("chain_head", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('approved', 'rejected')",
            name="ck_council_ballots_outcome",
        ),
        sa.CheckConstraint("secrecy IN ('named', 'secret')", name="ck_council_ballots_secrecy"),
        sa.CheckConstraint(
            "status IN ('scheduled', 'pre_vote', 'waiting', 'open', 'closed')",
            name="ck_council_ballots_status",
        ),
        sa.CheckConstraint(
            "opens_at IS NULL OR closes_at IS NULL OR opens_at < closes_at",
            name="ck_council_ballots_window",
        ),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id"),
    )
    with op.batch_alter_table("council_ballots", schema=None) as batch_op:
        batch_op.create_index("ix_council_ballots_status", ["status", "opens_at"], unique=False)

    op.create_table(
        "item_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("file_name", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(url IS NULL) <> (file_name IS NULL)", name="ck_item_documents_source"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("item_documents", schema=None) as batch_op:
        batch_op.create_index("ix_item_documents_item", ["item_id", "id"], unique=False)

    op.create_table(
        "item_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "subject", "subject_id", name="uq_item_links_subject"),
    )
    with op.batch_alter_table("item_links", schema=None) as batch_op:
        batch_op.create_index("ix_item_links_subject", ["subject", "subject_id"], unique=False)

    op.create_table(
        "advisory_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=True),
        sa.Column("voter_key", sa.String(length=64), nullable=True),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("choice IN ('yes', 'no', 'abstain')", name="ck_advisory_votes_choice"),
        sa.ForeignKeyConstraint(["ballot_id"], ["advisory_ballots.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["voter_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ballot_id", "voter_key", name="uq_advisory_votes_voter"),
    )
    with op.batch_alter_table("advisory_votes", schema=None) as batch_op:
        batch_op.create_index("ix_advisory_votes_tally", ["ballot_id", "choice"], unique=False)
        batch_op.create_index("ix_advisory_votes_voter", ["voter_id"], unique=False)

    op.create_table(
        "council_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("mandate_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=True),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "choice IS NULL OR choice IN ('yes', 'no', 'abstain', 'recused')",
            name="ck_council_votes_choice",
        ),
        sa.ForeignKeyConstraint(["ballot_id"], ["council_ballots.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["mandate_id"], ["mandates.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ballot_id", "mandate_id", name="uq_council_votes_member"),
    )
    op.create_table(
        "secret_tallies",
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("yes", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ballot_id"], ["council_ballots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ballot_id"),
    )


def downgrade() -> None:
    op.drop_table("secret_tallies")
    op.drop_table("council_votes")
    with op.batch_alter_table("advisory_votes", schema=None) as batch_op:
        batch_op.drop_index("ix_advisory_votes_voter")
        batch_op.drop_index("ix_advisory_votes_tally")

    op.drop_table("advisory_votes")
    with op.batch_alter_table("item_links", schema=None) as batch_op:
        batch_op.drop_index("ix_item_links_subject")

    op.drop_table("item_links")
    with op.batch_alter_table("item_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_item_documents_item")

    op.drop_table("item_documents")
    with op.batch_alter_table("council_ballots", schema=None) as batch_op:
        batch_op.drop_index("ix_council_ballots_status")

    op.drop_table("council_ballots")
    with op.batch_alter_table("advisory_ballots", schema=None) as batch_op:
        batch_op.drop_index("ix_advisory_ballots_status")

    op.drop_table("advisory_ballots")
    op.drop_table("attendances")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index("ix_agenda_items_meeting")

    op.drop_table("agenda_items")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_status")
        batch_op.drop_index("ix_meetings_starts")

    op.drop_table("meetings")
    with op.batch_alter_table("mandates", schema=None) as batch_op:
        batch_op.drop_index("ix_mandates_user")
        batch_op.drop_index("ix_mandates_council")

    op.drop_table("mandates")
    op.drop_table("councils")
    op.drop_table("audit_entries")
