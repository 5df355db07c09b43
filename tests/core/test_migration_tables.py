"""``core.migration_tables``: the platform's columns written once in a plugin's revision give
exactly the table a ``TenantOwned`` ledger model (or a workflow's event model) declares."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from core.activities.models import Activity
from core.migration_tables import index_tenant_keys, platform_columns
from plugins.safety.hazards.models import SafetyHazardEvent


def _made(table: str, event: bool) -> sa.Table:
    """The table the helpers create on an empty SQLite database, read back."""
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE core_user (id INTEGER PRIMARY KEY)"))
        conn.execute(sa.text("CREATE TABLE tenants_node (id INTEGER PRIMARY KEY)"))
        with Operations.context(MigrationContext.configure(conn)):
            from alembic import op

            op.create_table(table, *platform_columns(table, event=event))
            index_tenant_keys(table)
        return sa.Table(table, sa.MetaData(), autoload_with=conn)


def _shape(table: sa.Table, names: set[str]) -> dict[str, tuple[str, bool]]:
    return {c.name: (type(c.type).__name__, c.nullable) for c in table.columns if c.name in names}


def test_a_ledger_tables_platform_columns_are_the_mixins(app):
    made = _made("demo_ledger", event=False)
    declared = Activity.__table__
    names = {c.name for c in made.columns}
    assert names == {
        "id", "created_at", "updated_at", "deleted_at", "deleted_by_id",
        "node_id", "district_id", "street_id", "community_id",
    }  # fmt: skip
    assert {n: v[1] for n, v in _shape(made, names).items()} == {
        n: v[1] for n, v in _shape(declared, names).items()
    }
    indexes = {i.name for i in made.indexes}
    assert indexes == {
        f"ix_demo_ledger_{k}" for k in ("node_id", "district_id", "street_id", "community_id")
    }
    targets = {fk.column.table.name for fk in made.foreign_keys}
    assert targets == {"core_user", "tenants_node"}


def test_an_event_tables_columns_are_the_workflow_mixins(app):
    made = _made("demo_event", event=True)
    declared = SafetyHazardEvent.__table__
    names = {c.name for c in declared.columns} - {"hazard_id"}
    assert {c.name for c in made.columns} == names
    assert {n: v[1] for n, v in _shape(made, names).items()} == {
        n: v[1] for n, v in _shape(declared, names).items()
    }
