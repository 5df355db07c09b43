"""one change history for every ledger (core_record_change)

Revision ID: 0005_record_change
Revises: 0004_onboarding
Create Date: 2026-12-01

History of register entries of every plugin, written by ``core.records.history``. S2 values
are stored masked and S3 values withheld. The registry's own ``registry_change`` rows move in
with the registry branch's ``registry_0002``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_record_change"
down_revision = "0004_onboarding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_record_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_core_record_change_node_id_tenants_node"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["core_user.id"], name=op.f("fk_core_record_change_user_id_core_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_record_change")),
    )
    with op.batch_alter_table("core_record_change") as batch_op:
        for column in ("community_id", "district_id", "node_id", "street_id"):
            batch_op.create_index(batch_op.f(f"ix_core_record_change_{column}"), [column])
        batch_op.create_index(
            "ix_core_record_change_object", ["object_type", "object_id", "id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("core_record_change")
