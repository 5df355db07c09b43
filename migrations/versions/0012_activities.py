"""activities: activity records (活动记录) of every module, their attendees and materials

Revision ID: 0012_activities
Revises: 0011_sign_ins
Create Date: 2026-12-02

``core_activity`` holds one row per activity, owned by a module (``module``) and counted for
further modules through ``core_activity_module``; ``core_activity_attendee`` the named
attendance (a registry resident's id as a plain number, no foreign key: core does not know the
registry's tables) and ``core_activity_material`` the materials handed out. New tables only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_activities"
down_revision = "0011_sign_ins"
branch_labels = None
depends_on = None


def _tenant_columns() -> list[sa.Column]:
    """The soft-delete, timestamp and tenant keys of a ledger row."""
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
    ]


def _tenant_constraints(table: str) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(
            ["deleted_by_id"], ["core_user.id"], name=op.f(f"fk_{table}_deleted_by_id_core_user")
        ),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f(f"fk_{table}_node_id_tenants_node")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _tenant_indexes(table: str) -> None:
    for column in ("community_id", "district_id", "node_id", "street_id"):
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "core_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("observance", sa.String(length=80), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("organiser", sa.String(length=100), nullable=False),
        sa.Column("partners", sa.String(length=200), nullable=False),
        sa.Column("target_groups", sa.JSON(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        *_tenant_columns(),
        *_tenant_constraints("core_activity"),
    )
    _tenant_indexes("core_activity")
    op.create_index("ix_core_activity_community_date", "core_activity", ["community_id", "held_on"])
    op.create_index("ix_core_activity_module", "core_activity", ["module"])

    op.create_table(
        "core_activity_module",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["core_activity.id"],
            name=op.f("fk_core_activity_module_activity_id_core_activity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_activity_module")),
        sa.UniqueConstraint(
            "activity_id", "module", name=op.f("uq_core_activity_module_activity_id")
        ),
    )
    op.create_index(
        op.f("ix_core_activity_module_activity_id"), "core_activity_module", ["activity_id"]
    )
    op.create_index(op.f("ix_core_activity_module_module"), "core_activity_module", ["module"])

    op.create_table(
        "core_activity_attendee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        *_tenant_columns(),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["core_activity.id"],
            name=op.f("fk_core_activity_attendee_activity_id_core_activity"),
        ),
        *_tenant_constraints("core_activity_attendee"),
    )
    _tenant_indexes("core_activity_attendee")
    op.create_index(
        op.f("ix_core_activity_attendee_activity_id"), "core_activity_attendee", ["activity_id"]
    )

    op.create_table(
        "core_activity_material",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("count_unit", sa.String(length=10), nullable=False),
        *_tenant_columns(),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["core_activity.id"],
            name=op.f("fk_core_activity_material_activity_id_core_activity"),
        ),
        *_tenant_constraints("core_activity_material"),
    )
    _tenant_indexes("core_activity_material")
    op.create_index(
        op.f("ix_core_activity_material_activity_id"), "core_activity_material", ["activity_id"]
    )


def downgrade() -> None:
    for table in ("core_activity_material", "core_activity_attendee"):
        op.drop_index(op.f(f"ix_{table}_activity_id"), table_name=table)
        for column in ("street_id", "node_id", "district_id", "community_id"):
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
    op.drop_index(op.f("ix_core_activity_module_module"), table_name="core_activity_module")
    op.drop_index(op.f("ix_core_activity_module_activity_id"), table_name="core_activity_module")
    op.drop_table("core_activity_module")
    op.drop_index("ix_core_activity_module", table_name="core_activity")
    op.drop_index("ix_core_activity_community_date", table_name="core_activity")
    for column in ("street_id", "node_id", "district_id", "community_id"):
        op.drop_index(op.f(f"ix_core_activity_{column}"), table_name="core_activity")
    op.drop_table("core_activity")
