"""visits with quotas (走访) and area assignments (包片/包保)

Revision ID: 0013_visits
Revises: 0012_activities
Create Date: 2026-12-02

Three new tables: ``core_visit`` (one visit of a subject by staff, for one module), its staff
visitors ``core_visit_visitor``, and ``core_area_assignment`` (a worker answers for a grid, a
building or a subject). No existing row changes. (``core_assignment`` already holds role
assignments, hence the name.)
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_visits"
down_revision = "0012_activities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=40), nullable=False),
        sa.Column("subject_kind", sa.String(length=12), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_name", sa.String(length=100), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("visitor_names", sa.String(length=300), nullable=False),
        sa.Column("companions", sa.String(length=200), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["deleted_by_id"], ["core_user.id"]),
        sa.ForeignKeyConstraint(["node_id"], ["tenants_node.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_core_visit_subject",
        "core_visit",
        ["module", "subject_kind", "subject_id", "visited_on"],
    )
    for column in ("node_id", "district_id", "street_id", "community_id"):
        op.create_index(f"ix_core_visit_{column}", "core_visit", [column])
    op.create_table(
        "core_visit_visitor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["visit_id"], ["core_visit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("visit_id", "user_id"),
    )
    op.create_index("ix_core_visit_visitor_user_id", "core_visit_visitor", ["user_id"])
    op.create_table(
        "core_area_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("subject_kind", sa.String(length=12), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(length=100), nullable=False),
        sa.Column("module", sa.String(length=40), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["community_id"], ["tenants_node.id"]),
        sa.ForeignKeyConstraint(["node_id"], ["tenants_node.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["core_user.id"]),
        sa.ForeignKeyConstraint(["deleted_by_id"], ["core_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_core_area_assignment_user", "core_area_assignment", ["user_id", "module"])
    op.create_index(
        "ix_core_area_assignment_subject", "core_area_assignment", ["subject_kind", "subject_id"]
    )
    op.create_index(
        "ix_core_area_assignment_community_id", "core_area_assignment", ["community_id"]
    )
    op.create_index("ix_core_area_assignment_node_id", "core_area_assignment", ["node_id"])


def downgrade() -> None:
    op.drop_table("core_area_assignment")
    op.drop_table("core_visit_visitor")
    op.drop_table("core_visit")
