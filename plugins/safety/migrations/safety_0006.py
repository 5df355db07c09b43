"""safety: inspections on core's checklists — template version, round, target, total score

Revision ID: safety_0006
Revises: safety_0005
Create Date: 2026-12-02

``safety_inspection`` stays the module's inspection record and takes core's inspection columns:
the checklist version it was scored on (``checklist_id``, core_checklist), its round
(``round_id``), its target (``target_kind``, ``target_id``, ``target_name``) and its total.
Every row and every checklist answer stays as it was in ``checklist``; an existing inspection
has no template version (its items count as added by hand) and its target kind follows what it
named: an enterprise, else an area, else a building.
"""

import sqlalchemy as sa
from alembic import op

revision = "safety_0006"
down_revision = "safety_0005"
branch_labels = None
depends_on = "0014_checklists"

COLUMNS = ("checklist_id", "round_id", "target_kind", "target_id", "target_name", "total_score")


FOREIGN = (
    ("checklist_id", "core_checklist", "fk_safety_inspection_checklist_id_core_checklist"),
    ("round_id", "core_inspection_round", "fk_safety_inspection_round_id_core_inspection_round"),
)


def upgrade() -> None:
    # Not through batch mode: on SQLite it would copy the table and drop the old one, which the
    # hazards' foreign keys refuse once hazards exist. SQLite adds a column with its reference
    # in place, as PostgreSQL adds the column and then its constraint.
    sqlite = op.get_bind().dialect.name == "sqlite"
    for column, table, name in FOREIGN:
        if sqlite:
            op.execute(
                f"ALTER TABLE safety_inspection ADD COLUMN {column} INTEGER "
                f"CONSTRAINT {name} REFERENCES {table} (id)"
            )
        else:
            op.add_column("safety_inspection", sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(name, "safety_inspection", table, [column], ["id"])
    op.add_column(
        "safety_inspection",
        sa.Column("target_kind", sa.String(length=20), nullable=False, server_default=""),
    )
    op.add_column("safety_inspection", sa.Column("target_id", sa.Integer(), nullable=True))
    op.add_column(
        "safety_inspection",
        sa.Column("target_name", sa.String(length=200), nullable=False, server_default=""),
    )
    op.add_column("safety_inspection", sa.Column("total_score", sa.Float(), nullable=True))
    op.create_index("ix_safety_inspection_round", "safety_inspection", ["round_id"])
    op.execute(
        "UPDATE safety_inspection SET target_kind = CASE "
        "WHEN enterprise_id IS NOT NULL THEN 'enterprise' "
        "WHEN area <> '' THEN 'area' ELSE 'building' END"
    )
    if not sqlite:  # SQLite keeps the default, which the model never relies on
        op.alter_column("safety_inspection", "target_kind", server_default=None)
        op.alter_column("safety_inspection", "target_name", server_default=None)


def downgrade() -> None:
    op.drop_index("ix_safety_inspection_round", table_name="safety_inspection")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for column in reversed(COLUMNS):
        if sqlite:
            op.execute(f"ALTER TABLE safety_inspection DROP COLUMN {column}")
        else:
            if column in ("checklist_id", "round_id"):
                name = dict((c, n) for c, _t, n in FOREIGN)[column]
                op.drop_constraint(name, "safety_inspection", type_="foreignkey")
            op.drop_column("safety_inspection", column)
