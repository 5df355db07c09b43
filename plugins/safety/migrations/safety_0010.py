"""safety: partial indexes for the dashboard's counts

Revision ID: safety_0010
Revises: safety_0009
Create Date: 2026-12-03

core.figures counts each figure of the dashboard in a SELECT of its own (UNION ALL), so that
each reads only its rows through an index. Three indexes serve the hazard figures: found in a
period and rectified (community_id, found_on, …), closed in a period or after the as-of day
(community_id, status, closed_on, …), open by deadline (community_id, deadline, …). Each holds
every column its counts read (deleted_at and status included), so SQLite counts in the index.
"""

import sqlalchemy as sa
from alembic import op

revision = "safety_0010"
down_revision = "safety_0009"
branch_labels = None
depends_on = None

TABLE = "safety_hazard"
LIVE = "deleted_at IS NULL"
OPEN = "status <> 'closed' AND deleted_at IS NULL"
INDEXES = (
    (
        "ix_safety_hazard_figures_found",
        ["community_id", "found_on", "status", "closed_on", "deleted_at"],
        LIVE,
    ),
    (
        "ix_safety_hazard_figures_closed",
        ["community_id", "status", "closed_on", "found_on", "deadline", "severity", "deleted_at"],
        LIVE,
    ),
    (
        "ix_safety_hazard_figures_open",
        ["community_id", "deadline", "found_on", "severity", "status", "deleted_at"],
        OPEN,
    ),
)


def upgrade() -> None:
    for name, columns, where in INDEXES:
        op.create_index(
            name,
            TABLE,
            columns,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name, _columns, _where in INDEXES:
        op.drop_index(name, table_name=TABLE)
