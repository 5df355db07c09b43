"""family_planning: benefit programmes, rolls and their lines

Revision ID: family_planning_0002
Revises: family_planning_0001
Create Date: 2026-12-03 05:53:11.586482

The benefit rolls (奖励费, 奖励扶助, 特别扶助): programmes, rolls per period with their
workflow timeline, and their lines.
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "family_planning_0002"
down_revision = "family_planning_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "family_planning_program",
        *platform_columns("family_planning_program"),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("cycle", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=True),
    )
    index_tenant_keys("family_planning_program")

    op.create_table(
        "family_planning_roll",
        *platform_columns("family_planning_roll"),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("drafted_on", sa.Date(), nullable=False),
        sa.Column("publicity_until", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("return_comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["family_planning_program.id"],
            name=op.f("fk_family_planning_roll_program_id_family_planning_program"),
        ),
    )
    index_tenant_keys("family_planning_roll")
    op.create_index(
        "ix_family_planning_roll_community_period",
        "family_planning_roll",
        ["community_id", "period"],
        unique=False,
    )

    op.create_table(
        "family_planning_roll_event",
        *platform_columns("family_planning_roll_event", event=True),
        sa.Column("roll_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["roll_id"],
            ["family_planning_roll.id"],
            name=op.f("fk_family_planning_roll_event_roll_id_family_planning_roll"),
        ),
    )
    index_tenant_keys("family_planning_roll_event")
    op.create_index(
        "ix_family_planning_roll_event_roll",
        "family_planning_roll_event",
        ["roll_id", "id"],
        unique=False,
    )

    op.create_table(
        "family_planning_roll_line",
        *platform_columns("family_planning_roll_line"),
        sa.Column("roll_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("line_kind", sa.String(length=10), nullable=False),
        sa.Column("stop_reason", sa.String(length=12), nullable=True),
        sa.Column("account_last4", sa.String(length=4), nullable=False),
        sa.Column("review_comment", sa.String(length=500), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family_planning_family.id"],
            name=op.f("fk_family_planning_roll_line_family_id_family_planning_family"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["registry_resident.id"],
            name=op.f("fk_family_planning_roll_line_resident_id_registry_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["roll_id"],
            ["family_planning_roll.id"],
            name=op.f("fk_family_planning_roll_line_roll_id_family_planning_roll"),
        ),
    )
    index_tenant_keys("family_planning_roll_line")
    op.create_index(
        "ix_family_planning_roll_line_district_resident",
        "family_planning_roll_line",
        ["district_id", "resident_id"],
        unique=False,
    )
    op.create_index(
        "ix_family_planning_roll_line_roll", "family_planning_roll_line", ["roll_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("family_planning_roll_line")
    op.drop_table("family_planning_roll_event")
    op.drop_table("family_planning_roll")
    op.drop_table("family_planning_program")
