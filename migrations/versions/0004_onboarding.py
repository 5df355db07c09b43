"""onboarding drafts and module presets

Revision ID: 0004_onboarding
Revises: 0003_tree_changes
Create Date: 2026-11-23

Drafts of the onboarding wizard (kept after confirmation or discard) and each district's
module presets (soft-deleted).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_onboarding"
down_revision = "0003_tree_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants_module_preset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("modules", sa.JSON(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["tenants_node.id"],
            name=op.f("fk_tenants_module_preset_district_id_tenants_node"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants_module_preset")),
    )
    with op.batch_alter_table("tenants_module_preset", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tenants_module_preset_district_id"), ["district_id"], unique=False
        )

    op.create_table(
        "tenants_onboarding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_tenants_onboarding_created_by_id_core_user"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_tenants_onboarding_node_id_tenants_node"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["tenants_node.id"],
            name=op.f("fk_tenants_onboarding_parent_id_tenants_node"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants_onboarding")),
    )
    with op.batch_alter_table("tenants_onboarding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tenants_onboarding_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tenants_onboarding_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tenants_onboarding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tenants_onboarding_status"))
        batch_op.drop_index(batch_op.f("ix_tenants_onboarding_parent_id"))

    op.drop_table("tenants_onboarding")
    with op.batch_alter_table("tenants_module_preset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tenants_module_preset_district_id"))

    op.drop_table("tenants_module_preset")
