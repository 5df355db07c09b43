"""Alembic environment: the metadata of core and every component, online migrations only."""

from __future__ import annotations

from alembic import context

import core.activities  # core_activity and what belongs to an activity
import core.attachments  # core_attachment
import core.models  # core's tables
import core.records
import core.visits  # noqa: F401 - visits and area assignments
from core.db import Base, make_engine
from core.plugins import load_plugins

config = context.config
# The plugins the migration runs for (core.migrate passes them); their models are imported.
if config.attributes.get("plugins") is None:
    load_plugins()
target_metadata = Base.metadata


def render_item(type_: str, obj, autogen_context):
    """Autogenerate writes portable types: UTCDateTime is a DateTime(timezone=True) column."""
    from core.db import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=render_item,
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
