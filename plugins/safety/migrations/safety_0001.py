"""safety: enterprises, major hazard sources, inspections, hazards and their workflow events,
training and trainees, accidents, activities, photos

Revision ID: safety_0001
Revises: (none: the first revision of the safety branch)
Create Date: 2026-11-23

The safety plugin's own Alembic branch, labelled ``safety``, depending on the registry's first
revision (an enterprise is a registry unit). Two partial indexes serve the overdue list and the
dashboard: open hazards (status not closed, not deleted) by deadline, per street and community.
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "safety_0001"
down_revision = None
branch_labels = ("safety",)
depends_on = "registry_0001"


def upgrade() -> None:
    op.create_table(
        "safety_activity",
        *platform_columns("safety_activity"),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("organiser", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    index_tenant_keys("safety_activity")
    with op.batch_alter_table("safety_activity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_safety_activity_community_date", ["community_id", "held_on"], unique=False
        )

    op.create_table(
        "safety_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_type", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("stored_as", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f("fk_safety_photo_node_id_tenants_node")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["core_user.id"], name=op.f("fk_safety_photo_user_id_core_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_photo")),
    )
    with op.batch_alter_table("safety_photo", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_photo_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safety_photo_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_safety_photo_node_id"), ["node_id"], unique=False)
        batch_op.create_index("ix_safety_photo_owner", ["owner_type", "owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_safety_photo_street_id"), ["street_id"], unique=False)

    op.create_table(
        "safety_training",
        *platform_columns("safety_training"),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("teacher", sa.String(length=100), nullable=False),
        sa.Column("hours", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
    )
    index_tenant_keys("safety_training")
    with op.batch_alter_table("safety_training", schema=None) as batch_op:
        batch_op.create_index(
            "ix_safety_training_community_date", ["community_id", "held_on"], unique=False
        )

    op.create_table(
        "safety_enterprise",
        *platform_columns("safety_enterprise"),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("sector", sa.String(length=24), nullable=False),
        sa.Column("standardisation", sa.String(length=12), nullable=False),
        sa.Column("standard_level", sa.String(length=10), nullable=False),
        sa.Column("demonstration", sa.Boolean(), nullable=False),
        sa.Column("principal_name", sa.String(length=50), nullable=False),
        sa.Column("principal_phone", sa.String(length=20), nullable=False),
        sa.Column("safety_manager_name", sa.String(length=50), nullable=False),
        sa.Column("safety_manager_phone", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["registry_unit.id"],
            name=op.f("fk_safety_enterprise_unit_id_registry_unit"),
        ),
    )
    index_tenant_keys("safety_enterprise")
    with op.batch_alter_table("safety_enterprise", schema=None) as batch_op:
        batch_op.create_index(
            "ix_safety_enterprise_community_risk", ["community_id", "risk_level"], unique=False
        )
        batch_op.create_index(
            "uq_safety_enterprise_unit",
            ["unit_id"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "safety_accident",
        *platform_columns("safety_accident"),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("deaths", sa.Integer(), nullable=False),
        sa.Column("serious_injuries", sa.Integer(), nullable=False),
        sa.Column("minor_injuries", sa.Integer(), nullable=False),
        sa.Column("direct_loss", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("meeting_held", sa.Boolean(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=True),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("casualty_details", sa.Text(), nullable=False),
        sa.Column("liability", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["safety_enterprise.id"],
            name=op.f("fk_safety_accident_enterprise_id_safety_enterprise"),
        ),
    )
    index_tenant_keys("safety_accident")
    with op.batch_alter_table("safety_accident", schema=None) as batch_op:
        batch_op.create_index(
            "ix_safety_accident_community_date", ["community_id", "occurred_on"], unique=False
        )

    op.create_table(
        "safety_hazard_source",
        *platform_columns("safety_hazard_source"),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("grade", sa.String(length=4), nullable=False),
        sa.Column("substances", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.String(length=50), nullable=False),
        sa.Column("responsible_person", sa.String(length=50), nullable=False),
        sa.Column("monitoring", sa.Text(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["safety_enterprise.id"],
            name=op.f("fk_safety_hazard_source_enterprise_id_safety_enterprise"),
        ),
    )
    index_tenant_keys("safety_hazard_source")
    with op.batch_alter_table("safety_hazard_source", schema=None) as batch_op:
        batch_op.create_index("ix_safety_hazard_source_enterprise", ["enterprise_id"], unique=False)

    op.create_table(
        "safety_inspection",
        *platform_columns("safety_inspection"),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("inspectors", sa.String(length=200), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["safety_enterprise.id"],
            name=op.f("fk_safety_inspection_enterprise_id_safety_enterprise"),
        ),
    )
    index_tenant_keys("safety_inspection")
    with op.batch_alter_table("safety_inspection", schema=None) as batch_op:
        batch_op.create_index(
            "ix_safety_inspection_community_date", ["community_id", "done_on"], unique=False
        )
        batch_op.create_index("ix_safety_inspection_enterprise", ["enterprise_id"], unique=False)
        batch_op.create_index(
            "ix_safety_inspection_street_date", ["street_id", "done_on"], unique=False
        )

    op.create_table(
        "safety_trainee",
        *platform_columns("safety_trainee"),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("post", sa.String(length=20), nullable=False),
        sa.Column("certificate_number", sa.String(length=40), nullable=False),
        sa.Column("certificate_issued_on", sa.Date(), nullable=True),
        sa.Column("certificate_expires_on", sa.Date(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["safety_enterprise.id"],
            name=op.f("fk_safety_trainee_enterprise_id_safety_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["safety_training.id"],
            name=op.f("fk_safety_trainee_training_id_safety_training"),
        ),
    )
    index_tenant_keys("safety_trainee")
    with op.batch_alter_table("safety_trainee", schema=None) as batch_op:
        batch_op.create_index(
            "ix_safety_trainee_community_expiry",
            ["community_id", "certificate_expires_on"],
            unique=False,
        )
        batch_op.create_index("ix_safety_trainee_training", ["training_id"], unique=False)

    op.create_table(
        "safety_hazard",
        *platform_columns("safety_hazard"),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("found_by", sa.String(length=100), nullable=False),
        sa.Column("notice_number", sa.String(length=40), nullable=False),
        sa.Column("notice_issued_on", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("responsible_person", sa.String(length=50), nullable=False),
        sa.Column("responsible_phone", sa.String(length=20), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["safety_enterprise.id"],
            name=op.f("fk_safety_hazard_enterprise_id_safety_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["safety_inspection.id"],
            name=op.f("fk_safety_hazard_inspection_id_safety_inspection"),
        ),
        sa.UniqueConstraint("community_id", "number", name="uq_safety_hazard_community_number"),
    )
    index_tenant_keys("safety_hazard")
    with op.batch_alter_table("safety_hazard", schema=None) as batch_op:
        batch_op.create_index(
            "ix_safety_hazard_community_found", ["community_id", "found_on"], unique=False
        )
        batch_op.create_index(
            "ix_safety_hazard_community_open_deadline",
            ["community_id", "deadline"],
            unique=False,
            sqlite_where=sa.text("status <> 'closed' AND deleted_at IS NULL"),
            postgresql_where=sa.text("status <> 'closed' AND deleted_at IS NULL"),
        )
        batch_op.create_index("ix_safety_hazard_enterprise", ["enterprise_id"], unique=False)
        batch_op.create_index("ix_safety_hazard_inspection", ["inspection_id"], unique=False)
        batch_op.create_index(
            "ix_safety_hazard_street_found", ["street_id", "found_on"], unique=False
        )
        batch_op.create_index(
            "ix_safety_hazard_street_open_deadline",
            ["street_id", "deadline"],
            unique=False,
            sqlite_where=sa.text("status <> 'closed' AND deleted_at IS NULL"),
            postgresql_where=sa.text("status <> 'closed' AND deleted_at IS NULL"),
        )

    op.create_table(
        "safety_hazard_event",
        *platform_columns("safety_hazard_event", event=True),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"],
            ["safety_hazard.id"],
            name=op.f("fk_safety_hazard_event_hazard_id_safety_hazard"),
        ),
    )
    index_tenant_keys("safety_hazard_event")
    with op.batch_alter_table("safety_hazard_event", schema=None) as batch_op:
        batch_op.create_index("ix_safety_hazard_event_hazard", ["hazard_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("safety_hazard_event")
    op.drop_table("safety_hazard")
    op.drop_table("safety_trainee")
    op.drop_table("safety_inspection")
    op.drop_table("safety_hazard_source")
    op.drop_table("safety_accident")
    op.drop_table("safety_enterprise")
    op.drop_table("safety_training")
    op.drop_table("safety_photo")
    op.drop_table("safety_activity")
