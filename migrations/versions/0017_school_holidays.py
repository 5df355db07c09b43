"""school holidays: each city's winter and summer school holidays, entered by district admins

Revision ID: 0017_school_holidays
Revises: 0016_change_reports
Create Date: 2026-12-02

One row per city (the first four digits of its division code), year and kind; the observance
calendar shows them and module entries such as 暑期活动 fall on them. Starts empty.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_school_holidays"
down_revision = "0016_change_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_school_holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city", sa.String(length=4), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["core_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("city", "year", "kind", name="uq_core_school_holiday"),
    )


def downgrade() -> None:
    op.drop_table("core_school_holiday")
