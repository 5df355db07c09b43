"""attachments: files (photos, scans, receipts) attached to records of any module

Revision ID: 0007_attachments
Revises: 0006_serials
Create Date: 2026-11-24

One row per file, at the owner record's node (tenant keys like every tenant-owned row), the
owner named by ``owner_type`` (``<module>.<kind>``) and ``owner_id``; soft-deleted rows keep who
deleted them. The files live under the instance folder, ``uploads/<module>/<stored_as>``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_attachments"
down_revision = "0006_serials"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("owner_type", sa.String(length=80), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("stored_as", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["core_user.id"],
            name=op.f("fk_core_attachment_deleted_by_id_core_user"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f("fk_core_attachment_node_id_tenants_node")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["core_user.id"], name=op.f("fk_core_attachment_user_id_core_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_attachment")),
    )
    with op.batch_alter_table("core_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_core_attachment_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_core_attachment_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_core_attachment_node_id"), ["node_id"], unique=False)
        batch_op.create_index("ix_core_attachment_owner", ["owner_type", "owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_core_attachment_street_id"), ["street_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("core_attachment")
