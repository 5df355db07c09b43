"""The schema comes from the migrations, from empty to head and back, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from core import migrate
from core.db import Base, make_engine
from tests.conftest import TEST_DATABASE_URL, plugins_for_tests

SCHEMA = "jiedao_migration_test"


@pytest.fixture
def empty_database_url(tmp_path):
    """A database nobody else uses: a new SQLite file, or a fresh schema on the PostgreSQL server."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    admin = make_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    yield f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{SCHEMA}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    admin.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_empty_to_head_matches_the_models_and_back_to_base(empty_database_url):
    url = empty_database_url
    assert _tables(url) == set()
    plugins = plugins_for_tests()
    prefixes = ("core_", "tenants_", *(f"{name}_" for name in plugins.order))
    app_metadata = sa.MetaData()  # core's tables and the test plugins' (not others installed here)
    for name, table in Base.metadata.tables.items():
        if name.startswith(prefixes):
            table.to_metadata(app_metadata)
    app_tables = set(app_metadata.tables)
    migrate.upgrade(url, plugins=plugins)
    assert _tables(url) == app_tables
    engine = make_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        current = set(context.get_current_heads())
        # A head that a plugin branch depends on (core's 0002_modules for registry) is not kept
        # in alembic_version once the dependent revision is applied: compare what is reached.
        script = ScriptDirectory.from_config(migrate.alembic_config(url, plugins=plugins))
        reached = {
            r.revision
            for r in script.revision_map.iterate_revisions(
                list(current), "base", inclusive=True, select_for_downgrade=True
            )
        }
        assert current <= migrate.heads(url, plugins=plugins) <= reached
        diff = compare_metadata(context, app_metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    # One plugin's branch goes down on its own, and comes back.
    migrate.downgrade(url, "ledger@base", plugins=plugins)
    assert _tables(url) == app_tables - {"ledger_row"}
    migrate.upgrade(url, plugins=plugins)
    assert "ledger_row" in _tables(url)
    migrate.downgrade(url, "base", plugins=plugins)
    assert _tables(url) == set()
    migrate.upgrade(url, plugins=plugins)  # and up again
    assert _tables(url) == app_tables
