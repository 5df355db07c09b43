"""checklists: versioned scored checklist templates, inspection rounds, referrals

Revision ID: 0014_checklists
Revises: 0013_visits
Create Date: 2026-12-02

Core's inspection machinery for every module: a checklist template (检查表) per module and kind
of target, kept in versions (a version that scored an inspection is never changed), its items
(分值 or pass/fail), inspection rounds (检查轮次) ranked and announced, and referrals (移交) of a
finding or a rectification item to another authority. New tables only; no row changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_checklists"
down_revision = "0013_visits"
branch_labels = None
depends_on = None


def _tenant_columns(table: str) -> list:
    return [
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f(f"fk_{table}_node_id_tenants_node")
        ),
    ]


def _tenant_indexes(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in ("community_id", "district_id", "node_id", "street_id"):
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "core_checklist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("pass_mark", sa.Float(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f("fk_core_checklist_node_id_tenants_node")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_checklist")),
        sa.UniqueConstraint(
            "module", "target_kind", "name", "node_id", "version", name="uq_core_checklist_version"
        ),
    )
    op.create_index("ix_core_checklist_module_target", "core_checklist", ["module", "target_kind"])
    op.create_table(
        "core_checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=100), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checklist_id"],
            ["core_checklist.id"],
            name=op.f("fk_core_checklist_item_checklist_id_core_checklist"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_checklist_item")),
    )
    op.create_index("ix_core_checklist_item_checklist", "core_checklist_item", ["checklist_id"])
    op.create_table(
        "core_inspection_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_columns("core_inspection_round"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_inspection_round")),
    )
    _tenant_indexes("core_inspection_round")
    op.create_index(
        "ix_core_inspection_round_module", "core_inspection_round", ["module", "community_id"]
    )
    op.create_table(
        "core_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("owner_type", sa.String(length=80), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        *_tenant_columns("core_referral"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_referral")),
    )
    _tenant_indexes("core_referral")
    op.create_index("ix_core_referral_owner", "core_referral", ["owner_type", "owner_id"])


def downgrade() -> None:
    op.drop_table("core_referral")
    op.drop_table("core_inspection_round")
    op.drop_table("core_checklist_item")
    op.drop_table("core_checklist")
