"""family_planning: women, birth registrations, births, families

Revision ID: family_planning_0001
Revises: (none: the first revision of the family_planning branch)
Create Date: 2026-12-03 05:42:25.050921

The family_planning plugin's own Alembic branch, depending on the registry (a card, a birth
and a family are of registry residents and households).
"""

import sqlalchemy as sa
from alembic import op

revision = "family_planning_0001"
down_revision = None
branch_labels = ("family_planning",)
depends_on = "registry_0005"


def upgrade() -> None:
    op.create_table(
        "family_planning_family",
        sa.Column("id", sa.Integer(), nullable=False),
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
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["core_user.id"],
            name=op.f("fk_family_planning_family_deleted_by_id_core_user"),
        ),
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
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_family_planning_family_node_id_tenants_node"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_planning_family")),
    )
    with op.batch_alter_table("family_planning_family", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_planning_family_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            "ix_family_planning_family_community_status",
            ["community_id", "status", "id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_family_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index("ix_family_planning_family_household", ["household_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_family_planning_family_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_family_street_id"), ["street_id"], unique=False
        )

    op.create_table(
        "family_planning_woman",
        sa.Column("id", sa.Integer(), nullable=False),
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
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["core_user.id"],
            name=op.f("fk_family_planning_woman_deleted_by_id_core_user"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_family_planning_woman_node_id_tenants_node"),
        ),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_planning_woman")),
    )
    with op.batch_alter_table("family_planning_woman", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_planning_woman_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            "ix_family_planning_woman_community_status",
            ["community_id", "status", "id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_woman_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(
            "ix_family_planning_woman_district_status",
            ["district_id", "status", "id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_woman_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index("ix_family_planning_woman_resident", ["resident_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_family_planning_woman_street_id"), ["street_id"], unique=False
        )
        batch_op.create_index(
            "ix_family_planning_woman_street_status", ["street_id", "status", "id"], unique=False
        )

    op.create_table(
        "family_planning_birth_reg",
        sa.Column("id", sa.Integer(), nullable=False),
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
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["core_user.id"],
            name=op.f("fk_family_planning_birth_reg_deleted_by_id_core_user"),
        ),
        sa.ForeignKeyConstraint(
            ["father_id"],
            ["registry_resident.id"],
            name=op.f("fk_family_planning_birth_reg_father_id_registry_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_family_planning_birth_reg_node_id_tenants_node"),
        ),
        sa.ForeignKeyConstraint(
            ["woman_id"],
            ["family_planning_woman.id"],
            name=op.f("fk_family_planning_birth_reg_woman_id_family_planning_woman"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_planning_birth_reg")),
        sa.UniqueConstraint("community_id", "number", name="uq_family_planning_birth_reg_number"),
    )
    with op.batch_alter_table("family_planning_birth_reg", schema=None) as batch_op:
        batch_op.create_index(
            "ix_family_planning_birth_reg_community_applied",
            ["community_id", "applied_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_birth_reg_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_birth_reg_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_birth_reg_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_birth_reg_street_id"), ["street_id"], unique=False
        )
        batch_op.create_index("ix_family_planning_birth_reg_woman", ["woman_id"], unique=False)

    op.create_table(
        "family_planning_family_event",
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=False),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family_planning_family.id"],
            name=op.f("fk_family_planning_family_event_family_id_family_planning_family"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_family_planning_family_event_node_id_tenants_node"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_family_planning_family_event_user_id_core_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_planning_family_event")),
    )
    with op.batch_alter_table("family_planning_family_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_planning_family_event_community_id"),
            ["community_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_family_event_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(
            "ix_family_planning_family_event_family", ["family_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_family_event_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_family_event_street_id"), ["street_id"], unique=False
        )

    op.create_table(
        "family_planning_birth_reg_event",
        sa.Column("birth_reg_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=False),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["birth_reg_id"],
            ["family_planning_birth_reg.id"],
            name=op.f("fk_family_planning_birth_reg_event_birth_reg_id_family_planning_birth_reg"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_family_planning_birth_reg_event_node_id_tenants_node"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_family_planning_birth_reg_event_user_id_core_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_planning_birth_reg_event")),
    )
    with op.batch_alter_table("family_planning_birth_reg_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_planning_birth_reg_event_community_id"),
            ["community_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_birth_reg_event_district_id"),
            ["district_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_birth_reg_event_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index(
            "ix_family_planning_birth_reg_event_reg", ["birth_reg_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_birth_reg_event_street_id"), ["street_id"], unique=False
        )

    op.create_table(
        "family_planning_child",
        sa.Column("id", sa.Integer(), nullable=False),
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
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["birth_reg_id"],
            ["family_planning_birth_reg.id"],
            name=op.f("fk_family_planning_child_birth_reg_id_family_planning_birth_reg"),
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["core_user.id"],
            name=op.f("fk_family_planning_child_deleted_by_id_core_user"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_family_planning_child_node_id_tenants_node"),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_planning_child")),
    )
    with op.batch_alter_table("family_planning_child", schema=None) as batch_op:
        batch_op.create_index(
            "ix_family_planning_child_community_born",
            ["community_id", "born_on", "id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_child_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_child_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_child_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index(
            "ix_family_planning_child_street_born", ["street_id", "born_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_child_street_id"), ["street_id"], unique=False
        )
        batch_op.create_index("ix_family_planning_child_woman", ["woman_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("family_planning_child", schema=None) as batch_op:
        batch_op.drop_index("ix_family_planning_child_woman")
        batch_op.drop_index(batch_op.f("ix_family_planning_child_street_id"))
        batch_op.drop_index("ix_family_planning_child_street_born")
        batch_op.drop_index(batch_op.f("ix_family_planning_child_node_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_child_district_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_child_community_id"))
        batch_op.drop_index("ix_family_planning_child_community_born")

    op.drop_table("family_planning_child")
    with op.batch_alter_table("family_planning_birth_reg_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_planning_birth_reg_event_street_id"))
        batch_op.drop_index("ix_family_planning_birth_reg_event_reg")
        batch_op.drop_index(batch_op.f("ix_family_planning_birth_reg_event_node_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_birth_reg_event_district_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_birth_reg_event_community_id"))

    op.drop_table("family_planning_birth_reg_event")
    with op.batch_alter_table("family_planning_family_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_planning_family_event_street_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_family_event_node_id"))
        batch_op.drop_index("ix_family_planning_family_event_family")
        batch_op.drop_index(batch_op.f("ix_family_planning_family_event_district_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_family_event_community_id"))

    op.drop_table("family_planning_family_event")
    with op.batch_alter_table("family_planning_birth_reg", schema=None) as batch_op:
        batch_op.drop_index("ix_family_planning_birth_reg_woman")
        batch_op.drop_index(batch_op.f("ix_family_planning_birth_reg_street_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_birth_reg_node_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_birth_reg_district_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_birth_reg_community_id"))
        batch_op.drop_index("ix_family_planning_birth_reg_community_applied")

    op.drop_table("family_planning_birth_reg")
    with op.batch_alter_table("family_planning_woman", schema=None) as batch_op:
        batch_op.drop_index("ix_family_planning_woman_street_status")
        batch_op.drop_index(batch_op.f("ix_family_planning_woman_street_id"))
        batch_op.drop_index("ix_family_planning_woman_resident")
        batch_op.drop_index(batch_op.f("ix_family_planning_woman_node_id"))
        batch_op.drop_index("ix_family_planning_woman_district_status")
        batch_op.drop_index(batch_op.f("ix_family_planning_woman_district_id"))
        batch_op.drop_index("ix_family_planning_woman_community_status")
        batch_op.drop_index(batch_op.f("ix_family_planning_woman_community_id"))

    op.drop_table("family_planning_woman")
    with op.batch_alter_table("family_planning_family", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_planning_family_street_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_family_node_id"))
        batch_op.drop_index("ix_family_planning_family_household")
        batch_op.drop_index(batch_op.f("ix_family_planning_family_district_id"))
        batch_op.drop_index("ix_family_planning_family_community_status")
        batch_op.drop_index(batch_op.f("ix_family_planning_family_community_id"))

    op.drop_table("family_planning_family")
