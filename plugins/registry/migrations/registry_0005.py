"""registry: the verification log of floating residents; the ID index across communities;
special-group tags withheld from history and the audit log

Revision ID: registry_0005
Revises: registry_0004
Create Date: 2026-12-10

- ``registry_verification`` (经常性核查回访 / 每月排查): one row per verification of a floating
  resident — day, method, result, who verified, notes; tenant-owned, soft-deleted, indexed by
  (resident, day) for the last verification of each resident and (community, day) for lists.
- ``ix_registry_resident_id_number`` (live rows): the same ID number in other communities is
  looked up when a resident is registered, and a street lists the numbers live in two.
- The tags 残疾人 (``disabled``), 低保 (``dibao``) and 留守儿童 (``left_behind_child``) are S3 from
  now on: the history and the audit log never hold them in clear. Entries written before kept
  the tag lists in clear; in both tables those keys are replaced by one ``***`` per list (what
  core writes now in the audit log). They cannot be sealed here (sealing needs the running app's
  secret key), so which special group an old history entry named is no longer kept; entries
  written from now on are sealed and readable by holders of ``registry.sensitive.view``.

The downgrade drops the table and the index; scrubbed tags do not come back.
"""

import json

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "registry_0005"
down_revision = "registry_0004"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")
S3_TAGS = ("disabled", "dibao", "left_behind_child")
WITHHELD = "***"

change = sa.table(
    "core_record_change",
    sa.column("id", sa.Integer),
    sa.column("object_type", sa.String),
    sa.column("changes", sa.JSON),
)
audit = sa.table(
    "core_audit_log",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("details", sa.JSON),
)


def _scrubbed_list(value):
    if not isinstance(value, list) or not any(v in S3_TAGS for v in value):
        return value
    kept = [v for v in value if v not in S3_TAGS and v != WITHHELD]
    return [*kept, WITHHELD]


def _scrubbed(values):
    """A changes/details dict with the S3 keys of its ``tags`` pair withheld."""
    if not isinstance(values, dict) or not isinstance(values.get("tags"), list):
        return values
    return {**values, "tags": [_scrubbed_list(v) for v in values["tags"]]}


def _scrub(conn, table, key, where) -> None:
    column = getattr(table.c, key)
    for row in conn.execute(sa.select(table.c.id, column).where(where)).all():
        value = row[1]
        if isinstance(value, str):  # a JSON column read back as text by some drivers
            value = json.loads(value)
        clean = _scrubbed(value)
        if clean != value:
            conn.execute(table.update().where(table.c.id == row[0]).values({key: clean}))


def upgrade() -> None:
    op.create_table(
        "registry_verification",
        *platform_columns("registry_verification"),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("result", sa.String(length=12), nullable=False),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["registry_resident.id"],
            name=op.f("fk_registry_verification_resident_id_registry_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["core_user.id"],
            name=op.f("fk_registry_verification_verified_by_id_core_user"),
        ),
    )
    index_tenant_keys("registry_verification")
    for name, columns in (
        ("ix_registry_verification_resident_on", ["resident_id", "verified_on"]),
        ("ix_registry_verification_community_on", ["community_id", "verified_on"]),
    ):
        op.create_index(
            name, "registry_verification", columns, sqlite_where=LIVE, postgresql_where=LIVE
        )
    op.create_index(
        "ix_registry_resident_id_number",
        "registry_resident",
        ["id_number", "community_id"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    conn = op.get_bind()
    _scrub(conn, change, "changes", change.c.object_type == "registry.resident")
    _scrub(conn, audit, "details", audit.c.action.like("registry.resident.%"))


def downgrade() -> None:
    op.drop_index("ix_registry_resident_id_number", table_name="registry_resident")
    op.drop_table("registry_verification")
