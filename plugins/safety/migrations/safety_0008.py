"""safety: the key-post roster (三项岗位人员名册), for 持证上岗率

Revision ID: safety_0008
Revises: safety_0007
Create Date: 2026-12-02

One new table; it starts empty.
"""

import sqlalchemy as sa
from alembic import op

revision = "safety_0008"
down_revision = "safety_0007"
branch_labels = None
depends_on = None

TABLE = "safety_key_post"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("post", sa.String(length=20), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.Column("certificate_number", sa.String(length=40), nullable=False),
        sa.Column("certificate_expires_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"], ["core_user.id"], name=op.f(f"fk_{TABLE}_deleted_by_id_core_user")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["safety_enterprise.id"],
            name=op.f(f"fk_{TABLE}_enterprise_id_safety_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f(f"fk_{TABLE}_node_id_tenants_node")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index("ix_safety_key_post_community_post", TABLE, ["community_id", "post"])
    for column in ("community_id", "district_id", "enterprise_id", "node_id", "street_id"):
        op.create_index(op.f(f"ix_{TABLE}_{column}"), TABLE, [column])


def downgrade() -> None:
    op.drop_table(TABLE)
