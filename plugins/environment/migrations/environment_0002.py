"""environment: property assessments, complaint deadlines and residents, letter renewals,
selection votes and scores

Revision ID: environment_0002
Revises: environment_0001
Create Date: 2026-12-03 08:53:00.489443
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "environment_0002"
down_revision = "environment_0001"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "environment_assessment",
        *platform_columns("environment_assessment"),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("half", sa.Integer(), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("survey_asked", sa.Integer(), nullable=True),
        sa.Column("survey_satisfied", sa.Integer(), nullable=True),
        sa.Column("ledger_review", sa.Text(), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.Column("rectify_by", sa.Date(), nullable=True),
        sa.Column("result", sa.String(length=12), nullable=True),
        sa.Column("concluded_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["environment_inspection.id"],
            name=op.f("fk_environment_assessment_inspection_id_environment_inspection"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["registry_unit.id"],
            name=op.f("fk_environment_assessment_unit_id_registry_unit"),
        ),
    )
    index_tenant_keys("environment_assessment")
    op.create_index(
        "ix_environment_assessment_street_year", "environment_assessment", ["street_id", "year"]
    )
    op.create_index(
        "uq_environment_assessment_unit_half",
        "environment_assessment",
        ["community_id", "unit_id", "year", "half"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )

    op.create_table(
        "environment_assessment_event",
        *platform_columns("environment_assessment_event", event=True),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["environment_assessment.id"],
            name=op.f("fk_environment_assessment_event_assessment_id_environment_assessment"),
        ),
    )
    index_tenant_keys("environment_assessment_event")
    op.create_index(
        "ix_environment_assessment_event_assessment",
        "environment_assessment_event",
        ["assessment_id", "id"],
    )

    with op.batch_alter_table("environment_complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resident_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("contact_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("resolve_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_due_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_environment_complaint_resident_id_registry_resident"),
            "registry_resident",
            ["resident_id"],
            ["id"],
        )

    with op.batch_alter_table("environment_letter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_environment_letter_previous_id_environment_letter"),
            "environment_letter",
            ["previous_id"],
            ["id"],
        )

    with op.batch_alter_table("environment_selection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("votes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("score", sa.Float(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_environment_selection_area_id_environment_area"),
            "environment_area",
            ["area_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("environment_selection", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_environment_selection_area_id_environment_area"), type_="foreignkey"
        )
        batch_op.drop_column("score")
        batch_op.drop_column("votes")
        batch_op.drop_column("area_id")

    with op.batch_alter_table("environment_letter", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_environment_letter_previous_id_environment_letter"), type_="foreignkey"
        )
        batch_op.drop_column("previous_id")

    with op.batch_alter_table("environment_complaint", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_environment_complaint_resident_id_registry_resident"),
            type_="foreignkey",
        )
        batch_op.drop_column("follow_up_due_on")
        batch_op.drop_column("resolve_due_on")
        batch_op.drop_column("contact_due_on")
        batch_op.drop_column("resident_id")

    op.drop_table("environment_assessment_event")
    op.drop_table("environment_assessment")
