"""eldercare: visits on the ledger SDK (phone, kind, soft delete; who recorded → history)

Revision ID: eldercare_0002
Revises: eldercare_0001
Create Date: 2026-12-02

Visits get the elder's phone (S2), the kind of visit (home or phone; existing visits were home
visits) and ``deleted_at``/``deleted_by_id``. Who recorded a visit moves from
``recorded_by_id`` into core's record history (``core_record_change``): one "create" entry per
visit, at its ``created_at``, by its recorder, with the values it was recorded with.

The downgrade brings ``recorded_by_id`` back from those entries and removes what 0001 cannot
hold: the visits' history, deleted visits, phones and kinds.
"""

import sqlalchemy as sa
from alembic import op

revision = "eldercare_0002"
down_revision = "eldercare_0001"
branch_labels = None
depends_on = "0005_record_change"

TABLE = "eldercare_visit"
OBJECT_TYPE = "eldercare.visit"
FIELDS = ("elder_name", "visit_date", "visitor", "needs", "notes")
KEYS = ("node_id", "district_id", "street_id", "community_id")
BATCH = 1000

visit = sa.table(
    TABLE,
    *(sa.column(name) for name in ("id", "created_at", "recorded_by_id", *FIELDS, *KEYS)),
)
user = sa.table("core_user", sa.column("id"), sa.column("username"))
change = sa.table(
    "core_record_change",
    *(sa.column(name) for name in ("id", "object_type", "object_id", "action", "at")),
    *(sa.column(name) for name in ("user_id", "username", *KEYS)),
    sa.column("changes", sa.JSON),
)


def _created(row: sa.Row) -> dict:
    """The history entry of a visit recorded before the ledger kept history."""
    values = row._mapping
    return {
        "object_type": OBJECT_TYPE,
        "object_id": values["id"],
        "action": "create",
        "at": values["created_at"],
        "user_id": values["recorded_by_id"],
        "username": values["username"] or "",
        "changes": {
            name: [None, str(values[name])] for name in FIELDS if values[name] not in (None, "")
        },
        **{key: values[key] for key in KEYS},
    }


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), nullable=False, server_default="home")
        )
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deleted_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_eldercare_visit_deleted_by_id_core_user"),
            "core_user",
            ["deleted_by_id"],
            ["id"],
        )
    conn = op.get_bind()
    stmt = (
        sa.select(visit, user.c.username)
        .outerjoin(user, user.c.id == visit.c.recorded_by_id)
        .order_by(visit.c.id)
    )
    last = 0
    while True:
        rows = conn.execute(stmt.where(visit.c.id > last).limit(BATCH)).all()
        if not rows:
            break
        conn.execute(change.insert(), [_created(row) for row in rows])
        last = rows[-1].id
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.alter_column("kind", server_default=None)
        batch_op.drop_constraint("fk_eldercare_visit_recorded_by_id_core_user", type_="foreignkey")
        batch_op.drop_column("recorded_by_id")


def downgrade() -> None:
    conn = op.get_bind()
    kept = sa.table(TABLE, sa.column("deleted_at"))
    conn.execute(sa.delete(kept).where(kept.c.deleted_at.is_not(None)))
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(sa.Column("recorded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_eldercare_visit_recorded_by_id_core_user"),
            "core_user",
            ["recorded_by_id"],
            ["id"],
        )
    recorder = (
        sa.select(change.c.user_id)
        .where(
            change.c.object_type == OBJECT_TYPE,
            change.c.object_id == visit.c.id,
            change.c.action == "create",
        )
        .order_by(change.c.id)
        .limit(1)
        .scalar_subquery()
    )
    conn.execute(sa.update(visit).values(recorded_by_id=recorder))
    conn.execute(sa.delete(change).where(change.c.object_type == OBJECT_TYPE))
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_constraint("fk_eldercare_visit_deleted_by_id_core_user", type_="foreignkey")
        batch_op.drop_column("deleted_by_id")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("kind")
        batch_op.drop_column("phone")
