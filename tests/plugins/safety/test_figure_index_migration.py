"""safety_0010: the three partial indexes the dashboard's counts read come with the upgrade, each
restricted to its rows, and go with the downgrade (the hazards stay)."""

from __future__ import annotations

import sqlalchemy as sa

from core.db import make_engine
from tests.core.test_attachments import fresh_database_url  # noqa: F401 - the fixture

FIGURE_INDEXES = {
    "ix_safety_hazard_figures_found": "deleted_at IS NULL",
    "ix_safety_hazard_figures_closed": "deleted_at IS NULL",
    "ix_safety_hazard_figures_open": "status <> 'closed'",
}


def _indexes(url: str) -> dict[str, str]:
    """The hazard table's indexes by name, with their WHERE clauses as the database keeps them."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                rows = conn.execute(
                    sa.text(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                        "AND tbl_name = 'safety_hazard' AND sql IS NOT NULL"
                    )
                )
            else:
                rows = conn.execute(
                    sa.text(
                        "SELECT indexname, indexdef FROM pg_indexes "
                        "WHERE tablename = 'safety_hazard' AND schemaname = current_schema()"
                    )
                )
            return {name: sql for name, sql in rows}
    finally:
        engine.dispose()


def _hazards(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT count(*) FROM safety_hazard"))
    finally:
        engine.dispose()


def test_the_dashboard_indexes_come_and_go_with_safety_0010(fresh_database_url):  # noqa: F811
    from core import migrate
    from tests.conftest import plugins_for_tests

    url, plugins = fresh_database_url, plugins_for_tests()
    migrate.upgrade(url, plugins=plugins)
    made = _indexes(url)
    for name, where in FIGURE_INDEXES.items():
        assert name in made
        assert where in made[name].replace("(", "").replace(")", "").replace("::text", "")
    migrate.downgrade(url, "safety@safety_0009", plugins=plugins)
    left = _indexes(url)
    assert not set(FIGURE_INDEXES) & set(left)
    assert "ix_safety_hazard_community_found" in left  # safety_0009's stay
    assert _hazards(url) == 0
    migrate.upgrade(url, plugins=plugins)
    assert set(FIGURE_INDEXES) <= set(_indexes(url))
