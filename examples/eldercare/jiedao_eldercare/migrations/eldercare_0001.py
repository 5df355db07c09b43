"""eldercare: the eldercare_visit table

Revision ID: eldercare_0001
Revises: (none: the first revision of the eldercare branch)
Create Date: 2026-11-23

The plugin's own Alembic branch, labelled ``eldercare``. It depends on core's newest revision,
so the tree and the users exist before the visits that refer to them.
"""

import sqlalchemy as sa
from alembic import op

revision = "eldercare_0001"
down_revision = None
branch_labels = ("eldercare",)
depends_on = "0002_modules"


def upgrade() -> None:
    op.create_table(
        "eldercare_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_name", sa.String(length=50), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("visitor", sa.String(length=50), nullable=False),
        sa.Column("needs", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["core_user.id"],
            name=op.f("fk_eldercare_visit_recorded_by_id_core_user"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_eldercare_visit_node_id_tenants_node"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_visit")),
    )
    for column in ("node_id", "district_id", "street_id", "community_id"):
        op.create_index(
            op.f(f"ix_eldercare_visit_{column}"), "eldercare_visit", [column], unique=False
        )
    op.create_index(
        "ix_eldercare_visit_community_id_visit_date",
        "eldercare_visit",
        ["community_id", "visit_date"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("eldercare_visit")
