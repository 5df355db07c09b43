"""Jiedao core: app factory, database, accounts, permissions, audit log, UI shell, API, CLI.

Core never imports ``tenants`` or ``plugins``; it finds them through the component
manager (see docs/architecture.md).
"""

__version__ = "0.1.0"
