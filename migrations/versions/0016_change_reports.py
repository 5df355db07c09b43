"""change reports: 楼门院长信息反馈 from building leaders and their timeline

Revision ID: 0016_change_reports
Revises: 0015_volunteers
Create Date: 2026-12-02

Two new tables; no existing row changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_change_reports"
down_revision = "0015_volunteers"
branch_labels = None
depends_on = None

TENANT_KEYS = ("node_id", "district_id", "street_id", "community_id")


def _tenant_columns(table: str) -> list[sa.Column]:
    return [
        sa.Column(
            "node_id",
            sa.Integer(),
            sa.ForeignKey("tenants_node.id", name=f"fk_{table}_node_id_tenants_node"),
            nullable=False,
        ),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "core_change_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("subject_names", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "reporter_id",
            sa.Integer(),
            sa.ForeignKey("core_user.id", name="fk_core_change_report_reporter_id_core_user"),
            nullable=True,
        ),
        sa.Column("reporter_name", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "deleted_by_id",
            sa.Integer(),
            sa.ForeignKey("core_user.id", name="fk_core_change_report_deleted_by_id_core_user"),
            nullable=True,
        ),
        *_tenant_columns("core_change_report"),
        sa.PrimaryKeyConstraint("id", name="pk_core_change_report"),
    )
    for key in TENANT_KEYS:
        op.create_index(f"ix_core_change_report_{key}", "core_change_report", [key])
    op.create_index(
        "ix_core_change_report_community_status", "core_change_report", ["community_id", "status"]
    )
    op.create_index("ix_core_change_report_reporter", "core_change_report", ["reporter_id", "id"])

    op.create_table(
        "core_change_report_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "report_id",
            sa.Integer(),
            sa.ForeignKey(
                "core_change_report.id",
                name="fk_core_change_report_event_report_id_core_change_report",
            ),
            nullable=False,
        ),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=False),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("core_user.id", name="fk_core_change_report_event_user_id_core_user"),
            nullable=True,
        ),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        *_tenant_columns("core_change_report_event"),
        sa.PrimaryKeyConstraint("id", name="pk_core_change_report_event"),
    )
    for key in TENANT_KEYS:
        op.create_index(f"ix_core_change_report_event_{key}", "core_change_report_event", [key])
    op.create_index(
        "ix_core_change_report_event_report", "core_change_report_event", ["report_id", "id"]
    )


def downgrade() -> None:
    op.drop_table("core_change_report_event")
    op.drop_table("core_change_report")
