"""notifications: what the platform tells a user (reminders of deadlines, escalations)

Revision ID: 0009_notifications
Revises: 0008_holidays
Create Date: 2026-12-02

One row per user and subject (``key``: the case, the kind of reminder and the deadline it is
about), so a reminder is written once; read ones keep when they were read.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_notifications"
down_revision = "0008_holidays"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "key", name="uq_core_notification_user_key"),
    )
    op.create_index(
        "ix_core_notification_user_unread", "core_notification", ["user_id", "read_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_core_notification_user_unread", table_name="core_notification")
    op.drop_table("core_notification")
