"""youth_care: children in care and their entry timeline, pairings, assistance, holiday and
after-school programmes with enrolments and sessions

Revision ID: youth_care_0001
Revises: (none: the first revision of the youth_care branch)
Create Date: 2026-12-03

The youth-care plugin's own Alembic branch, labelled ``youth_care``, depending on core's newest
revision (volunteers, visits, activities) and the registry's (a child is a registry resident).
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "youth_care_0001"
down_revision = None
branch_labels = ("youth_care",)
depends_on = ("0019_targets", "registry_0005")


def upgrade() -> None:
    op.create_table(
        "youth_care_programme",
        *platform_columns("youth_care_programme"),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("opening", sa.String(length=100), nullable=False),
        sa.Column("venue", sa.String(length=100), nullable=False),
        sa.Column("volunteers", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("consent_required", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    index_tenant_keys("youth_care_programme")

    op.create_table(
        "youth_care_session",
        *platform_columns("youth_care_session"),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("present", sa.JSON(), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("volunteer_hours", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["youth_care_programme.id"],
            name=op.f("fk_youth_care_session_programme_id_youth_care_programme"),
        ),
    )
    index_tenant_keys("youth_care_session")
    with op.batch_alter_table("youth_care_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_youth_care_session_community_day", ["community_id", "held_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_youth_care_session_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "youth_care_child",
        *platform_columns("youth_care_child"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column("guardian_name", sa.String(length=50), nullable=False),
        sa.Column("guardian_phone", sa.String(length=20), nullable=False),
        sa.Column("guardian_relation", sa.String(length=24), nullable=False),
        sa.Column("guardianship", sa.String(length=10), nullable=False),
        sa.Column("parents_away", sa.Text(), nullable=False),
        sa.Column("parents_away_since", sa.Date(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("school_name", sa.String(length=100), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("responsible", sa.String(length=50), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=True),
        sa.Column("exited_on", sa.Date(), nullable=True),
        sa.Column("exit_reason", sa.String(length=12), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["registry_resident.id"],
            name=op.f("fk_youth_care_child_guardian_id_registry_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["registry_resident.id"],
            name=op.f("fk_youth_care_child_resident_id_registry_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["registry_unit.id"],
            name=op.f("fk_youth_care_child_school_id_registry_unit"),
        ),
    )
    index_tenant_keys("youth_care_child")
    with op.batch_alter_table("youth_care_child", schema=None) as batch_op:
        batch_op.create_index(
            "ix_youth_care_child_community_status", ["community_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_youth_care_child_resident_id"), ["resident_id"], unique=False
        )

    op.create_table(
        "youth_care_enrolment",
        *platform_columns("youth_care_enrolment"),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("guardian_name", sa.String(length=50), nullable=False),
        sa.Column("guardian_phone", sa.String(length=20), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["youth_care_programme.id"],
            name=op.f("fk_youth_care_enrolment_programme_id_youth_care_programme"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["registry_resident.id"],
            name=op.f("fk_youth_care_enrolment_resident_id_registry_resident"),
        ),
    )
    index_tenant_keys("youth_care_enrolment")
    with op.batch_alter_table("youth_care_enrolment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_youth_care_enrolment_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "youth_care_assistance",
        *platform_columns("youth_care_assistance"),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("funder", sa.String(length=16), nullable=False),
        sa.Column("handled_by", sa.String(length=50), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("receipt_signed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["youth_care_child.id"],
            name=op.f("fk_youth_care_assistance_child_id_youth_care_child"),
        ),
    )
    index_tenant_keys("youth_care_assistance")
    with op.batch_alter_table("youth_care_assistance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_youth_care_assistance_child_id"), ["child_id"], unique=False
        )
        batch_op.create_index(
            "ix_youth_care_assistance_community_date", ["community_id", "given_on"], unique=False
        )

    op.create_table(
        "youth_care_child_event",
        *platform_columns("youth_care_child_event", event=True),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["youth_care_child.id"],
            name=op.f("fk_youth_care_child_event_child_id_youth_care_child"),
        ),
    )
    index_tenant_keys("youth_care_child_event")
    with op.batch_alter_table("youth_care_child_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_youth_care_child_event_child_id"), ["child_id"], unique=False
        )

    op.create_table(
        "youth_care_pairing",
        *platform_columns("youth_care_pairing"),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("planned_end_on", sa.Date(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("evaluation", sa.String(length=10), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["youth_care_child.id"],
            name=op.f("fk_youth_care_pairing_child_id_youth_care_child"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["registry_unit.id"],
            name=op.f("fk_youth_care_pairing_unit_id_registry_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["core_volunteer.id"],
            name=op.f("fk_youth_care_pairing_volunteer_id_core_volunteer"),
        ),
    )
    index_tenant_keys("youth_care_pairing")
    with op.batch_alter_table("youth_care_pairing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_youth_care_pairing_child_id"), ["child_id"], unique=False
        )

    op.create_table(
        "youth_care_assistance_event",
        *platform_columns("youth_care_assistance_event", event=True),
        sa.Column("assistance_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assistance_id"],
            ["youth_care_assistance.id"],
            name=op.f("fk_youth_care_assistance_event_assistance_id_youth_care_assistance"),
        ),
    )
    index_tenant_keys("youth_care_assistance_event")
    with op.batch_alter_table("youth_care_assistance_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_youth_care_assistance_event_assistance_id"),
            ["assistance_id"],
            unique=False,
        )

    op.create_table(
        "youth_care_pairing_event",
        *platform_columns("youth_care_pairing_event", event=True),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["youth_care_pairing.id"],
            name=op.f("fk_youth_care_pairing_event_pairing_id_youth_care_pairing"),
        ),
    )
    index_tenant_keys("youth_care_pairing_event")
    with op.batch_alter_table("youth_care_pairing_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_youth_care_pairing_event_pairing_id"), ["pairing_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("youth_care_pairing_event")
    op.drop_table("youth_care_assistance_event")
    op.drop_table("youth_care_pairing")
    op.drop_table("youth_care_child_event")
    op.drop_table("youth_care_assistance")
    op.drop_table("youth_care_enrolment")
    op.drop_table("youth_care_child")
    op.drop_table("youth_care_session")

    op.drop_table("youth_care_programme")
