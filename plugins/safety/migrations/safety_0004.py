"""safety: hazards listed for supervision (挂牌督办)

Revision ID: safety_0004
Revises: safety_0003
Create Date: 2026-12-02

The day a hazard was listed for supervision by the street (``supervised_on``); who listed it and
why is an event of its timeline. Existing hazards are not listed.
"""

import sqlalchemy as sa
from alembic import op

revision = "safety_0004"
down_revision = "safety_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("safety_hazard") as batch:
        batch.add_column(sa.Column("supervised_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("safety_hazard") as batch:
        batch.drop_column("supervised_on")
