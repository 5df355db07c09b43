"""activity forms and laws covered

Revision ID: 0022_activity_forms_laws
Revises: 0021_access_stamp
Create Date: 2026-12-03

An activity records the forms it took (形式: 讲座, 现场咨询, 图片展览 …, keys of its module's
vocabulary) and the laws and regulations it covered, for the modules that keep them (普法).
Existing activities get none of either.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_activity_forms_laws"
down_revision = "0021_access_stamp"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_activity") as batch:
        batch.add_column(sa.Column("forms", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("laws", sa.String(length=300), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("core_activity") as batch:
        batch.drop_column("laws")
        batch.drop_column("forms")
