"""volunteers: the volunteer register (志愿者), teams (志愿者队伍), memberships and service hours

Revision ID: 0015_volunteers
Revises: 0014_checklists
Create Date: 2026-12-02

New tables only; no existing row is touched. ``core_volunteer.resident_id`` has no foreign key:
residents are the registry plugin's, which core does not depend on.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_volunteers"
down_revision = "0014_checklists"
branch_labels = None
depends_on = None


def _owned(table: str) -> list[sa.schema.SchemaItem]:
    """What every tenant-owned, soft-deleted ledger table carries."""
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"], ["core_user.id"], name=op.f(f"fk_{table}_deleted_by_id_core_user")
        ),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f(f"fk_{table}_node_id_tenants_node")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _owned_indexes(table: str) -> None:
    for column in ("community_id", "district_id", "node_id", "street_id"):
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


TABLES = ("core_volunteer", "core_volunteer_team", "core_team_membership", "core_service_record")


def upgrade() -> None:
    op.create_table(
        "core_volunteer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("elder_kind", sa.String(length=20), nullable=False),
        sa.Column("skills", sa.String(length=200), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("left_reason", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        *_owned("core_volunteer"),
    )
    _owned_indexes("core_volunteer")
    op.create_index(op.f("ix_core_volunteer_resident_id"), "core_volunteer", ["resident_id"])

    op.create_table(
        "core_volunteer_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["core_volunteer.id"],
            name=op.f("fk_core_volunteer_team_leader_id_core_volunteer"),
        ),
        *_owned("core_volunteer_team"),
    )
    _owned_indexes("core_volunteer_team")

    op.create_table(
        "core_team_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["core_volunteer_team.id"],
            name=op.f("fk_core_team_membership_team_id_core_volunteer_team"),
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["core_volunteer.id"],
            name=op.f("fk_core_team_membership_volunteer_id_core_volunteer"),
        ),
        *_owned("core_team_membership"),
    )
    _owned_indexes("core_team_membership")
    op.create_index("ix_core_team_membership_team", "core_team_membership", ["team_id"])
    op.create_index(
        op.f("ix_core_team_membership_volunteer_id"), "core_team_membership", ["volunteer_id"]
    )

    op.create_table(
        "core_service_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("source_kind", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["core_volunteer.id"],
            name=op.f("fk_core_service_record_volunteer_id_core_volunteer"),
        ),
        *_owned("core_service_record"),
    )
    _owned_indexes("core_service_record")
    op.create_index(
        "ix_core_service_record_volunteer_day", "core_service_record", ["volunteer_id", "day"]
    )
    op.create_index(
        "ix_core_service_record_source", "core_service_record", ["source_kind", "source_id"]
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
