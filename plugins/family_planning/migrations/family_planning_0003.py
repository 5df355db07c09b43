"""family_planning: the contraceptive ledger

Revision ID: family_planning_0003
Revises: family_planning_0002
Create Date: 2026-12-03 06:30:43.892948

The contraceptive ledger: kinds (总帐), movements (分帐) and monthly stock-takes (盘点表).
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "family_planning_0003"
down_revision = "family_planning_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "family_planning_supply_item",
        *platform_columns("family_planning_supply_item"),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("spec", sa.String(length=50), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
    )
    index_tenant_keys("family_planning_supply_item")

    op.create_table(
        "family_planning_stock_take",
        *platform_columns("family_planning_stock_take"),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("book", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["family_planning_supply_item.id"],
            name=op.f("fk_family_planning_stock_take_item_id_family_planning_supply_item"),
        ),
    )
    index_tenant_keys("family_planning_stock_take")

    op.create_table(
        "family_planning_supply_move",
        *platform_columns("family_planning_supply_move"),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["family_planning_supply_item.id"],
            name=op.f("fk_family_planning_supply_move_item_id_family_planning_supply_item"),
        ),
    )
    index_tenant_keys("family_planning_supply_move")
    op.create_index(
        "ix_family_planning_supply_move_item",
        "family_planning_supply_move",
        ["item_id", "moved_on"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("family_planning_supply_move")
    op.drop_table("family_planning_stock_take")
    op.drop_table("family_planning_supply_item")
