"""family_planning: an objection names the roll line it is about and how upholding corrects it

Revision ID: family_planning_0006
Revises: family_planning_0005
Create Date: 2026-12-03

An objection raised during a roll's publicity may be about one line; upheld, the line is
removed from the roll or its amount corrected, and the roll goes back to the community.
"""

import sqlalchemy as sa
from alembic import op

revision = "family_planning_0006"
down_revision = "family_planning_0005"
branch_labels = None
depends_on = None

TABLE = "family_planning_roll_objection"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("line_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("correction", sa.String(length=10), nullable=True))
        batch.add_column(
            sa.Column("corrected_amount", sa.Numeric(precision=10, scale=2), nullable=True)
        )
        batch.create_foreign_key(
            op.f("fk_family_planning_roll_objection_line_id_family_planning_roll_line"),
            "family_planning_roll_line",
            ["line_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(
            op.f("fk_family_planning_roll_objection_line_id_family_planning_roll_line"),
            type_="foreignkey",
        )
        batch.drop_column("corrected_amount")
        batch.drop_column("correction")
        batch.drop_column("line_id")
