"""tree changes: a merged community points to the community it was merged into

Revision ID: 0003_tree_changes
Revises: 0002_modules
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_tree_changes"
down_revision = "0002_modules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants_node", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tenants_node_merged_into_id_tenants_node"),
            "tenants_node",
            ["merged_into_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("tenants_node", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tenants_node_merged_into_id_tenants_node"), type_="foreignkey"
        )
        batch_op.drop_column("merged_into_id")
