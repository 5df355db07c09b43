"""targets: an indicator's target at a node in a period, split down the tree

Revision ID: 0019_targets
Revises: 0018_filings
Create Date: 2026-12-02

One new table; no existing row changes (safety moves its per-community training targets into
it in its own branch).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_targets"
down_revision = "0018_filings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=80), nullable=False),
        sa.Column("period", sa.String(length=24), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["tenants_node.id"]),
        sa.ForeignKeyConstraint(["set_by_id"], ["core_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("node_id", "indicator", "period", name="uq_core_target"),
    )
    op.create_index("ix_core_target_node_id", "core_target", ["node_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_core_target_node_id", table_name="core_target")
    op.drop_table("core_target")
