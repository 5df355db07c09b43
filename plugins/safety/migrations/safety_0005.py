"""safety: publicity activities become core's activity records

Revision ID: safety_0005
Revises: safety_0004
Create Date: 2026-12-02

Every ``safety_activity`` row moves to ``core_activity`` with ``module = 'safety'``, deleted ones
too. Ids are kept when ``core_activity`` is still empty (as it is on a first upgrade), so pages
and API addresses stay; otherwise they are shifted past its highest id. Photos
(``core_attachment``, owner ``safety.activity``) and the history (``core_record_change``) are
re-keyed to ``core.activity`` and the new ids. The audit log is left as it was written.

Downgrade moves safety's activities back, unless something the old table cannot hold would be
lost (attendees, materials, further modules, times, observances, partner units, target groups):
then it is refused, naming what.
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "safety_0005"
down_revision = "safety_0004"
branch_labels = None
depends_on = "0012_activities"

TENANT = "created_at, updated_at, deleted_at, deleted_by_id, node_id, district_id, street_id, community_id"
OLD = f"kind, title, held_on, place, headcount, organiser, summary, {TENANT}"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _reset_sequence(table: str) -> None:
    """After rows were written with their ids: the next id PostgreSQL hands out follows them."""
    if _postgres():
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


def upgrade() -> None:
    conn = op.get_bind()
    offset = conn.scalar(sa.text("SELECT COALESCE(MAX(id), 0) FROM core_activity")) or 0
    empty_list = "CAST('[]' AS JSON)" if _postgres() else "'[]'"
    op.execute(
        f"INSERT INTO core_activity (id, module, observance, partners, target_groups, {OLD}) "
        f"SELECT id + {int(offset)}, 'safety', '', '', {empty_list}, {OLD} FROM safety_activity"
    )
    _reset_sequence("core_activity")
    op.execute(
        f"UPDATE core_attachment SET owner_type = 'core.activity', owner_id = owner_id + "
        f"{int(offset)} WHERE owner_type = 'safety.activity'"
    )
    op.execute(
        f"UPDATE core_record_change SET object_type = 'core.activity', object_id = object_id + "
        f"{int(offset)} WHERE object_type = 'safety.activity'"
    )
    for index in ("street_id", "node_id", "district_id", "community_id"):
        op.drop_index(f"ix_safety_activity_{index}", table_name="safety_activity")
    op.drop_index("ix_safety_activity_community_date", table_name="safety_activity")
    op.drop_table("safety_activity")


def _refusal(conn: sa.Connection) -> str | None:
    """What the old table cannot hold, if safety's activities carry any of it."""
    mine = "SELECT id FROM core_activity WHERE module = 'safety'"
    checks = {
        "attendees": f"SELECT COUNT(*) FROM core_activity_attendee WHERE activity_id IN ({mine})",
        "materials": f"SELECT COUNT(*) FROM core_activity_material WHERE activity_id IN ({mine})",
        "further modules": f"SELECT COUNT(*) FROM core_activity_module "
        f"WHERE activity_id IN ({mine})",
        "times, observances, partner units or target groups": (
            "SELECT COUNT(*) FROM core_activity WHERE module = 'safety' AND (start_time IS NOT "
            "NULL OR ends_on IS NOT NULL OR end_time IS NOT NULL OR observance != '' OR "
            "partners != '')"
        ),
    }
    found = [what for what, query in checks.items() if conn.scalar(sa.text(query))]
    groups = conn.execute(
        sa.text("SELECT target_groups FROM core_activity WHERE module = 'safety'")
    ).scalars()
    if any(g not in (None, [], "[]") for g in groups):
        found.append("target groups")
    if found:
        return (
            "safety_0005 cannot be downgraded: safety's activities now record "
            + ", ".join(found)
            + ", which safety_activity cannot hold. Export them first and remove those details."
        )
    return None


def downgrade() -> None:
    conn = op.get_bind()
    refusal = _refusal(conn)
    if refusal:
        raise RuntimeError(refusal)
    op.create_table(
        "safety_activity",
        *platform_columns("safety_activity"),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("organiser", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_safety_activity_community_date", "safety_activity", ["community_id", "held_on"]
    )
    index_tenant_keys("safety_activity")
    mine = "SELECT id FROM core_activity WHERE module = 'safety'"
    op.execute(
        f"INSERT INTO safety_activity (id, {OLD}) SELECT id, {OLD} FROM core_activity "
        "WHERE module = 'safety'"
    )
    _reset_sequence("safety_activity")
    op.execute(
        "UPDATE core_attachment SET owner_type = 'safety.activity' "
        f"WHERE owner_type = 'core.activity' AND owner_id IN ({mine})"
    )
    op.execute(
        "UPDATE core_record_change SET object_type = 'safety.activity' "
        f"WHERE object_type = 'core.activity' AND object_id IN ({mine})"
    )
    op.execute("DELETE FROM core_activity WHERE module = 'safety'")
