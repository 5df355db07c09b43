"""visit campaigns (走访慰问): a period in phases in which a module's subjects are visited

Revision ID: 0023_campaigns
Revises: 0022_activity_forms_laws
Create Date: 2026-12-03

One new table, ``core_campaign`` (a module's campaign at a community: kind, title, period,
phases and audience as JSON); no existing row changes.
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "0023_campaigns"
down_revision = "0022_activity_forms_laws"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_campaign",
        *platform_columns("core_campaign"),
        sa.Column("module", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
    )
    index_tenant_keys("core_campaign")
    op.create_index("ix_core_campaign_module_dates", "core_campaign", ["module", "ends_on"])


def downgrade() -> None:
    op.drop_index("ix_core_campaign_module_dates", table_name="core_campaign")
    op.drop_table("core_campaign")
