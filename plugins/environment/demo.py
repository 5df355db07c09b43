"""Demo data of the environment module: filled in a later step."""

from __future__ import annotations

from typing import Any


def seed(session: Any, district: Any, **_kwargs: Any) -> None:
    """Nothing yet."""
