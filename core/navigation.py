"""Sidebar navigation: entries contributed by components, shown to users who may use them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavEntry:
    """One sidebar link: an endpoint without URL arguments, or a plugin page (``module``)."""

    endpoint: str
    label: Any  # a lazy translated string
    permission: str | None = None
    icon: str = "dot"
    order: int = 100
    section: str = "platform"
    # A plugin's entry names its module; the tree's module context places it. An endpoint of a
    # CommunityBlueprint is shown at a community where the module is on, one of a RollupBlueprint
    # at a street or district with such a community beneath; both only to users holding
    # ``permission`` at that place.
    module: str | None = None


def visible_entries(entries: list[NavEntry], holds_anywhere: Any) -> list[NavEntry]:
    """Platform entries the user may use anywhere (module entries are placed by ``tenants``)."""
    return [
        e
        for e in entries
        if e.module is None and (e.permission is None or holds_anywhere(e.permission))
    ]
