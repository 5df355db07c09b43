"""the access stamp

Revision ID: 0021_access_stamp
Revises: 0020_role_kinds_audit
Create Date: 2026-12-03

One row whose value changes with every write to accounts, sign-ins, roles, assignments, tree
nodes and module switches (``core.access_cache``): each request reads it once to know whether
the user, grants and places its process keeps are still current.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0021_access_stamp"
down_revision = "0020_role_kinds_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "core_access_stamp",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_access_stamp")),
    )
    op.bulk_insert(table, [{"id": 1, "value": secrets.randbits(62)}])


def downgrade() -> None:
    op.drop_table("core_access_stamp")
