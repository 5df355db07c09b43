"""environment: areas, letters, inspections, issues, sorting, complaints, tanks, selections

Revision ID: environment_0001
Revises: (none: the first revision of the environment branch)
Create Date: 2026-12-03 05:46:32.310708
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "environment_0001"
down_revision = None
branch_labels = ("environment",)
depends_on = ("0019_targets", "registry_0001")


def upgrade() -> None:
    op.create_table(
        "environment_complaint",
        *platform_columns("environment_complaint"),
        sa.Column("ticket", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("complainant", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("handler", sa.String(length=100), nullable=False),
        sa.Column("co_handler", sa.String(length=100), nullable=False),
        sa.Column("contacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=12), nullable=True),
        sa.Column("result_note", sa.Text(), nullable=False),
        sa.Column("followed_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("satisfaction", sa.String(length=12), nullable=True),
        sa.Column("redone", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
    )
    index_tenant_keys("environment_complaint")
    with op.batch_alter_table("environment_complaint", schema=None) as batch_op:
        batch_op.create_index(
            "ix_environment_complaint_community_received",
            ["community_id", "received_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_environment_complaint_street_received", ["street_id", "received_at"], unique=False
        )
        batch_op.create_index(
            "uq_environment_complaint_community_ticket",
            ["community_id", "ticket"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "environment_selection",
        *platform_columns("environment_selection"),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("nominee", sa.String(length=100), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=True),
        sa.Column("result", sa.String(length=12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
    )
    index_tenant_keys("environment_selection")
    with op.batch_alter_table("environment_selection", schema=None) as batch_op:
        batch_op.create_index(
            "ix_environment_selection_community_year", ["community_id", "year"], unique=False
        )

    op.create_table(
        "environment_tank",
        *platform_columns("environment_tank"),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("facility", sa.String(length=100), nullable=False),
        sa.Column("cleaned_on", sa.Date(), nullable=True),
        sa.Column("cleaned_by", sa.String(length=100), nullable=False),
        sa.Column("quality_ok", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
    )
    index_tenant_keys("environment_tank")
    with op.batch_alter_table("environment_tank", schema=None) as batch_op:
        batch_op.create_index(
            "ix_environment_tank_community_cleaned", ["community_id", "cleaned_on"], unique=False
        )

    op.create_table(
        "environment_area",
        *platform_columns("environment_area"),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("party", sa.String(length=12), nullable=False),
        sa.Column("keeper_id", sa.Integer(), nullable=True),
        sa.Column("floor_leader", sa.String(length=50), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["keeper_id"], ["core_user.id"], name=op.f("fk_environment_area_keeper_id_core_user")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["registry_unit.id"],
            name=op.f("fk_environment_area_unit_id_registry_unit"),
        ),
    )
    index_tenant_keys("environment_area")
    with op.batch_alter_table("environment_area", schema=None) as batch_op:
        batch_op.create_index(
            "ix_environment_area_community_name", ["community_id", "name"], unique=False
        )

    op.create_table(
        "environment_complaint_event",
        *platform_columns("environment_complaint_event", event=True),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["environment_complaint.id"],
            name=op.f("fk_environment_complaint_event_complaint_id_environment_complaint"),
        ),
    )
    index_tenant_keys("environment_complaint_event")
    with op.batch_alter_table("environment_complaint_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_environment_complaint_event_complaint", ["complaint_id", "id"], unique=False
        )

    op.create_table(
        "environment_inspection",
        *platform_columns("environment_inspection"),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("inspectors", sa.String(length=200), nullable=False),
        sa.Column("partners", sa.String(length=200), nullable=False),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_name", sa.String(length=200), nullable=False),
        sa.Column("total_score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["environment_area.id"],
            name=op.f("fk_environment_inspection_area_id_environment_area"),
        ),
        sa.ForeignKeyConstraint(
            ["checklist_id"],
            ["core_checklist.id"],
            name=op.f("fk_environment_inspection_checklist_id_core_checklist"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["core_inspection_round.id"],
            name=op.f("fk_environment_inspection_round_id_core_inspection_round"),
        ),
    )
    index_tenant_keys("environment_inspection")
    with op.batch_alter_table("environment_inspection", schema=None) as batch_op:
        batch_op.create_index(
            "ix_environment_inspection_community_date", ["community_id", "done_on"], unique=False
        )
        batch_op.create_index("ix_environment_inspection_round", ["round_id"], unique=False)
        batch_op.create_index(
            "ix_environment_inspection_street_date", ["street_id", "done_on"], unique=False
        )

    op.create_table(
        "environment_letter",
        *platform_columns("environment_letter"),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("extent", sa.String(length=200), nullable=False),
        sa.Column("duties", sa.JSON(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("signatory", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["environment_area.id"],
            name=op.f("fk_environment_letter_area_id_environment_area"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["registry_unit.id"],
            name=op.f("fk_environment_letter_unit_id_registry_unit"),
        ),
    )
    index_tenant_keys("environment_letter")
    with op.batch_alter_table("environment_letter", schema=None) as batch_op:
        batch_op.create_index(
            "ix_environment_letter_community_unit", ["community_id", "unit_id"], unique=False
        )
        batch_op.create_index(
            "ix_environment_letter_street_until", ["street_id", "valid_until"], unique=False
        )

    op.create_table(
        "environment_sorting",
        *platform_columns("environment_sorting"),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("covered", sa.Integer(), nullable=False),
        sa.Column("participating", sa.Integer(), nullable=False),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("kitchen_kg", sa.Numeric(precision=10, scale=1), nullable=True),
        sa.Column("duty_hours", sa.Numeric(precision=8, scale=1), nullable=True),
        sa.Column("volunteers", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["environment_area.id"],
            name=op.f("fk_environment_sorting_area_id_environment_area"),
        ),
    )
    index_tenant_keys("environment_sorting")
    with op.batch_alter_table("environment_sorting", schema=None) as batch_op:
        batch_op.create_index(
            "ix_environment_sorting_community_month", ["community_id", "month"], unique=False
        )

    op.create_table(
        "environment_issue",
        *platform_columns("environment_issue"),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("party", sa.String(length=100), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["environment_area.id"],
            name=op.f("fk_environment_issue_area_id_environment_area"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["environment_inspection.id"],
            name=op.f("fk_environment_issue_inspection_id_environment_inspection"),
        ),
    )
    index_tenant_keys("environment_issue")
    with op.batch_alter_table("environment_issue", schema=None) as batch_op:
        batch_op.create_index(
            "ix_environment_issue_community_found", ["community_id", "found_on"], unique=False
        )
        batch_op.create_index("ix_environment_issue_inspection", ["inspection_id"], unique=False)
        batch_op.create_index(
            "ix_environment_issue_street_found", ["street_id", "found_on"], unique=False
        )

    op.create_table(
        "environment_issue_event",
        *platform_columns("environment_issue_event", event=True),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["environment_issue.id"],
            name=op.f("fk_environment_issue_event_issue_id_environment_issue"),
        ),
    )
    index_tenant_keys("environment_issue_event")
    with op.batch_alter_table("environment_issue_event", schema=None) as batch_op:
        batch_op.create_index("ix_environment_issue_event_issue", ["issue_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("environment_issue_event")
    op.drop_table("environment_issue")
    op.drop_table("environment_sorting")
    op.drop_table("environment_letter")
    op.drop_table("environment_inspection")
    op.drop_table("environment_complaint_event")
    op.drop_table("environment_area")
    op.drop_table("environment_tank")
    op.drop_table("environment_selection")
    op.drop_table("environment_complaint")
