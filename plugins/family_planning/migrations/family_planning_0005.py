"""family_planning: a woman's contraception and a registration's notice fit their keys

Revision ID: family_planning_0005
Revises: family_planning_0004
Create Date: 2026-12-03

``contraception`` was 12 characters, ``female_sterilisation`` has 20; ``notified_by`` was 8,
``in_person`` has 9. SQLite stored them, PostgreSQL refused the card or the registration with
a 500. The columns take 24 and 12.
"""

import sqlalchemy as sa
from alembic import op

revision = "family_planning_0005"
down_revision = "family_planning_0004"
branch_labels = None
depends_on = None

WIDENED = (
    ("family_planning_woman", "contraception", 12, 24),
    ("family_planning_birth_reg", "notified_by", 8, 12),
)


def upgrade() -> None:
    for table, column, old, new in WIDENED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(old), type_=sa.String(new))


def downgrade() -> None:
    for table, column, old, new in WIDENED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(new), type_=sa.String(old))
