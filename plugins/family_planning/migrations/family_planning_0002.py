"""family_planning: benefit programmes, rolls and their lines

Revision ID: family_planning_0002
Revises: family_planning_0001
Create Date: 2026-12-03 05:53:11.586482

The benefit rolls (奖励费, 奖励扶助, 特别扶助): programmes, rolls per period with their
workflow timeline, and their lines.
"""

import sqlalchemy as sa
from alembic import op

revision = "family_planning_0002"
down_revision = "family_planning_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "family_planning_program",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("cycle", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=True),
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
            name=op.f("fk_family_planning_program_deleted_by_id_core_user"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_family_planning_program_node_id_tenants_node"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_planning_program")),
    )
    with op.batch_alter_table("family_planning_program", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_planning_program_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_program_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_program_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_program_street_id"), ["street_id"], unique=False
        )

    op.create_table(
        "family_planning_roll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("drafted_on", sa.Date(), nullable=False),
        sa.Column("publicity_until", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("return_comment", sa.Text(), nullable=False),
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
            name=op.f("fk_family_planning_roll_deleted_by_id_core_user"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_family_planning_roll_node_id_tenants_node"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["family_planning_program.id"],
            name=op.f("fk_family_planning_roll_program_id_family_planning_program"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_planning_roll")),
    )
    with op.batch_alter_table("family_planning_roll", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            "ix_family_planning_roll_community_period", ["community_id", "period"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_street_id"), ["street_id"], unique=False
        )

    op.create_table(
        "family_planning_roll_event",
        sa.Column("roll_id", sa.Integer(), nullable=False),
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
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_family_planning_roll_event_node_id_tenants_node"),
        ),
        sa.ForeignKeyConstraint(
            ["roll_id"],
            ["family_planning_roll.id"],
            name=op.f("fk_family_planning_roll_event_roll_id_family_planning_roll"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_family_planning_roll_event_user_id_core_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_planning_roll_event")),
    )
    with op.batch_alter_table("family_planning_roll_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_event_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_event_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_event_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index("ix_family_planning_roll_event_roll", ["roll_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_event_street_id"), ["street_id"], unique=False
        )

    op.create_table(
        "family_planning_roll_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roll_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("line_kind", sa.String(length=10), nullable=False),
        sa.Column("stop_reason", sa.String(length=12), nullable=True),
        sa.Column("account_last4", sa.String(length=4), nullable=False),
        sa.Column("review_comment", sa.String(length=500), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=True),
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
            name=op.f("fk_family_planning_roll_line_deleted_by_id_core_user"),
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family_planning_family.id"],
            name=op.f("fk_family_planning_roll_line_family_id_family_planning_family"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["tenants_node.id"],
            name=op.f("fk_family_planning_roll_line_node_id_tenants_node"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["registry_resident.id"],
            name=op.f("fk_family_planning_roll_line_resident_id_registry_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["roll_id"],
            ["family_planning_roll.id"],
            name=op.f("fk_family_planning_roll_line_roll_id_family_planning_roll"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_planning_roll_line")),
    )
    with op.batch_alter_table("family_planning_roll_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_line_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_line_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(
            "ix_family_planning_roll_line_district_resident",
            ["district_id", "resident_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_line_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index("ix_family_planning_roll_line_roll", ["roll_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_family_planning_roll_line_street_id"), ["street_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("family_planning_roll_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_line_street_id"))
        batch_op.drop_index("ix_family_planning_roll_line_roll")
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_line_node_id"))
        batch_op.drop_index("ix_family_planning_roll_line_district_resident")
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_line_district_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_line_community_id"))

    op.drop_table("family_planning_roll_line")
    with op.batch_alter_table("family_planning_roll_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_event_street_id"))
        batch_op.drop_index("ix_family_planning_roll_event_roll")
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_event_node_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_event_district_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_event_community_id"))

    op.drop_table("family_planning_roll_event")
    with op.batch_alter_table("family_planning_roll", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_street_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_node_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_district_id"))
        batch_op.drop_index("ix_family_planning_roll_community_period")
        batch_op.drop_index(batch_op.f("ix_family_planning_roll_community_id"))

    op.drop_table("family_planning_roll")
    with op.batch_alter_table("family_planning_program", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_planning_program_street_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_program_node_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_program_district_id"))
        batch_op.drop_index(batch_op.f("ix_family_planning_program_community_id"))

    op.drop_table("family_planning_program")
