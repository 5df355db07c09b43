"""youth_care: a five-elders volunteer's account, to record the visits to the children paired
with them

Revision ID: youth_care_0004
Revises: youth_care_0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "youth_care_0004"
down_revision = "youth_care_0003"
branch_labels = None
depends_on = None

TABLE = "youth_care_elder_account"


def upgrade() -> None:
    op.create_table(
        TABLE,
        *platform_columns(TABLE),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["core_volunteer.id"],
            name=op.f(f"fk_{TABLE}_volunteer_id_core_volunteer"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["core_user.id"], name=op.f(f"fk_{TABLE}_user_id_core_user")
        ),
    )
    index_tenant_keys(TABLE)
    op.create_index(op.f(f"ix_{TABLE}_volunteer_id"), TABLE, ["volunteer_id"], unique=False)
    op.create_index(op.f(f"ix_{TABLE}_user_id"), TABLE, ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table(TABLE)
