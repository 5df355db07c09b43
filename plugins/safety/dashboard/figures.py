"""The safety figures (安全生产统计) of a community, a street or a district, and the street
dashboard's data.

Every figure is one SQL aggregate expression over one table (``FIGURES``). An indicator runs its
expression over the rolled-up communities; ``community_figures`` runs all expressions of a table
in one GROUP BY community query. Both use the same expressions, so the street's total and the
sum of its communities' figures cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.reports import Period
from tenants.models import Node

from ..common import DEFAULT_SETTINGS, MODULE, refuse, today
from ..hazards.workflow import NOT_CLOSED
from ..models import (
    SafetyEnterprise,
    SafetyHazard,
    SafetyInspection,
    SafetyTrainee,
    SafetyTraining,
)
from ..training.services import THREE_POSTS


def as_of(period: Period, day: date | None = None) -> date:
    """The day the "open" and "overdue" figures are taken on: the period's last day, or today
    while the period is current (nothing is known about the future)."""
    return min(period.end, day or today())


def _open_on(day: date) -> sa.ColumnElement[bool]:
    """Hazards open on ``day``: found by then and not closed by then (a closed hazard counts as
    open before its ``closed_on``)."""
    return sa.and_(
        SafetyHazard.found_on <= day,
        sa.or_(SafetyHazard.status != NOT_CLOSED, SafetyHazard.closed_on > day),
    )


def _in(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return column.between(period.start, period.end)


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
    """``count(*) FILTER (WHERE …)`` written portably: NULL on no rows, read as 0."""
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _rectified(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        _in(SafetyHazard.found_on, period),
        SafetyHazard.status == "closed",
        SafetyHazard.closed_on <= period.end,
    )


def _rate(period: Period, _day: date) -> sa.ColumnElement[Any]:
    found = _count_if(_in(SafetyHazard.found_on, period))
    # 100.0 as SQL text: a NUMERIC constant on PostgreSQL (round(numeric, int) exists there, not
    # round(double precision, int)), a REAL on SQLite (no integer division).
    hundred = sa.literal_column("100.0")
    return sa.func.round(hundred * _count_if(_rectified(period)) / sa.func.nullif(found, 0), 1)


@dataclass(frozen=True)
class Figure:
    """One indicator: ``expression(period, as_of)`` is an aggregate over ``table``'s rows."""

    key: str  # without the "safety." prefix
    label: Any
    unit: Any
    table: str  # a key of _sources()
    expression: Callable[[Period, date], sa.ColumnElement[Any]]
    rate: bool = False  # a percentage: None when there is nothing to divide by

    @property
    def name(self) -> str:
        return f"{MODULE}.{self.key}"


HAZARDS, PERCENT, INSPECTIONS, PEOPLE, ENTERPRISES = (
    _l("hazards"),
    "%",
    _l("inspections"),
    _l("people"),
    _l("enterprises"),
)

FIGURES: tuple[Figure, ...] = (
    # 隐患: found in the period (by found_on).
    Figure(
        "hazards_found",
        _l("Hazards found"),
        HAZARDS,
        "hazards",
        lambda p, d: _count_if(_in(SafetyHazard.found_on, p)),
    ),
    # Closed in the period (by closed_on), whenever they were found.
    Figure(
        "hazards_closed",
        _l("Hazards closed"),
        HAZARDS,
        "hazards",
        lambda p, d: _count_if(
            sa.and_(SafetyHazard.status == "closed", _in(SafetyHazard.closed_on, p))
        ),
    ),
    # Open on the as-of day (see as_of) with a deadline before it.
    Figure(
        "hazards_overdue",
        _l("Overdue hazards"),
        HAZARDS,
        "hazards",
        lambda p, d: _count_if(sa.and_(_open_on(d), SafetyHazard.deadline < d)),
    ),
    # Of the hazards found in the period, the share closed by the period's end (None: none found).
    Figure("rectification_rate", _l("Rectification rate"), PERCENT, "hazards", _rate, rate=True),
    Figure(
        "hazards_rectified",
        _l("Hazards found in the period and rectified"),
        HAZARDS,
        "hazards",
        lambda p, d: _count_if(_rectified(p)),
    ),
    # Major hazards (重大隐患) open on the as-of day.
    Figure(
        "major_open",
        _l("Open major hazards"),
        HAZARDS,
        "hazards",
        lambda p, d: _count_if(sa.and_(SafetyHazard.severity == "major", _open_on(d))),
    ),
    Figure(
        "inspections_done",
        _l("Inspections done"),
        INSPECTIONS,
        "inspections",
        lambda p, d: _count_if(_in(SafetyInspection.done_on, p)),
    ),
    # 三项岗位 trainees who passed, of live training sessions held in the period.
    Figure(
        "trained",
        _l("Three-key-post staff trained"),
        PEOPLE,
        "trainees",
        lambda p, d: _count_if(_trained(p)),
    ),
    # The communities' yearly targets (settings ``training_target``), not prorated.
    Figure(
        "training_target",
        _l("Training target"),
        PEOPLE,
        "settings",
        lambda p, d: sa.func.sum(_training_target()),
    ),
    # Enterprises on the ledger now, and those whose standardisation is compliant (达标).
    Figure(
        "enterprises",
        _l("Enterprises on the ledger"),
        ENTERPRISES,
        "enterprises",
        lambda p, d: sa.func.count(SafetyEnterprise.id),
    ),
    Figure(
        "enterprises_standardised",
        _l("Standardised enterprises"),
        ENTERPRISES,
        "enterprises",
        lambda p, d: _count_if(SafetyEnterprise.standardisation == "compliant"),
    ),
)
FIGURE_KEYS = tuple(f.key for f in FIGURES)


def _trained(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        SafetyTrainee.passed.is_(True),
        SafetyTrainee.post.in_(THREE_POSTS),
        _in(SafetyTraining.held_on, period),
    )


def _training_target() -> sa.ColumnElement[Any]:
    from tenants.modules import ModuleState

    return sa.func.coalesce(
        ModuleState.settings["training_target"].as_integer(),
        DEFAULT_SETTINGS["training_target"],
    )


def _sources() -> dict[str, tuple[Any, Callable[[sa.Select], sa.Select]]]:
    """Per table: its community column and how to restrict a select to live rows."""
    from tenants.modules import ModuleState

    return {
        "hazards": (
            SafetyHazard.community_id,
            lambda s: s.select_from(SafetyHazard).where(SafetyHazard.deleted_at.is_(None)),
        ),
        "inspections": (
            SafetyInspection.community_id,
            lambda s: s.select_from(SafetyInspection).where(SafetyInspection.deleted_at.is_(None)),
        ),
        "trainees": (
            SafetyTrainee.community_id,
            lambda s: (
                s.select_from(SafetyTrainee)
                .join(SafetyTraining, SafetyTraining.id == SafetyTrainee.training_id)
                .where(SafetyTrainee.deleted_at.is_(None), SafetyTraining.deleted_at.is_(None))
            ),
        ),
        "settings": (
            ModuleState.community_id,
            lambda s: s.select_from(ModuleState).where(ModuleState.module == MODULE),
        ),
        "enterprises": (
            SafetyEnterprise.community_id,
            lambda s: s.select_from(SafetyEnterprise).where(SafetyEnterprise.deleted_at.is_(None)),
        ),
    }


def _value(figure: Figure, raw: Any) -> float | int | None:
    if raw is None:
        return None if figure.rate else 0
    return float(raw) if figure.rate else int(raw)


def indicator(figure: Figure) -> Callable[[Session, sa.Select, Period], float | int | None]:
    """The ``compute`` of an indicator: ``figure`` as one aggregate over ``communities``."""

    def compute(session: Session, communities: sa.Select, period: Period) -> float | int | None:
        column, only_live = _sources()[figure.table]
        stmt = only_live(sa.select(figure.expression(period, as_of(period)))).where(
            column.in_(communities)
        )
        return _value(figure, session.scalar(stmt))

    compute.__doc__ = f"Indicator {figure.name}: one SQL aggregate (see FIGURES)."
    return compute


def community_figures(
    session: Session, communities: sa.Select, period: Period, day: date | None = None
) -> dict[int, dict[str, Any]]:
    """Every figure of each community in ``communities`` (a SELECT of ids): one GROUP BY query
    per table, with the indicators' own expressions. Communities without rows get 0 (None for a
    rate)."""
    day = as_of(period, day)
    ids = list(session.scalars(communities))
    rows: dict[int, dict[str, Any]] = {
        cid: {f.key: _value(f, None) for f in FIGURES} for cid in ids
    }
    if not ids:
        return rows
    for table, (column, live) in _sources().items():
        # A rate comes from its counted parts (as in totals), which saves summing them twice.
        figures = [f for f in FIGURES if f.table == table and not f.rate]
        stmt = live(sa.select(column, *(f.expression(period, day) for f in figures))).where(
            column.in_(ids)
        )
        for cid, *values in session.execute(stmt.group_by(column)):
            for figure, raw in zip(figures, values, strict=True):
                rows[cid][figure.key] = _value(figure, raw)
    for row in rows.values():
        row["rectification_rate"] = _percent(row["hazards_rectified"], row["hazards_found"])
    return rows


def _percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in % to one decimal, as the SQL of ``rectification_rate`` rounds."""
    return round(100.0 * part / whole, 1) if whole else None


def totals(rows: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The figures of all the communities together (a rate from its summed parts)."""
    total: dict[str, Any] = {
        f.key: sum(r[f.key] for r in rows.values()) for f in FIGURES if not f.rate
    }
    total["rectification_rate"] = _percent(total["hazards_rectified"], total["hazards_found"])
    return total


def dashboard(
    session: Session, node: Node, period: Period, sort: str = "", descending: bool = True
) -> dict[str, Any]:
    """The street's or district's dashboard: totals and the ranking of its communities where
    safety is on, sorted by a figure (a missing rate always last, ties by community code)."""
    from tenants.modules import indicator_communities

    communities = indicator_communities(node.as_ref(), MODULE)
    rows = community_figures(session, communities, period)
    names = {
        cid: (ref, name, code)
        for cid, ref, name, code in session.execute(
            sa.select(Node.id, Node.ref, Node.name, Node.code).where(Node.id.in_(list(rows)))
        )
    }
    sort = sort if sort in FIGURE_KEYS else "rectification_rate"
    ranking = [
        {"community": names[cid][0], "name": names[cid][1], "code": names[cid][2], **figures}
        for cid, figures in rows.items()
    ]
    ranking.sort(key=lambda r: r["code"])
    present = [r for r in ranking if r[sort] is not None]
    present.sort(key=lambda r: r[sort], reverse=descending)
    ranking = present + [r for r in ranking if r[sort] is None]
    for place, row in enumerate(ranking, start=1):
        row["rank"] = place
    return {
        "as_of": as_of(period),
        "totals": totals(rows),
        "ranking": ranking,
        "sort": sort,
        "order": "desc" if descending else "asc",
    }


def parse_period(args: Any, day: date | None = None) -> tuple[Period, str]:
    """The period a dashboard asks for: ``from``/``to`` (ISO dates), or ``year`` with an
    optional ``quarter`` (1–4); default this year. Returns the period and a label."""
    day = day or today()

    def bad(field: str, message: str) -> NoReturn:
        refuse(field, message)

    if args.get("from") or args.get("to"):
        try:
            start = date.fromisoformat(args.get("from") or "")
            end = date.fromisoformat(args.get("to") or "")
        except ValueError:
            bad("from", _("Give both dates of the period as YYYY-MM-DD."))
        if start > end:
            bad("to", _("The period ends before it starts."))
        if end.year - start.year > 10:
            bad("to", _("A period can be at most ten years long."))
        return Period(start, end), f"{start.isoformat()} – {end.isoformat()}"
    try:
        year = int(args.get("year") or day.year)
    except ValueError:
        bad("year", _("Not a valid year."))
    if not 2000 <= year <= 2100:
        bad("year", _("Not a valid year."))
    quarter = args.get("quarter") or ""
    if not quarter:
        return Period.year(year), str(year)
    if quarter not in ("1", "2", "3", "4"):
        bad("quarter", _("A quarter is 1, 2, 3 or 4."))
    q = int(quarter)
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1).toordinal() - 1
    return Period(start, date.fromordinal(end)), _("Q%(q)s %(year)s", q=q, year=year)


def community_summary(session: Session, community: Node) -> dict[str, Any]:
    """The overview's figures: the dashboard's figures of the community for this year (overdue
    and major hazards open as of today), plus the hazards open now."""
    day = today()
    figures = community_figures(session, sa.select(sa.literal(community.id)), Period.year(day.year))
    open_now = session.scalar(
        sa.select(sa.func.count()).where(
            SafetyHazard.community_id == community.id,
            SafetyHazard.deleted_at.is_(None),
            SafetyHazard.status != NOT_CLOSED,
        )
    )
    return {**figures[community.id], "open": open_now or 0}
