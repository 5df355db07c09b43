"""core: the tenant tree, accounts, roles, assignments, API tokens, audit log

Revision ID: 0001_core
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = ("core",)
depends_on = None

# Paths compare byte-wise (collation C on PostgreSQL): see core.db.PathString.
PATH = sa.String(length=255).with_variant(sa.String(length=255, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "core_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_role")),
        sa.UniqueConstraint("key", name=op.f("uq_core_role_key")),
    )
    op.create_table(
        "tenants_node",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("path", PATH, nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["tenants_node.id"], name=op.f("fk_tenants_node_parent_id_tenants_node")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants_node")),
        sa.UniqueConstraint("ref", name=op.f("uq_tenants_node_ref")),
    )
    with op.batch_alter_table("tenants_node", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tenants_node_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tenants_node_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index("ix_tenants_node_name", ["name"], unique=False)
        batch_op.create_index("ix_tenants_node_parent_id_name", ["parent_id", "name"], unique=False)
        batch_op.create_index("ix_tenants_node_path", ["path"], unique=False)
        batch_op.create_index(batch_op.f("ix_tenants_node_street_id"), ["street_id"], unique=False)

    op.create_table(
        "core_role_permission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("permission", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["core_role.id"],
            name=op.f("fk_core_role_permission_role_id_core_role"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_role_permission")),
        sa.UniqueConstraint("role_id", "permission", name=op.f("uq_core_role_permission_role_id")),
    )
    op.create_table(
        "core_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("mobile", sa.String(length=11), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("home_node_id", sa.Integer(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_node_id"],
            ["tenants_node.id"],
            name=op.f("fk_core_user_home_node_id_tenants_node"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_user")),
        sa.UniqueConstraint("username", name=op.f("uq_core_user_username")),
    )
    with op.batch_alter_table("core_user", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_core_user_home_node_id"), ["home_node_id"], unique=False
        )

    op.create_table(
        "core_api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_api_token_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_api_token")),
        sa.UniqueConstraint("digest", name=op.f("uq_core_api_token_digest")),
    )
    with op.batch_alter_table("core_api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "core_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_core_assignment_created_by_id_core_user"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f("fk_core_assignment_node_id_tenants_node")
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["core_role.id"], name=op.f("fk_core_assignment_role_id_core_role")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_assignment_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_assignment")),
        sa.UniqueConstraint(
            "user_id", "role_id", "node_id", name=op.f("uq_core_assignment_user_id")
        ),
    )
    with op.batch_alter_table("core_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_assignment_node_id"), ["node_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_assignment_role_id"), ["role_id"], unique=False)

    op.create_table(
        "core_audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("node_path", PATH, nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f("fk_core_audit_log_node_id_tenants_node")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["core_user.id"], name=op.f("fk_core_audit_log_user_id_core_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_audit_log")),
    )
    with op.batch_alter_table("core_audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_core_audit_log_node_path_at", ["node_path", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_audit_log_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("core_audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_audit_log_user_id"))
        batch_op.drop_index("ix_core_audit_log_node_path_at")
        batch_op.drop_index(batch_op.f("ix_core_audit_log_at"))

    op.drop_table("core_audit_log")
    with op.batch_alter_table("core_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_assignment_role_id"))
        batch_op.drop_index(batch_op.f("ix_core_assignment_node_id"))

    op.drop_table("core_assignment")
    with op.batch_alter_table("core_api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_api_token_user_id"))

    op.drop_table("core_api_token")
    with op.batch_alter_table("core_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_user_home_node_id"))

    op.drop_table("core_user")
    op.drop_table("core_role_permission")
    with op.batch_alter_table("tenants_node", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tenants_node_street_id"))
        batch_op.drop_index("ix_tenants_node_path")
        batch_op.drop_index("ix_tenants_node_parent_id_name")
        batch_op.drop_index("ix_tenants_node_name")
        batch_op.drop_index(batch_op.f("ix_tenants_node_district_id"))
        batch_op.drop_index(batch_op.f("ix_tenants_node_community_id"))

    op.drop_table("tenants_node")
    op.drop_table("core_role")
