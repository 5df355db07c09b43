"""modules per community: state, settings and history

Revision ID: 0002_modules
Revises: 0001_core
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_modules"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants_module",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["tenants_node.id"],
            name=op.f("fk_tenants_module_community_id_tenants_node"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_tenants_module_updated_by_id_core_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants_module")),
        sa.UniqueConstraint("community_id", "module", name=op.f("uq_tenants_module_community_id")),
    )
    with op.batch_alter_table("tenants_module", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tenants_module_module_enabled", ["module", "enabled"], unique=False
        )

    op.create_table(
        "tenants_module_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["tenants_node.id"],
            name=op.f("fk_tenants_module_event_community_id_tenants_node"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["core_user.id"], name=op.f("fk_tenants_module_event_user_id_core_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants_module_event")),
    )
    with op.batch_alter_table("tenants_module_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tenants_module_event_community_at", ["community_id", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tenants_module_event", schema=None) as batch_op:
        batch_op.drop_index("ix_tenants_module_event_community_at")

    op.drop_table("tenants_module_event")
    with op.batch_alter_table("tenants_module", schema=None) as batch_op:
        batch_op.drop_index("ix_tenants_module_module_enabled")

    op.drop_table("tenants_module")
