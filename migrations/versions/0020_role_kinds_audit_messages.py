"""role kinds and translatable audit summaries

Revision ID: 0020_role_kinds_audit
Revises: 0019_targets
Create Date: 2026-12-03

A custom role names the node kinds it may be granted at (empty: any); an audit entry keeps its
summary's message id and parameters beside the text, so it is read in the reader's language.
Existing rows keep their text and get no message id. Two indexes serve the log's filters by
action and by object (an account's sign-ins).
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_role_kinds_audit"
down_revision = "0019_targets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_role") as batch:
        batch.add_column(
            sa.Column("node_kinds", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("core_audit_log") as batch:
        batch.add_column(sa.Column("message", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("params", sa.JSON(), nullable=True))
    op.create_index("ix_core_audit_log_action_at", "core_audit_log", ["action", "at"])
    op.create_index("ix_core_audit_log_object", "core_audit_log", ["object_type", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_core_audit_log_object", table_name="core_audit_log")
    op.drop_index("ix_core_audit_log_action_at", table_name="core_audit_log")
    with op.batch_alter_table("core_audit_log") as batch:
        batch.drop_column("params")
        batch.drop_column("message")
    with op.batch_alter_table("core_role") as batch:
        batch.drop_column("node_kinds")
