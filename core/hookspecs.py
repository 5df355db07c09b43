"""The hooks through which components add to the platform.

Core's own parts (``core.accounts``) and ``tenants`` register through these same hooks, so the
app factory wires everything the same way and core never imports what sits above it. The plugin
system will extend this contract (entry-point discovery, manifests, per-plugin migrations …);
these are the hooks the platform core needs today.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint, Flask
    from sqlalchemy.orm import Session

    from core.navigation import NavEntry
    from core.permissions import PermissionRegistry

PROJECT = "jiedao"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def jiedao_permissions(registry: PermissionRegistry) -> None:
    """Declare permissions with ``registry.declare(name, label)``."""


@hookspec
def jiedao_blueprints(app: Flask) -> list[Blueprint]:
    """Return Flask blueprints to register (HTML pages and ``/api/v1`` endpoints)."""


@hookspec
def jiedao_navigation() -> list[NavEntry]:
    """Return sidebar entries; each names the permission a user must hold to see it."""


@hookspec
def jiedao_cli(cli: click.Group) -> None:
    """Add commands to the ``jiedao`` command line."""


@hookspec
def jiedao_demo_seed(session: Session, options: dict[str, Any]) -> None:
    """Add demo data; called by ``jiedao demo`` in registration order. Must be idempotent."""


@hookspec
def jiedao_app_ready(app: Flask) -> None:
    """Called once the app is assembled (components can add template globals, handlers …)."""
