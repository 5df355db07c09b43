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


def visible_entries(entries: list[NavEntry], holds_anywhere: Any) -> list[NavEntry]:
    return [e for e in entries if e.permission is None or holds_anywhere(e.permission)]
