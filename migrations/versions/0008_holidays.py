"""holidays: local public holidays and adjusted working days over the national schedule

Revision ID: 0008_holidays
Revises: 0007_attachments
Create Date: 2026-12-02

One row per day that a district admin declared a public holiday or a weekend working day (调休);
the national schedule itself comes from the chinese_calendar library, so the table starts empty.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_holidays"
down_revision = "0007_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_holiday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["core_user.id"]),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    op.drop_table("core_holiday")
