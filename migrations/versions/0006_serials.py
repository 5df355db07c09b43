"""serial numbers: one counter per community, prefix and year (core.numbering)

Revision ID: 0006_serials
Revises: 0005_record_change
Create Date: 2026-11-24

Ledger numbers such as 隐患编号 YH2026-0001 are drawn from these counters with one atomic UPDATE,
so concurrent writers never draw the same number. A counter starts from the highest number already
stored in its ledger, so existing data needs nothing copied here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_serials"
down_revision = "0005_record_change"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_serial",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["tenants_node.id"],
            name=op.f("fk_core_serial_community_id_tenants_node"),
        ),
        sa.PrimaryKeyConstraint("community_id", "prefix", "year", name=op.f("pk_core_serial")),
    )


def downgrade() -> None:
    op.drop_table("core_serial")
