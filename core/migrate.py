"""Alembic, driven from code: the ``migrations/`` environment with one folder of versions per owner.

Core's versions (which include the tree's tables) live in ``migrations/versions`` (branch
``core``). Each active plugin owns a branch labelled with its name, in its package's
``migrations`` folder (or the folder its ``jiedao_migrations`` hook returns); its first revision
``depends_on`` core's. ``upgrade(url)`` takes every branch to head; ``downgrade(url,
"<plugin>@base")`` takes one plugin's branch back to nothing. A database that holds revisions of
an uninstalled plugin stops ``upgrade`` unless it is told to skip them (the demo does).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from core.plugins import PluginSystem

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def version_locations(plugins: PluginSystem) -> list[Path]:
    locations = [MIGRATIONS_DIR / "versions"]
    overrides = dict(plugins.call("jiedao_migrations"))
    # Every installed plugin's branch stays known, also of plugins that are off or broken: the
    # database may hold their revisions, and Alembic must find them to upgrade anything.
    for info in plugins.installed():
        folder = Path(overrides[info.name]) if info.name in overrides else None
        if folder is None and info.package_dir is not None:
            folder = info.package_dir / "migrations"
        if folder is not None and folder.is_dir():
            locations.append(folder)
    return locations


def alembic_config(
    database_url: str, connection: Connection | None = None, plugins: PluginSystem | None = None
) -> Config:
    if plugins is None:
        from core.plugins import load_plugins

        plugins = load_plugins()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(str(p) for p in version_locations(plugins))
    )
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    config.attributes["plugins"] = plugins  # env.py loads the models of these plugins, no others
    return config


class UnknownRevision(RuntimeError):
    """The database holds a revision no installed package provides (an uninstalled plugin)."""


def _run(action: Any, config: Config, revision: str) -> None:
    from alembic.util.exc import CommandError

    try:
        action(config, revision)
    except CommandError as exc:
        if "Can't locate revision" in str(exc):
            raise UnknownRevision(
                f"{exc}. A plugin whose tables are in this database is no longer installed: "
                "install it again, or before uninstalling run `jiedao db downgrade <plugin>@base`."
            ) from exc
        raise


def unknown_revisions(config: Config) -> list[str]:
    """Revisions in the database's version table that no installed package provides: the
    branches of plugins uninstalled without ``jiedao db downgrade <plugin>@base``."""
    from alembic.migration import MigrationContext

    from core.db import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
    finally:
        engine.dispose()
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    return sorted(set(current) - known)


PLACEHOLDER = '''"""Stands in for {revision!r}, of a plugin that is not installed: nothing to run."""

revision = {revision!r}
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


@contextmanager
def _placeholders(config: Config, revisions: list[str]) -> Iterator[None]:
    """Give Alembic an empty revision for each of ``revisions`` while the block runs, so it can
    move every other branch; the database's rows and tables of those revisions stay as they are."""
    if not revisions:
        yield
        return
    locations = config.get_main_option("version_locations")
    with tempfile.TemporaryDirectory(prefix="jiedao-placeholders-") as folder:
        for number, revision in enumerate(revisions):
            (Path(folder) / f"placeholder_{number}.py").write_text(
                PLACEHOLDER.format(revision=revision), encoding="utf-8"
            )
        config.set_main_option("version_locations", os.pathsep.join([locations, folder]))
        try:
            yield
        finally:
            config.set_main_option("version_locations", locations)


def upgrade(
    database_url: str,
    revision: str = "heads",
    plugins: PluginSystem | None = None,
    *,
    skip_unknown: bool = False,
) -> list[str]:
    """Take the database to ``revision``. A revision no installed package provides stops it
    (:class:`UnknownRevision`), unless ``skip_unknown``: then those revisions are left as they
    are and returned, and every other branch moves."""
    config = alembic_config(database_url, plugins=plugins)
    skipped = unknown_revisions(config) if skip_unknown else []
    with _placeholders(config, skipped):
        _run(command.upgrade, config, revision)
    return skipped


def downgrade(database_url: str, revision: str, plugins: PluginSystem | None = None) -> None:
    _run(command.downgrade, alembic_config(database_url, plugins=plugins), revision)


def heads(database_url: str, plugins: PluginSystem | None = None) -> set[str]:
    config = alembic_config(database_url, plugins=plugins)
    return set(ScriptDirectory.from_config(config).get_heads())
