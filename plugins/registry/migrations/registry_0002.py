"""registry history moves into core's one change history

Revision ID: registry_0002
Revises: registry_0001
Create Date: 2026-12-01

Every ``registry_change`` row is copied into ``core_record_change`` (object type
``registry.<resident|household|unit>``, same time, user and node), with ID and phone numbers
masked on the way: history never keeps an S2 value in clear. Then ``registry_change`` goes.
The downgrade brings the table back with the (masked) rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0002"
down_revision = "registry_0001"
branch_labels = None
depends_on = "0005_record_change"

KEEP = ("id", "action", "at", "user_id", "username", "node_id", "district_id", "street_id",
        "community_id")  # fmt: skip


def _mask_id(number):
    if not number:
        return number
    number = str(number)
    return (
        "*" * len(number)
        if len(number) < 10
        else number[:6] + "*" * (len(number) - 10) + number[-4:]
    )


def _mask_mobile(number):
    if not number:
        return number
    number = str(number)
    return (
        "*" * len(number) if len(number) < 7 else number[:3] + "*" * (len(number) - 7) + number[-4:]
    )


MASKS = {"id_number": _mask_id, "mobile": _mask_mobile, "contact_phone": _mask_mobile}


def _masked(changes):
    if not changes:
        return changes
    return {
        key: [MASKS[key](old), MASKS[key](new)] if key in MASKS else [old, new]
        for key, (old, new) in changes.items()
    }


def _old_table(meta=None):
    return sa.table(
        "registry_change",
        *(sa.column(name) for name in KEEP),
        sa.column("object_type", sa.String),
        sa.column("object_id", sa.Integer),
        sa.column("changes", sa.JSON),
    )


def _new_table():
    return sa.table(
        "core_record_change",
        *(sa.column(name) for name in KEEP if name != "id"),
        sa.column("object_type", sa.String),
        sa.column("object_id", sa.Integer),
        sa.column("changes", sa.JSON),
    )


def upgrade() -> None:
    conn = op.get_bind()
    old, new = _old_table(), _new_table()
    rows = conn.execute(sa.select(old).order_by(old.c.id)).mappings().all()
    batch = []
    for row in rows:
        values = {k: row[k] for k in KEEP if k != "id"}
        values.update(
            object_type=f"registry.{row['object_type']}",
            object_id=row["object_id"],
            changes=_masked(row["changes"]),
        )
        batch.append(values)
        if len(batch) >= 1000:
            conn.execute(new.insert(), batch)
            batch = []
    if batch:
        conn.execute(new.insert(), batch)
    op.drop_table("registry_change")


def downgrade() -> None:
    op.create_table(
        "registry_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=12), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["node_id"], ["tenants_node.id"],
                                name=op.f("fk_registry_change_node_id_tenants_node")),
        sa.ForeignKeyConstraint(["user_id"], ["core_user.id"],
                                name=op.f("fk_registry_change_user_id_core_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_change")),
    )  # fmt: skip
    with op.batch_alter_table("registry_change") as batch_op:
        for column in ("community_id", "district_id", "node_id", "street_id"):
            batch_op.create_index(batch_op.f(f"ix_registry_change_{column}"), [column])
        batch_op.create_index("ix_registry_change_object", ["object_type", "object_id", "id"])
    conn = op.get_bind()
    new = sa.table(
        "core_record_change",
        *(sa.column(name) for name in KEEP),
        sa.column("object_type", sa.String),
        sa.column("object_id", sa.Integer),
        sa.column("changes", sa.JSON),
    )
    rows = (
        conn.execute(sa.select(new).where(new.c.object_type.like("registry.%")).order_by(new.c.id))
        .mappings()
        .all()
    )
    old = _old_table()
    for row in rows:
        values = {k: row[k] for k in KEEP if k != "id"}
        values.update(
            object_type=row["object_type"].removeprefix("registry."),
            object_id=row["object_id"],
            changes=row["changes"],
        )
        conn.execute(old.insert().values(**values))
    conn.execute(sa.delete(new).where(new.c.object_type.like("registry.%")))
