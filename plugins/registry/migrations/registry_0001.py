"""registry: households, residents (with tags), units and their history

Revision ID: registry_0001
Revises: (none: the first revision of the registry branch)
Create Date: 2026-11-23

The registry's own Alembic branch, labelled ``registry``, depending on core's 0002_modules. The
name and reversed-ID indexes use ``text_pattern_ops`` on PostgreSQL so prefix searches
(``LIKE 'x%'``) use them whatever the database collation; the unique (community, ID) and
(community, credit code) indexes are partial: soft-deleted rows do not count.
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "registry_0001"
down_revision = None
branch_labels = ("registry",)
depends_on = "0002_modules"


def upgrade() -> None:
    op.create_table(
        "registry_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=12), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f("fk_registry_change_node_id_tenants_node")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["core_user.id"], name=op.f("fk_registry_change_user_id_core_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_change")),
    )
    with op.batch_alter_table("registry_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_change_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registry_change_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_registry_change_node_id"), ["node_id"], unique=False)
        batch_op.create_index(
            "ix_registry_change_object", ["object_type", "object_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registry_change_street_id"), ["street_id"], unique=False
        )

    op.create_table(
        "registry_household",
        *platform_columns("registry_household"),
        sa.Column("entrance", sa.String(length=20), nullable=False),
        sa.Column("room", sa.String(length=20), nullable=False),
        sa.Column("head_name", sa.String(length=50), nullable=False),
        sa.Column("tenure", sa.String(length=10), nullable=False),
        sa.Column("moved_in_on", sa.Date(), nullable=True),
        sa.Column("moved_out_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
    )
    index_tenant_keys("registry_household")
    with op.batch_alter_table("registry_household", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_household_community_address",
            ["community_id", "node_id", "room"],
            unique=False,
        )

    op.create_table(
        "registry_unit",
        *platform_columns("registry_unit"),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("legal_representative", sa.String(length=50), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("industry", sa.String(length=50), nullable=False),
        sa.Column("size_class", sa.String(length=10), nullable=False),
        sa.Column("output_value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
    )
    index_tenant_keys("registry_unit")
    with op.batch_alter_table("registry_unit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_unit_community_kind", ["community_id", "kind"], unique=False
        )
        batch_op.create_index(
            "ix_registry_unit_community_name",
            ["community_id", "name"],
            unique=False,
            postgresql_ops={"name": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_registry_unit_street_name",
            ["street_id", "name"],
            unique=False,
            postgresql_ops={"name": "text_pattern_ops"},
        )
        batch_op.create_index(
            "uq_registry_unit_community_credit_code",
            ["community_id", "credit_code"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "registry_resident",
        *platform_columns("registry_resident"),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("id_reversed", sa.String(length=18), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("mobile", sa.String(length=11), nullable=False),
        sa.Column("ethnicity", sa.String(length=20), nullable=False),
        sa.Column("hukou_address", sa.String(length=200), nullable=False),
        sa.Column("current_address", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("arrived_on", sa.Date(), nullable=True),
        sa.Column("managed_on", sa.Date(), nullable=True),
        sa.Column("departed_on", sa.Date(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("relation", sa.String(length=12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["registry_household.id"],
            name=op.f("fk_registry_resident_household_id_registry_household"),
        ),
    )
    index_tenant_keys("registry_resident")
    with op.batch_alter_table("registry_resident", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_resident_community_idrev",
            ["community_id", "id_reversed"],
            unique=False,
            postgresql_ops={"id_reversed": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_registry_resident_community_name",
            ["community_id", "name"],
            unique=False,
            postgresql_ops={"name": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_registry_resident_community_status", ["community_id", "status"], unique=False
        )
        batch_op.create_index("ix_registry_resident_household_id", ["household_id"], unique=False)
        batch_op.create_index(
            "ix_registry_resident_street_idrev",
            ["street_id", "id_reversed"],
            unique=False,
            postgresql_ops={"id_reversed": "text_pattern_ops"},
        )
        batch_op.create_index(
            "ix_registry_resident_street_name",
            ["street_id", "name"],
            unique=False,
            postgresql_ops={"name": "text_pattern_ops"},
        )
        batch_op.create_index(
            "uq_registry_resident_community_id_number",
            ["community_id", "id_number"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "registry_resident_tag",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["registry_resident.id"],
            name=op.f("fk_registry_resident_tag_resident_id_registry_resident"),
        ),
        sa.PrimaryKeyConstraint("resident_id", "tag", name=op.f("pk_registry_resident_tag")),
    )
    with op.batch_alter_table("registry_resident_tag", schema=None) as batch_op:
        batch_op.create_index("ix_registry_resident_tag_tag", ["tag", "resident_id"], unique=False)


def downgrade() -> None:
    for table in (
        "registry_resident_tag",
        "registry_resident",
        "registry_unit",
        "registry_household",
        "registry_change",
    ):
        op.drop_table(table)
