"""jobs: large exports and imports run in the background (core.jobs)

Revision ID: 0010_jobs
Revises: 0009_notifications
Create Date: 2026-11-25

One row per job: its kind and arguments, who asked for it at which node, its status and progress
(rows done of rows total), and its outcome (an export's file, an import's report) or a failure
message. A new table: existing data needs nothing copied here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_jobs"
down_revision = "0009_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f("fk_core_job_node_id_tenants_node")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_job_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_job")),
    )
    with op.batch_alter_table("core_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_job_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("core_job")
