"""The platform's columns of a plugin's table, for its Alembic revisions.

Every ledger table carries the same columns besides its own: the id, ``TimestampMixin``'s
``created_at``/``updated_at``, ``SoftDeleteMixin``'s ``deleted_at``/``deleted_by_id`` and
``TenantOwned``'s ``node_id`` (a foreign key to the tree) with the denormalised
``district_id``/``street_id``/``community_id``, each indexed; a workflow's timeline carries
``WorkflowEventMixin``'s instead of the timestamps and soft delete. A revision names them once::

    op.create_table(
        "eldercare_visit",
        *platform_columns("eldercare_visit"),
        sa.Column("elder_name", sa.String(length=50), nullable=False),
    )
    index_tenant_keys("eldercare_visit")

The names follow ``core.db``'s naming convention, so the revision matches the models exactly
(``core.testing.schema_differences`` finds no difference).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

TENANT_KEYS = ("node_id", "district_id", "street_id", "community_id")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def platform_columns(table: str, *, event: bool = False) -> list[sa.SchemaItem]:
    """The id, the tenant keys and either the timestamps and soft delete of a ledger's row or,
    with ``event``, the columns of a workflow timeline's event."""
    items: list[sa.SchemaItem] = [sa.Column("id", sa.Integer(), nullable=False)]
    if event:
        items += [
            sa.Column("action", sa.String(length=16), nullable=False),
            sa.Column("from_status", sa.String(length=12), nullable=False),
            sa.Column("to_status", sa.String(length=12), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("on", sa.Date(), nullable=True),
            sa.Column("username", sa.String(length=64), nullable=False),
            sa.Column("comment", sa.Text(), nullable=False),
            sa.Column("changes", sa.JSON(), nullable=True),
            sa.Column("user_id", sa.Integer(), nullable=True),
            _fk(table, "user_id", "core_user"),
        ]
    else:
        items += [
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("deleted_by_id", sa.Integer(), nullable=True),
            _fk(table, "deleted_by_id", "core_user"),
        ]
    items += [
        sa.Column("node_id", sa.Integer(), nullable=False),
        *(sa.Column(key, sa.Integer(), nullable=True) for key in TENANT_KEYS[1:]),
        _fk(table, "node_id", "tenants_node"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]
    return items


def index_tenant_keys(table: str) -> None:
    """The index of each tenant key (``ix_<table>_<key>``), as ``TenantOwned`` declares them."""
    for key in TENANT_KEYS:
        op.create_index(op.f(f"ix_{table}_{key}"), table, [key], unique=False)
