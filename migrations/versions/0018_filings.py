"""filings: upward reports (上报) filed per node and period, and their steps

Revision ID: 0018_filings
Revises: 0017_school_holidays
Create Date: 2026-12-02

Two new tables; no existing row changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_filings"
down_revision = "0017_school_holidays"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_filing_instance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report", sa.String(length=80), nullable=False),
        sa.Column("period", sa.String(length=24), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("auto", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["tenants_node.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report", "period", "node_id", name="uq_core_filing_instance"),
    )
    op.create_index(
        "ix_core_filing_instance_node_id", "core_filing_instance", ["node_id"], unique=False
    )
    op.create_table(
        "core_filing_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=False),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["core_filing_instance.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_core_filing_event_instance_id", "core_filing_event", ["instance_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_core_filing_event_instance_id", table_name="core_filing_event")
    op.drop_table("core_filing_event")
    op.drop_index("ix_core_filing_instance_node_id", table_name="core_filing_instance")
    op.drop_table("core_filing_instance")
