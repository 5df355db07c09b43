"""sign-ins: one row per sign-in of a user on a device, so each gets cookies of its own

Revision ID: 0011_sign_ins
Revises: 0010_jobs
Create Date: 2026-12-02

The session and remember cookies now carry the sign-in's id and a secret (its SHA-256 digest
kept here): a copied cookie stops working when its sign-in ends or grows older than the remember
duration. Cookies issued before this revision carry no sign-in, so everyone signs in once more.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_sign_ins"
down_revision = "0010_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_sign_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_core_sign_in_user_id", "core_sign_in", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_core_sign_in_user_id", table_name="core_sign_in")
    op.drop_table("core_sign_in")
