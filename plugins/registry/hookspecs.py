"""Hooks the registry offers to the plugins that require it (``Manifest(requires=("registry",))``).

Registered by the platform because ``plugins.registry`` points ``jiedao_hookspecs`` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.hookspecs import hookspec


@dataclass(frozen=True)
class Tag:
    """A program tag residents can carry, e.g. ``Tag("elderly", _l("Elderly"))``.

    ``key``: lower-case letters, digits and ``_``, unique across plugins (prefix yours with your
    plugin's name, e.g. ``safety_firewarden``); ``label``: lazily translated text. Tags of special
    groups are sensitive data: they are shown like any other field, but only to users with
    ``registry.view`` at the place."""

    key: str
    label: Any
    module: str = ""


@hookspec
def registry_tags() -> list[Tag]:
    """Return the resident tags this plugin declares (a list of :class:`Tag`)."""
