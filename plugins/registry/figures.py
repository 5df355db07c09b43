"""The registry's figures: the indicators it declares (residents, floating residents,
households, units, tagged residents, age bands) and the per-community summary of the street and
district view. Each counts the rows there at a period's end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core import clock
from core.reports import Period

from .ages import AGE_BANDS, band_clause
from .models import RegistryHousehold, RegistryResident, RegistryResidentTag, RegistryUnit
from .places import communities_by_id
from .vocabularies import PRESENT


def _present_at(model_on: Any, model_off: Any, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        sa.or_(model_on.is_(None), model_on <= day), sa.or_(model_off.is_(None), model_off > day)
    )


def _living(communities: sa.Select, period: Period) -> sa.ColumnElement[bool]:
    """The residents of ``communities`` living there at the end of ``period``."""
    return sa.and_(
        RegistryResident.community_id.in_(communities),
        RegistryResident.deleted_at.is_(None),
        _present_at(RegistryResident.arrived_on, RegistryResident.departed_on, period.end),
    )


def residents_present(communities: sa.Select, period: Period) -> sa.Select:
    """How many residents live in ``communities`` at the end of ``period``."""
    return sa.select(sa.func.count(RegistryResident.id)).where(_living(communities, period))


def count_residents(session: Session, communities: sa.Select, period: Period) -> int:
    """Indicator ``registry.residents``: residents living there at the end of the period."""
    return session.scalar(residents_present(communities, period)) or 0


def count_floating(session: Session, communities: sa.Select, period: Period) -> int:
    """Indicator ``registry.floating``: floating residents there at the end of the period."""
    stmt = residents_present(communities, period).where(RegistryResident.status == "floating")
    return session.scalar(stmt) or 0


def count_households(session: Session, communities: sa.Select, period: Period) -> int:
    stmt = sa.select(sa.func.count(RegistryHousehold.id)).where(
        RegistryHousehold.community_id.in_(communities),
        RegistryHousehold.deleted_at.is_(None),
        _present_at(RegistryHousehold.moved_in_on, RegistryHousehold.moved_out_on, period.end),
    )
    return session.scalar(stmt) or 0


def count_units(kind: str | None = None) -> Callable[[Session, sa.Select, Period], int]:
    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        stmt = sa.select(sa.func.count(RegistryUnit.id)).where(
            RegistryUnit.community_id.in_(communities), RegistryUnit.deleted_at.is_(None)
        )
        if kind:
            stmt = stmt.where(RegistryUnit.kind == kind)
        return session.scalar(stmt) or 0

    return compute


def count_tagged(tag: str) -> Callable[[Session, sa.Select, Period], int]:
    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        stmt = (
            residents_present(communities, period)
            .join(RegistryResidentTag, RegistryResidentTag.resident_id == RegistryResident.id)
            .where(RegistryResidentTag.tag == tag)
        )
        return session.scalar(stmt) or 0

    return compute


def _as_of(period: Period) -> date:
    """The day a band is counted at: the period's end, or today while it runs."""
    return min(period.end, clock.today())


def _band_sums(communities: sa.Select, period: Period, keys: Any) -> sa.Select:
    """One sum per band of ``keys``: the residents living there who are in it."""
    day = _as_of(period)

    def in_band(key: str) -> Any:
        inside = band_clause(key, RegistryResident.birth_date, RegistryResident.gender, day)
        return sa.func.coalesce(sa.func.sum(sa.case((inside, 1), else_=0)), 0)

    return sa.select(*(in_band(key) for key in keys)).where(_living(communities, period))


def count_band(key: str) -> Callable[[Session, sa.Select, Period], int]:
    """Indicator ``registry.band.<key>``: residents there at the period's end who are in the
    age band then (today, while the period runs)."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        return int(session.execute(_band_sums(communities, period, [key])).scalar() or 0)

    return compute


def count_bands(session: Session, communities: sa.Select, period: Period) -> dict[str, int]:
    """Every band's indicator in one query."""
    keys = list(AGE_BANDS)
    row = session.execute(_band_sums(communities, period, keys)).one()
    return {f"registry.band.{key}": int(value or 0) for key, value in zip(keys, row, strict=True)}


def _per_community(
    clause: Callable[[Any], sa.ColumnElement[bool]], model: Any, *where: Any, also: tuple = ()
) -> sa.Select:
    """How many rows of ``model`` (not deleted) ``clause`` selects in each community, and the
    sums ``also`` asks for."""
    return (
        sa.select(model.community_id, sa.func.count(), *also)
        .where(clause(model), model.deleted_at.is_(None), *where)
        .group_by(model.community_id)
    )


def summary(
    session: Session, clause: Callable[[Any], sa.ColumnElement[bool]]
) -> list[dict[str, Any]]:
    """Residents, floating residents, households and units per community (street/district view)."""
    floating = sa.func.sum(sa.case((RegistryResident.status == "floating", 1), else_=0))
    counts = {
        "residents": _per_community(
            clause, RegistryResident, RegistryResident.status.in_(PRESENT), also=(floating,)
        ),
        "households": _per_community(
            clause, RegistryHousehold, RegistryHousehold.moved_out_on.is_(None)
        ),
        "units": _per_community(clause, RegistryUnit),
    }
    rows: dict[int, dict[str, Any]] = {}
    for key, stmt in counts.items():
        for cid, count, *sums in session.execute(stmt):
            row = rows.setdefault(cid, {"residents": 0, "floating": 0, "households": 0, "units": 0})
            row[key] = count
            if sums:  # the residents' count of floating ones beside it
                row["floating"] = int(sums[0] or 0)
    nodes = communities_by_id(session, set(rows))
    return [
        {"community": nodes[cid].ref, "name": nodes[cid].name, **values}
        for cid, values in sorted(rows.items(), key=lambda item: nodes[item[0]].ref)
    ]
