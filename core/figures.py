"""A module's figures over communities (统计): each one SQL aggregate over one source table.

The same expression gives an indicator (one aggregate over the communities of an area) and a
column of a dashboard's ranking (every figure of a table per community, in one GROUP BY query), so
a street's total and the sum of its communities' figures cannot drift apart. A share (整改率) is
its part's percentage of its whole, computed from the summed parts — never a mean of the
communities' shares. Flow figures count what happened in the period; stock figures ("open on")
are taken on :func:`as_of`, the period's last day or today while it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NoReturn

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.clock import today
from core.errors import DomainError
from core.reports import Indicator, Period
from core.tenancy import node_model


def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
    """``count(*) FILTER (WHERE …)`` written portably: NULL on no rows, read as 0."""
    return sa.func.sum(sa.case((condition, 1), else_=0))


def within(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return column.between(period.start, period.end)


def as_of(period: Period, day: date | None = None) -> date:
    """The day stock figures are taken on: the period's last day, or today while the period is
    current (nothing is known about the future)."""
    return min(period.end, day or today())


def percent(part: int | None, whole: int | None) -> float | None:
    """``part`` of ``whole`` in % to one decimal; None when there is nothing to divide by."""
    return round(100.0 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Value:
    """An indicator's value somewhere in some period; a ratio's with its numerator and
    denominator; ``suppressed`` when a small count is withheld (the value is then None)."""

    value: float | int | None
    numerator: float | int | None = None
    denominator: float | int | None = None
    suppressed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "suppressed": self.suppressed,
        }


def _small(indicator: Indicator, count: float | int | None) -> bool:
    return (
        bool(indicator.suppress_below)
        and count is not None
        and 0 < count < indicator.suppress_below
    )


def evaluate(
    session: Session,
    indicators: dict[str, Indicator],
    name: str,
    communities: sa.Select,
    period: Period,
    memo: dict[str, Value] | None = None,
) -> Value:
    """Indicator ``name`` over ``communities`` in ``period``. A ratio or mean is its numerator's
    total over its denominator's (never a mean of the communities' values) and is withheld when
    either is; ``memo`` keeps what was computed for other indicators over the same
    communities and period, so a ratio's parts are counted once."""
    memo = {} if memo is None else memo
    if name in memo:
        return memo[name]
    indicator = indicators[name]
    if indicator.kind in ("ratio", "mean"):
        part, whole = (
            evaluate(session, indicators, key, communities, period, memo)
            for key in (indicator.numerator, indicator.denominator)
        )
        per = indicator.per if indicator.kind == "ratio" else 1
        top, bottom = part.value, whole.value
        if part.suppressed or whole.suppressed or _small(indicator, top):
            found = Value(None, suppressed=True)  # either total would show through
        elif not bottom or top is None:
            found = Value(None, top, bottom)
        else:
            found = Value(round(per * top / bottom, 1), top, bottom)
    else:
        if indicator.batch is not None:  # siblings computed in the same queries, kept for later
            raws = indicator.batch(session, communities, period)
        else:
            raws = {name: indicator.compute(session, communities, period)}
        for key, raw in raws.items():
            counted = indicators.get(key, indicator)
            memo.setdefault(
                key, Value(None, suppressed=True) if _small(counted, raw) else Value(raw)
            )
        found = memo[name]
    memo[name] = found
    return found


@dataclass(frozen=True)
class Source:
    """A table figures are taken from: its community column and how to restrict a select to
    its live rows (joins included)."""

    community: Any
    rows: Callable[[sa.Select], sa.Select]


@dataclass(frozen=True)
class Figure:
    """One figure: ``expression(period, as_of)`` aggregates ``source``'s rows; or, with
    ``share_of=(part, whole)``, the part's percentage of the whole (two other figures' keys)."""

    key: str
    label: Any
    unit: Any
    source: str = ""
    expression: Callable[[Period, date], sa.ColumnElement[Any]] | None = None
    share_of: tuple[str, str] | None = None
    stock: bool = False  # taken on the as-of day (open on it), not counted over the period
    direction: str = ""  # "up": higher is better, "down": lower is better
    description: Any = ""
    # A count of the rows of ledger ``records`` where ``where(period, as_of)`` holds: the
    # expression is count_if(where), and the figure opens onto those rows (a drill-down).
    where: Callable[[Period, date], sa.ColumnElement[bool]] | None = None
    records: str = ""
    decimals: int = 0  # a sum of amounts (万元) keeps its decimals; counts are whole numbers
    # Counts of S3 people (children in care of one category) from 1 to this minus one are
    # withheld as the indicator's ``suppress_below`` withholds them; 0: none are.
    suppress_below: int = 0
    # ``where`` as mutually exclusive conditions whose counts add up (``where`` is then their
    # OR): each is counted in a SELECT of its own, so each can use an index of its own (an OR
    # of conditions on different columns can use none).
    arms: Callable[[Period, date], Sequence[sa.ColumnElement[bool]]] | None = None
    counts_rows: bool = field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.arms is not None and self.where is None:
            arms = self.arms
            object.__setattr__(self, "where", lambda p, d: sa.or_(*arms(p, d)))
        if self.where is not None and self.expression is None:
            where = self.where
            object.__setattr__(self, "expression", lambda p, d: count_if(where(p, d)))
            object.__setattr__(self, "counts_rows", True)

    def conditions(self, period: Period, day: date) -> Sequence[sa.ColumnElement[bool]]:
        """The conditions whose row counts add up to this figure (one, or its arms)."""
        if self.arms is not None:
            return self.arms(period, day)
        assert self.where is not None
        return (self.where(period, day),)

    def value(self, raw: Any) -> float | int | None:
        if self.share_of is not None:
            return None if raw is None else float(raw)
        if self.decimals:
            return round(float(raw or 0), self.decimals)
        return 0 if raw is None else int(raw)


class FigureSet:
    """The figures of one module, with the tables they are taken from."""

    def __init__(
        self, module: str, figures: Sequence[Figure], sources: Callable[[], dict[str, Source]]
    ) -> None:
        self.module = module
        self.figures = tuple(figures)
        self.by_key = {f.key: f for f in self.figures}
        self._sources = sources  # a function: models may import late

    def name(self, figure: Figure) -> str:
        return f"{self.module}.{figure.key}"

    def indicator(self, key: str) -> Indicator:
        """The platform indicator of the figure ``key`` (what a report field is filled by)."""
        name = self.name(self.by_key[key])
        return next(i for i in self.indicators() if i.name == name)

    def _rows(
        self,
        session: Session,
        source: Source,
        counted: Sequence[Figure],
        where: sa.ColumnElement[bool],
        period: Period,
        day: date,
        grouped: bool,
    ) -> dict[tuple[Any, int], Any]:
        """The raw values of ``counted`` (figures of ``source``) over the rows where ``where``
        holds: ``{(community id or None, position in counted): raw}``, per community when
        ``grouped`` (a community without rows is missing).

        Two shapes of the same figures, chosen by dialect (:data:`SHAPES`): ``"scan"`` is one
        SELECT of one aggregate per figure, a single pass over every live row in the
        communities; ``"counts"`` gives each counted condition its own ``count(*)`` and
        combines them with UNION ALL, so each reads only its rows through its own index."""
        key = [source.community] if grouped else []
        if SHAPES.get(session.get_bind().dialect.name, "scan") == "scan":
            stmt = source.rows(sa.select(*key, *(f.expression(period, day) for f in counted)))
            stmt = stmt.where(where)
            if grouped:
                stmt = stmt.group_by(source.community)
            found: dict[tuple[Any, int], Any] = {}
            for row in session.execute(stmt):
                cid, values = (row[0], row[1:]) if grouped else (None, row)
                found |= {(cid, i): raw for i, raw in enumerate(values)}
            return found
        parts = []
        for i, figure in enumerate(counted):
            position = sa.literal_column(str(i), sa.Integer)
            if figure.counts_rows:
                selects = [
                    source.rows(sa.select(*key, position, sa.func.count())).where(where, arm)
                    for arm in figure.conditions(period, day)
                ]
            else:
                expression = figure.expression(period, day)
                selects = [source.rows(sa.select(*key, position, expression)).where(where)]
            parts += [s.group_by(source.community) if grouped else s for s in selects]
        found = {}
        for *cid, i, raw in session.execute(sa.union_all(*parts)):
            slot = (cid[0] if grouped else None, i)
            if raw is not None:  # the arms of one figure add up
                found[slot] = raw if found.get(slot) is None else found[slot] + raw
            else:
                found.setdefault(slot, None)
        return found

    def _totals(
        self,
        session: Session,
        source: Source,
        counted: Sequence[Figure],
        communities: sa.Select,
        period: Period,
    ) -> list[Any]:
        """The raw values of ``counted`` over all of ``communities`` together."""
        where = source.community.in_(communities)
        found = self._rows(session, source, counted, where, period, as_of(period), grouped=False)
        return [found.get((None, i)) for i in range(len(counted))]

    def compute_all(
        self, session: Session, communities: sa.Select, period: Period
    ) -> dict[str, float | int | None]:
        """Every counted figure (not the shares) over ``communities``, by indicator name: one
        query per table."""
        found: dict[str, float | int | None] = {}
        for name, source in self._sources().items():
            counted = [f for f in self.figures if f.source == name and f.share_of is None]
            if not counted:
                continue
            row = self._totals(session, source, counted, communities, period)
            found |= {self.name(f): f.value(raw) for f, raw in zip(counted, row, strict=True)}
        return found

    def compute(
        self, session: Session, figure: Figure, communities: sa.Select, period: Period
    ) -> float | int | None:
        """``figure`` over ``communities`` (a SELECT of community ids) in ``period``."""
        if figure.share_of is not None:
            part, whole = (
                self.compute(session, self.by_key[k], communities, period) for k in figure.share_of
            )
            return percent(part, whole)
        source = self._sources()[figure.source]
        (raw,) = self._totals(session, source, [figure], communities, period)
        return figure.value(raw)

    def indicators(self) -> list[Indicator]:
        """The figures as the platform's indicators (``jiedao_indicators``)."""
        found = []
        for f in self.figures:
            parts: dict[str, Any] = {}
            counted = f
            if f.share_of is not None:
                part, whole = (self.name(self.by_key[k]) for k in f.share_of)
                parts = {"kind": "ratio", "numerator": part, "denominator": whole}
                counted = self.by_key[f.share_of[0]]  # a rate opens onto its numerator's rows
            if counted.records and counted.where is not None:
                parts["records"] = (counted.records, counted.where)
            found.append(
                Indicator(
                    self.name(f),
                    f.label,
                    f.unit,
                    lambda session, communities, period, f=f: self.compute(
                        session, f, communities, period
                    ),
                    module=self.module,
                    batch=self.compute_all if f.share_of is None else None,
                    stock=f.stock,
                    direction=f.direction,
                    description=f.description,
                    suppress_below=f.suppress_below,
                    **parts,
                )
            )
        return found

    def per_community(
        self, session: Session, communities: sa.Select, period: Period, day: date | None = None
    ) -> dict[int, dict[str, Any]]:
        """Every figure of each community in ``communities``: one GROUP BY query per table.
        Communities without rows get 0 (None for a share)."""
        day = as_of(period, day)
        ids = list(session.scalars(communities))
        rows = {cid: {f.key: f.value(None) for f in self.figures} for cid in ids}
        if not ids:
            return rows
        for name, source in self._sources().items():
            counted = [f for f in self.figures if f.source == name and f.share_of is None]
            if not counted:
                continue
            where = source.community.in_(ids)
            found = self._rows(session, source, counted, where, period, day, grouped=True)
            for (cid, i), raw in found.items():
                rows[cid][counted[i].key] = counted[i].value(raw)
        for row in rows.values():
            self._shares(row)
        return rows

    def _shares(self, row: dict[str, Any]) -> dict[str, Any]:
        for f in self.figures:
            if f.share_of is not None:
                row[f.key] = percent(row[f.share_of[0]], row[f.share_of[1]])
        return row

    def totals(self, rows: dict[int, dict[str, Any]]) -> dict[str, Any]:
        """The figures of all the communities together (a share from its summed parts)."""
        counted = [f for f in self.figures if f.share_of is None]
        return self._shares({f.key: sum(r[f.key] for r in rows.values()) for f in counted})

    def ranking(
        self,
        session: Session,
        communities: sa.Select,
        period: Period,
        sort: str = "",
        descending: bool = True,
        default_sort: str = "",
    ) -> dict[str, Any]:
        """Totals and the communities ranked by a figure (a missing share always last, ties by
        community code), for a street's or district's dashboard."""
        rows = self.per_community(session, communities, period)
        node = node_model()
        names = {
            cid: (ref, name, code)
            for cid, ref, name, code in session.execute(
                sa.select(node.id, node.ref, node.name, node.code).where(node.id.in_(list(rows)))
            )
        }
        sort = sort if sort in self.by_key else (default_sort or self.figures[0].key)
        ranking = sorted(
            (
                {"community": names[cid][0], "name": names[cid][1], "code": names[cid][2], **row}
                for cid, row in rows.items()
            ),
            key=lambda r: r["code"],
        )
        present = sorted(
            (r for r in ranking if r[sort] is not None), key=lambda r: r[sort], reverse=descending
        )
        ranking = present + [r for r in ranking if r[sort] is None]
        for place, row in enumerate(ranking, start=1):
            row["rank"] = place
        return {
            "as_of": as_of(period),
            "totals": self.totals(rows),
            "ranking": ranking,
            "sort": sort,
            "order": "desc" if descending else "asc",
        }

    def as_json(self, node_ref: str, period: Period, label: str, data: dict) -> dict[str, Any]:
        """A dashboard (:meth:`ranking`) as the API gives it, with the figures' labels and
        units."""
        return {
            "node": node_ref,
            "period": {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "label": label,
            },
            "as_of": data["as_of"].isoformat(),
            "indicators": [
                {
                    "name": self.name(f),
                    "key": f.key,
                    "label": str(f.label),
                    "unit": str(f.unit),
                    "value": data["totals"][f.key],
                }
                for f in self.figures
            ],
            **{k: data[k] for k in ("totals", "ranking", "sort", "order")},
        }


# The shape of the figures' statements on each dialect (see FigureSet._rows), as measured by
# benchmarks/bench_safety.py; a dialect not named here scans.
SHAPES: dict[str, str] = {"sqlite": "counts", "postgresql": "counts"}


# The query arguments of a period (a dashboard's, an export's).
PERIOD_ARGS = [
    {
        "in": "query",
        "name": "period",
        "description": "2026-03 (a month), 2026Q1, 2026H1 or 2026",
        "schema": {"type": "string"},
    },
    {"in": "query", "name": "year", "schema": {"type": "integer"}},
    {"in": "query", "name": "quarter", "schema": {"type": "integer", "enum": [1, 2, 3, 4]}},
    {"in": "query", "name": "from", "schema": {"type": "string", "format": "date"}},
    {"in": "query", "name": "to", "schema": {"type": "string", "format": "date"}},
]


def parse_period(args: Any, day: date | None = None) -> tuple[Period, str]:
    """The period the query asks for: ``period`` (``2026-03``, ``2026Q1``, ``2026H1``,
    ``2026``), ``from``/``to`` (ISO dates), or ``year`` with an optional ``quarter`` (1–4); this
    year by default. The period and its label; a 422 naming the argument when it is bad."""
    day = day or today()

    def bad(field: str, message: str) -> NoReturn:
        raise DomainError(message, {field: [message]})

    if args.get("period"):
        named = Period.parse(args["period"])
        if named is None:
            bad(
                "period",
                _(
                    "A period is a month (2026-03), a quarter (2026Q1), a half-year (2026H1) "
                    "or a year (2026)."
                ),
            )
        return named, named.label()

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
    period = Period.quarter(year, int(quarter))
    return period, period.label()
