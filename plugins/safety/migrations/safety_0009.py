"""safety: hazards indexed in the list's order at every scope

Revision ID: safety_0009
Revises: safety_0008
Create Date: 2026-12-02

The hazard list is ordered by found_on DESC, id DESC. The indexes on (community_id, found_on)
and (street_id, found_on) left the id tiebreak to a sort of every hazard found on a day, and a
district had none, so a district list sorted the whole scope. (scope, found_on, id), read
backwards, serves the order at each scope and the figures' date ranges as before.
"""

from alembic import op

revision = "safety_0009"
down_revision = "safety_0008"
branch_labels = None
depends_on = None

TABLE = "safety_hazard"
SCOPES = ("community", "street", "district")


def upgrade() -> None:
    for scope in ("community", "street"):
        op.drop_index(f"ix_{TABLE}_{scope}_found", table_name=TABLE)
    for scope in SCOPES:
        op.create_index(f"ix_{TABLE}_{scope}_found", TABLE, [f"{scope}_id", "found_on", "id"])


def downgrade() -> None:
    for scope in SCOPES:
        op.drop_index(f"ix_{TABLE}_{scope}_found", table_name=TABLE)
    for scope in ("community", "street"):
        op.create_index(f"ix_{TABLE}_{scope}_found", TABLE, [f"{scope}_id", "found_on"])
