"""youth_care: the signed receipt of an assistance is an attachment, not a flag

Revision ID: youth_care_0003
Revises: youth_care_0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "youth_care_0003"
down_revision = "youth_care_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The receipt is the scan attached to the record (core_attachment, owner
    # youth_care.assistance); a flag said it was signed without showing it.
    op.drop_column("youth_care_assistance", "receipt_signed")


def downgrade() -> None:
    op.add_column(
        "youth_care_assistance",
        sa.Column("receipt_signed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    assistance = sa.table(
        "youth_care_assistance", sa.column("status", sa.String), sa.column("receipt_signed")
    )
    op.execute(
        assistance.update().where(assistance.c.status == "issued").values(receipt_signed=True)
    )
