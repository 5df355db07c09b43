"""What every module asks of activities: which count for it, how many were held in a window (an
observance's ``expects=``), which modules it may count for, and the key of a calendar entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.activities.models import Activity, ActivityModule
from core.reports import CalendarEntry

Counter = Callable[[Session, sa.Select, date, date], int]


def counting_for(module: str) -> sa.ColumnElement[bool]:
    """Activities owned by ``module`` or counting for it as well."""
    return sa.or_(
        Activity.module == module,
        sa.exists().where(
            ActivityModule.activity_id == Activity.id, ActivityModule.module == module
        ),
    )


def activity_ids(module: str) -> sa.Select:
    """The ids of the activities that count for ``module`` (for a part's scope)."""
    return sa.select(Activity.id).where(counting_for(module))


def count_held(
    session: Session,
    module: str,
    communities: sa.Select,
    start: date,
    end: date,
    kinds: Iterable[str] = (),
) -> int:
    """Live activities of ``communities`` counting for ``module`` (of ``kinds``, if given) held
    on a day between ``start`` and ``end``: one that runs over several days counts if any of
    them falls in the window."""
    last_day = sa.func.coalesce(Activity.ends_on, Activity.held_on)
    stmt = sa.select(sa.func.count(Activity.id)).where(
        Activity.community_id.in_(communities),
        Activity.held_on <= end,
        last_day >= start,
        Activity.deleted_at.is_(None),
        counting_for(module),
    )
    wanted = list(kinds)
    if wanted:
        stmt = stmt.where(Activity.kind.in_(wanted))
    return session.scalar(stmt) or 0


def activities_held(module: str, *kinds: str) -> Counter:
    """``expects=`` of a calendar entry: the activities (of ``kinds``, if given) counting for
    ``module`` held in the observance's window — ``CalendarEntry(11, 9, …, expects=activities_held(
    "safety", "fire_day"))``."""

    def count(session: Session, communities: sa.Select, start: date, end: date) -> int:
        return count_held(session, module, communities, start, end, kinds)

    return count


def observance_key(entry: CalendarEntry) -> str:
    """A calendar entry's stable key, what an activity's ``observance`` holds: ``11-09``,
    ``lunar-09-09``, ``term-清明``, ``weekday-00-4--1`` (每月最后一个星期五), ``monthly-16``; a
    period before the date (``lead_days``) ends in ``-before-<days>``."""
    key = _date_key(entry)
    return f"{key}-before-{entry.lead_days}" if entry.lead_days else key


def _date_key(entry: CalendarEntry) -> str:
    if entry.kind == "monthly":
        return f"monthly-{entry.day:02d}"
    if entry.kind == "lunar":
        return f"lunar-{entry.month:02d}-{entry.day:02d}"
    if entry.kind == "term":
        return f"term-{entry.term}"
    if entry.kind == "weekday":
        return f"weekday-{entry.month:02d}-{entry.weekday}-{entry.nth}"
    return f"{entry.month:02d}-{entry.day:02d}"


def observance_choices(entries: Iterable[CalendarEntry]) -> dict[str, Any]:
    """Key → label of the observances an activity may answer."""
    return {observance_key(entry): entry.label for entry in entries}


def module_choices(own: str) -> dict[str, Any]:
    """The other active modules an activity of ``own`` may also count for: name → label."""
    from core.tenancy import plugin_system

    found: dict[str, Any] = {}
    for info in plugin_system().active():
        if info.manifest is not None and info.name != own:
            found[info.name] = info.manifest.label
    return found


def set_modules(session: Session, activity: Activity, modules: Iterable[str]) -> None:
    """Make ``modules`` (besides the owner) the further modules ``activity`` counts for."""
    wanted = [m for m in dict.fromkeys(modules) if m != activity.module]
    keep = [link for link in activity.shared if link.module in wanted]
    have = {link.module for link in keep}
    activity.shared = keep + [ActivityModule(module=m) for m in wanted if m not in have]
    session.flush()
