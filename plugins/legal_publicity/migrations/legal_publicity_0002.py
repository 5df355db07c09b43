"""legal_publicity: community-correction assistance, screenings reported

Revision ID: legal_publicity_0002
Revises: legal_publicity_0001
Create Date: 2026-12-03

社区矫正 协助: the people under community correction whom the community helps (the 矫正小组
membership) and the visits to them, in the resettlement compartment; and the day a screening's
排查情况 was reported to the 司法所.
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "legal_publicity_0002"
down_revision = "legal_publicity_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("legal_publicity_screening") as batch:
        batch.add_column(sa.Column("reported_on", sa.Date(), nullable=True))
    op.create_table(
        "legal_publicity_correction",
        *platform_columns("legal_publicity_correction"),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("group_members", sa.String(length=300), nullable=False),
        sa.Column("our_role", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
    )
    index_tenant_keys("legal_publicity_correction")
    op.create_index(
        "ix_legal_publicity_correction_community",
        "legal_publicity_correction",
        ["community_id", "status"],
    )
    op.create_table(
        "legal_publicity_correction_visit",
        *platform_columns("legal_publicity_correction_visit"),
        sa.Column("correction_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitors", sa.String(length=100), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["legal_publicity_correction.id"],
            name=op.f(
                "fk_legal_publicity_correction_visit_correction_id_legal_publicity_correction"
            ),
        ),
    )
    index_tenant_keys("legal_publicity_correction_visit")
    op.create_index(
        "ix_legal_publicity_correction_visit_correction",
        "legal_publicity_correction_visit",
        ["correction_id", "visited_on"],
    )


def downgrade() -> None:
    op.drop_table("legal_publicity_correction_visit")
    op.drop_table("legal_publicity_correction")
    with op.batch_alter_table("legal_publicity_screening") as batch:
        batch.drop_column("reported_on")
