"""Sidebar navigation: entries contributed by components, shown to users who may use them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: Any  # a lazy translated string
    permission: str | None = None
    icon: str = "dot"
    order: int = 100
    section: str = "platform"
    # A plugin's entry names its module: it points into a community and is shown (by the tree's
    # module context) only where the module is on and the user may use it.
    module: str | None = None


def visible_entries(entries: list[NavEntry], holds_anywhere: Any) -> list[NavEntry]:
    """Platform entries the user may use anywhere (module entries are placed by ``tenants``)."""
    return [
        e
        for e in entries
        if e.module is None and (e.permission is None or holds_anywhere(e.permission))
    ]
