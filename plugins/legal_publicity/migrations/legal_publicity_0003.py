"""legal_publicity: a failed mediation's route fits its longest key

Revision ID: legal_publicity_0003
Revises: legal_publicity_0002
Create Date: 2026-12-03

``failed_route`` was 12 characters and ``administrative`` (转行政处理) has 14: SQLite stored it,
PostgreSQL refused the case's step with a 500. The column takes 16.
"""

import sqlalchemy as sa
from alembic import op

revision = "legal_publicity_0003"
down_revision = "legal_publicity_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("legal_publicity_dispute") as batch:
        batch.alter_column(
            "failed_route", existing_type=sa.String(length=12), type_=sa.String(length=16)
        )


def downgrade() -> None:
    with op.batch_alter_table("legal_publicity_dispute") as batch:
        batch.alter_column(
            "failed_route", existing_type=sa.String(length=16), type_=sa.String(length=12)
        )
