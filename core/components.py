"""The component manager: a pluggy manager holding core's own parts and ``tenants``.

Components are named by module path and imported with importlib, so core depends on no package
above it (see docs/architecture.md). Third-party plugins arrive through entry points in the
plugin-system issue; they will register into this same manager.
"""

from __future__ import annotations

import importlib

import pluggy

from core import hookspecs

# Order matters for navigation and demo seeding: the tree first, then accounts.
INTERNAL_COMPONENTS: tuple[str, ...] = ("tenants.component", "core.accounts.component")


def make_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in INTERNAL_COMPONENTS:
        manager.register(importlib.import_module(name), name=name)
    return manager
