"""youth_care: the internet café checks (网吧巡查记录), scored on core's checklists

Revision ID: youth_care_0002
Revises: youth_care_0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "youth_care_0002"
down_revision = "youth_care_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "youth_care_venue_check",
        *platform_columns("youth_care_venue_check"),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("checkers", sa.String(length=200), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("refer_by", sa.Date(), nullable=True),
        sa.Column("checklist_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_name", sa.String(length=200), nullable=False),
        sa.Column("total_score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checklist_id"],
            ["core_checklist.id"],
            name=op.f("fk_youth_care_venue_check_checklist_id_core_checklist"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["core_inspection_round.id"],
            name=op.f("fk_youth_care_venue_check_round_id_core_inspection_round"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["registry_unit.id"],
            name=op.f("fk_youth_care_venue_check_unit_id_registry_unit"),
        ),
    )
    index_tenant_keys("youth_care_venue_check")
    with op.batch_alter_table("youth_care_venue_check", schema=None) as batch_op:
        batch_op.create_index(
            "ix_youth_care_venue_check_community_day", ["community_id", "done_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_youth_care_venue_check_unit_id"), ["unit_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("youth_care_venue_check")
