"""family_planning: payment results and objections of the benefit rolls

Revision ID: family_planning_0004
Revises: family_planning_0003
Create Date: 2026-12-03 09:20:00.000000

A roll line keeps why its payment failed (imported with the payment results); objections
(异议) raised while a roll is publicised are kept with how they were resolved.
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "family_planning_0004"
down_revision = "family_planning_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    line = sa.Column("paid_note", sa.String(length=200), nullable=False, server_default="")
    op.add_column("family_planning_roll_line", line)
    if op.get_bind().dialect.name != "sqlite":  # the model sets its own default
        op.alter_column("family_planning_roll_line", "paid_note", server_default=None)

    op.create_table(
        "family_planning_roll_objection",
        *platform_columns("family_planning_roll_objection"),
        sa.Column("roll_id", sa.Integer(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("raised_by", sa.String(length=50), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["roll_id"],
            ["family_planning_roll.id"],
            name=op.f("fk_family_planning_roll_objection_roll_id_family_planning_roll"),
        ),
    )
    index_tenant_keys("family_planning_roll_objection")
    op.create_index(
        "ix_family_planning_roll_objection_roll",
        "family_planning_roll_objection",
        ["roll_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("family_planning_roll_objection")
    op.drop_column("family_planning_roll_line", "paid_note")
