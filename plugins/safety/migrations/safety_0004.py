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
    op.add_column("safety_hazard", sa.Column("supervised_on", sa.Date(), nullable=True))


def downgrade() -> None:
    # Not through batch mode: on SQLite it would copy the table and drop the old one, which the
    # foreign keys of the hazard's events and photos refuse once hazards exist. SQLite 3.35 and
    # later drop a plain column in place, as PostgreSQL does.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE safety_hazard DROP COLUMN supervised_on")
    else:
        op.drop_column("safety_hazard", "supervised_on")
