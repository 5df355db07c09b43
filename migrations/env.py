"""Alembic environment: the metadata of core and every component, online migrations only."""

from __future__ import annotations

from alembic import context

import core.models  # noqa: F401 - core's tables
from core.db import Base, make_engine
from core.plugins import load_plugins

load_plugins()  # imports the tree's and every plugin's models into Base.metadata

config = context.config
target_metadata = Base.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        run_migrations(conn)
    engine.dispose()
