"""ledger: the ledger_row table

Revision ID: ledger_0001
Revises: (none)
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "ledger_0001"
down_revision = None
branch_labels = ("ledger",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "ledger_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=50), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f("fk_ledger_row_node_id_tenants_node")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_row")),
    )
    for column in ("node_id", "district_id", "street_id", "community_id"):
        op.create_index(op.f(f"ix_ledger_row_{column}"), "ledger_row", [column], unique=False)


def downgrade() -> None:
    op.drop_table("ledger_row")
