"""The platform's clock: the one place that says what instant and what day it is.

Deadlines are dates in the platform's time zone (``JIEDAO_TIMEZONE``, Asia/Shanghai by default):
a hazard due on 3 March is overdue from 00:00 on 4 March in Beijing, which is still 3 March in
UTC. Code asks :func:`today` rather than ``date.today()`` (the server's zone) and :func:`now`
rather than ``datetime.now()``, so tests can fix the instant with :func:`fixed`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"

_fixed_at: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return _fixed_at if _fixed_at is not None else datetime.now(UTC)


def zone() -> ZoneInfo:
    """The platform's time zone: the app's ``BABEL_DEFAULT_TIMEZONE`` (from ``JIEDAO_TIMEZONE``)."""
    from flask import current_app, has_app_context

    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def localtime(instant: datetime) -> datetime:
    """An instant in the platform's time zone, as users read times (history, audit log)."""
    return instant.astimezone(zone())


def today() -> date:
    """Today's date in the platform's time zone."""
    return now().astimezone(zone()).date()


def stop(at: datetime | None) -> datetime | None:
    """Stop the clock at ``at`` (timezone-aware), or let it run again with ``None``; returns the
    instant it was stopped at before (``None`` if it was running)."""
    global _fixed_at
    if at is not None and at.tzinfo is None:
        raise ValueError("a stopped clock needs a timezone-aware datetime")
    previous, _fixed_at = _fixed_at, at.astimezone(UTC) if at is not None else None
    return previous


@contextmanager
def fixed(at: datetime) -> Iterator[datetime]:
    """Stop the clock at ``at`` (timezone-aware) until the block ends."""
    previous = stop(at)
    try:
        yield now()
    finally:
        stop(previous)
