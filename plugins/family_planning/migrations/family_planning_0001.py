"""family_planning: women, birth registrations, births, families

Revision ID: family_planning_0001
Revises: (none: the first revision of the family_planning branch)
Create Date: 2026-12-03 05:42:25.050921

The family_planning plugin's own Alembic branch, depending on the registry (a card, a birth
and a family are of registry residents and households).
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "family_planning_0001"
down_revision = None
branch_labels = ("family_planning",)
depends_on = "registry_0005"


def upgrade() -> None:
    op.create_table(
        "family_planning_family",
        *platform_columns("family_planning_family"),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("father_id", sa.Integer(), nullable=True),
        sa.Column("mother_id", sa.Integer(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("certificate_number", sa.String(length=30), nullable=False),
        sa.Column("certificate_on", sa.Date(), nullable=True),
        sa.Column("child_died_on", sa.Date(), nullable=True),
        sa.Column("disability_grade", sa.String(length=4), nullable=True),
        sa.Column("recognised_on", sa.Date(), nullable=True),
        sa.Column("recognition_ref", sa.String(length=50), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("health_worker", sa.String(length=50), nullable=False),
        sa.Column("health_worker_phone", sa.String(length=20), nullable=False),
        sa.Column("gp_signed_on", sa.Date(), nullable=True),
        sa.Column("green_channel", sa.Boolean(), nullable=False),
        sa.Column("care_needs", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["father_id"],
            ["registry_resident.id"],
            name=op.f("fk_family_planning_family_father_id_registry_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["registry_household.id"],
            name=op.f("fk_family_planning_family_household_id_registry_household"),
        ),
        sa.ForeignKeyConstraint(
            ["mother_id"],
            ["registry_resident.id"],
            name=op.f("fk_family_planning_family_mother_id_registry_resident"),
        ),
    )
    index_tenant_keys("family_planning_family")
    op.create_index(
        "ix_family_planning_family_community_status",
        "family_planning_family",
        ["community_id", "status", "id"],
        unique=False,
    )
    op.create_index(
        "ix_family_planning_family_household",
        "family_planning_family",
        ["household_id"],
        unique=False,
    )

    op.create_table(
        "family_planning_woman",
        *platform_columns("family_planning_woman"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("spouse_id", sa.Integer(), nullable=True),
        sa.Column("spouse_name", sa.String(length=50), nullable=False),
        sa.Column("spouse_id_number", sa.String(length=18), nullable=False),
        sa.Column("married_on", sa.Date(), nullable=True),
        sa.Column("marriage_kind", sa.String(length=8), nullable=False),
        sa.Column("residence", sa.String(length=8), nullable=False),
        sa.Column("outflow_to", sa.String(length=100), nullable=False),
        sa.Column("outflow_on", sa.Date(), nullable=True),
        sa.Column("outflow_contact", sa.String(length=11), nullable=False),
        sa.Column("elsewhere_sons", sa.Integer(), nullable=False),
        sa.Column("elsewhere_daughters", sa.Integer(), nullable=False),
        sa.Column("contraception", sa.String(length=12), nullable=True),
        sa.Column("pregnancy", sa.String(length=8), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("platform_on", sa.Date(), nullable=True),
        sa.Column("prepreg_check_on", sa.Date(), nullable=True),
        sa.Column("cancer_screen_on", sa.Date(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("exit_reason", sa.String(length=12), nullable=True),
        sa.Column("exit_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["registry_resident.id"],
            name=op.f("fk_family_planning_woman_resident_id_registry_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["spouse_id"],
            ["registry_resident.id"],
            name=op.f("fk_family_planning_woman_spouse_id_registry_resident"),
        ),
    )
    index_tenant_keys("family_planning_woman")
    op.create_index(
        "ix_family_planning_woman_community_status",
        "family_planning_woman",
        ["community_id", "status", "id"],
        unique=False,
    )
    op.create_index(
        "ix_family_planning_woman_district_status",
        "family_planning_woman",
        ["district_id", "status", "id"],
        unique=False,
    )
    op.create_index(
        "ix_family_planning_woman_resident", "family_planning_woman", ["resident_id"], unique=False
    )
    op.create_index(
        "ix_family_planning_woman_street_status",
        "family_planning_woman",
        ["street_id", "status", "id"],
        unique=False,
    )

    op.create_table(
        "family_planning_birth_reg",
        *platform_columns("family_planning_birth_reg"),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("woman_id", sa.Integer(), nullable=False),
        sa.Column("father_id", sa.Integer(), nullable=True),
        sa.Column("father_name", sa.String(length=50), nullable=False),
        sa.Column("father_id_number", sa.String(length=18), nullable=False),
        sa.Column("child_order", sa.String(length=2), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("notified_by", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["father_id"],
            ["registry_resident.id"],
            name=op.f("fk_family_planning_birth_reg_father_id_registry_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["woman_id"],
            ["family_planning_woman.id"],
            name=op.f("fk_family_planning_birth_reg_woman_id_family_planning_woman"),
        ),
        sa.UniqueConstraint("community_id", "number", name="uq_family_planning_birth_reg_number"),
    )
    index_tenant_keys("family_planning_birth_reg")
    op.create_index(
        "ix_family_planning_birth_reg_community_applied",
        "family_planning_birth_reg",
        ["community_id", "applied_on"],
        unique=False,
    )
    op.create_index(
        "ix_family_planning_birth_reg_woman",
        "family_planning_birth_reg",
        ["woman_id"],
        unique=False,
    )

    op.create_table(
        "family_planning_family_event",
        *platform_columns("family_planning_family_event", event=True),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family_planning_family.id"],
            name=op.f("fk_family_planning_family_event_family_id_family_planning_family"),
        ),
    )
    index_tenant_keys("family_planning_family_event")
    op.create_index(
        "ix_family_planning_family_event_family",
        "family_planning_family_event",
        ["family_id", "id"],
        unique=False,
    )

    op.create_table(
        "family_planning_birth_reg_event",
        *platform_columns("family_planning_birth_reg_event", event=True),
        sa.Column("birth_reg_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["birth_reg_id"],
            ["family_planning_birth_reg.id"],
            name=op.f("fk_family_planning_birth_reg_event_birth_reg_id_family_planning_birth_reg"),
        ),
    )
    index_tenant_keys("family_planning_birth_reg_event")
    op.create_index(
        "ix_family_planning_birth_reg_event_reg",
        "family_planning_birth_reg_event",
        ["birth_reg_id", "id"],
        unique=False,
    )

    op.create_table(
        "family_planning_child",
        *platform_columns("family_planning_child"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("woman_id", sa.Integer(), nullable=False),
        sa.Column("birth_reg_id", sa.Integer(), nullable=True),
        sa.Column("father_name", sa.String(length=50), nullable=False),
        sa.Column("born_on", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_order", sa.Integer(), nullable=False),
        sa.Column("hospital", sa.String(length=100), nullable=False),
        sa.Column("certificate_number", sa.String(length=10), nullable=False),
        sa.Column("one_thing", sa.JSON(), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("match", sa.String(length=10), nullable=False),
        sa.Column("match_note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["birth_reg_id"],
            ["family_planning_birth_reg.id"],
            name=op.f("fk_family_planning_child_birth_reg_id_family_planning_birth_reg"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["registry_resident.id"],
            name=op.f("fk_family_planning_child_resident_id_registry_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["woman_id"],
            ["family_planning_woman.id"],
            name=op.f("fk_family_planning_child_woman_id_family_planning_woman"),
        ),
    )
    index_tenant_keys("family_planning_child")
    op.create_index(
        "ix_family_planning_child_community_born",
        "family_planning_child",
        ["community_id", "born_on", "id"],
        unique=False,
    )
    op.create_index(
        "ix_family_planning_child_street_born",
        "family_planning_child",
        ["street_id", "born_on"],
        unique=False,
    )
    op.create_index(
        "ix_family_planning_child_woman", "family_planning_child", ["woman_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("family_planning_child")
    op.drop_table("family_planning_birth_reg_event")
    op.drop_table("family_planning_family_event")
    op.drop_table("family_planning_birth_reg")
    op.drop_table("family_planning_woman")
    op.drop_table("family_planning_family")
