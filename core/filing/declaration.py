"""What a module declares about an upward report (上报): its fields, the checks across them and
the day each level must file it by. Plain descriptions; :mod:`core.filing.services` does the work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from core.reports import Indicator, Period

FREQUENCIES = ("month", "quarter", "half", "year")
MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}  # the length of each frequency's period
ENTRY_TYPES = ("int", "decimal", "text")
LEVELS = ("community", "street", "district")
# The level whose staff review a node's report: the street reviews its communities, the
# district its streets; a district's report is the top of the tree here and is only compiled.
REVIEWED_BY = {"community": "street", "street": "district"}

SUBMIT, REVIEW = "reports.submit", "reports.review"


@dataclass(frozen=True)
class Field:
    """One line of the report. ``indicator``: filled from that indicator over the node's
    communities where the module is on; ``entry`` (``int``, ``decimal``, ``text``): typed in,
    with ``min``/``max`` — a typed field's ``fill(session, communities, period)`` gives a
    community's report its starting text (the lowest-ranked areas), which staff may then
    change freely; ``ratio``: ``numerator`` over ``denominator`` (two other fields) ×
    ``per``, recomputed from the summed parts when consolidated, never a mean. Build them with
    :meth:`from_indicator`, :meth:`typed` and :meth:`ratio_of`."""

    key: str
    label: Any
    unit: Any = ""
    indicator: str = ""
    entry: str = ""
    numerator: str = ""
    denominator: str = ""
    per: int = 100
    min: float | None = None
    max: float | None = None
    help: Any = ""
    fill: Callable[..., Any] | None = None

    @classmethod
    def from_indicator(cls, key: str, label: Any, indicator: str, **options: Any) -> Field:
        return cls(key, label, indicator=indicator, **options)

    @classmethod
    def filled_by(
        cls, indicator: Indicator, key: str = "", label: Any = None, **options: Any
    ) -> Field:
        """A field filled from a declared ``indicator``, under the indicator's label and unit
        unless the report words its own; ``key`` defaults to the indicator's last name part."""
        options.setdefault("unit", indicator.unit)
        key = key or indicator.name.rsplit(".", 1)[-1]
        return cls(key, label or indicator.label, indicator=indicator.name, **options)

    @classmethod
    def typed(cls, key: str, label: Any, entry: str = "int", **options: Any) -> Field:
        if entry not in ENTRY_TYPES:
            raise ValueError(f"field {key}: entry type {entry!r} is not one of {ENTRY_TYPES}")
        return cls(key, label, entry=entry, **options)

    @classmethod
    def ratio_of(
        cls, key: str, label: Any, numerator: str, denominator: str, **options: Any
    ) -> Field:
        return cls(key, label, numerator=numerator, denominator=denominator, **options)

    @property
    def kind(self) -> str:
        if self.indicator:
            return "indicator"
        if self.numerator:
            return "ratio"
        return self.entry or "int"

    @property
    def summed(self) -> bool:
        """A figure that consolidates by summing (every number but a ratio)."""
        return self.kind in ("indicator", "int", "decimal")

    def parse(self, raw: Any) -> Any:
        """The typed value of ``raw``; ValueError with the reason when it is not one."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if self.kind == "text":
            return str(raw).strip()[:500]
        if isinstance(raw, bool):
            raise ValueError("number")
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValueError("number") from None
        if not number.is_finite():
            raise ValueError("number")
        if self.kind in ("indicator", "int"):
            if number != number.to_integral_value():
                raise ValueError("whole")
            value: int | float = int(number)
        else:
            value = float(round(number, 4))
        if self.min is not None and value < self.min:
            raise ValueError("min")
        if self.max is not None and value > self.max:
            raise ValueError("max")
        return value


@dataclass(frozen=True)
class SumCheck:
    """``total`` must equal the sum of ``parts``: an error, it refuses the submission."""

    total: str
    parts: tuple[str, ...]
    severity: str = "error"


@dataclass(frozen=True)
class ChangeCheck:
    """``field`` changed by more than ``threshold`` % against the previous period's filed
    figure: a warning, shown but not blocking."""

    field: str
    threshold: float = 10.0
    severity: str = "warning"


@dataclass(frozen=True)
class Due:
    """The day of the month after the period by which each level files ("每月5日前"): calendar
    days, as the rules staff follow are written. ``review``: the day by which the level above
    has reviewed (returned or approved) what was filed to it ("街道8日前审核"); 0 for none."""

    community: int = 5
    street: int = 10
    district: int = 15
    review: int = 0

    def on(self, period: Period, level: str) -> date:
        first = period.end + timedelta(days=1)
        day = getattr(self, level, self.district)
        return first.replace(day=min(day, 28))


@dataclass(frozen=True)
class Report:
    """An upward report of a module (``jiedao_reports``). ``submit``/``review``: the
    permissions that file it and that review it at the level above — core's generic
    ``reports.submit`` and ``reports.review`` unless the report names its own. ``levels``: the
    kinds of node that file it (a district compiles its streets' reports). ``filed_for``: the
    parts of the year it is filed for, numbered from 1 (``(1,)`` for a half-year summary filed
    for the first half only, the year's own summary covering the second); every part when
    empty. ``read``: the permission that reads it beside those that file and review it (a
    compartment's report: 安置帮教月报), instead of any user of the module."""

    key: str
    label: Any
    module: str = ""
    frequency: str = "month"
    fields: Sequence[Field] = ()
    checks: Sequence[SumCheck | ChangeCheck] = ()
    due: Due = field(default_factory=Due)
    submit: str = SUBMIT
    review: str = REVIEW
    instructions: Any = ""  # 填报说明
    levels: tuple[str, ...] = LEVELS
    filed_for: tuple[int, ...] = ()
    read: str = ""

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(
                f"report {self.key}: frequency {self.frequency!r} not in {FREQUENCIES}"
            )
        parts = 12 // MONTHS[self.frequency]
        if not set(self.filed_for) <= set(range(1, parts + 1)):
            raise ValueError(f"report {self.key}: filed_for {self.filed_for} beyond {parts}")
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"report {self.key}: a field key is used twice")
        for f in self.fields:
            if f.kind == "ratio" and not {f.numerator, f.denominator} <= set(keys):
                raise ValueError(f"report {self.key}: ratio {f.key} names unknown fields")
        for check in self.checks:
            named = (check.total, *check.parts) if isinstance(check, SumCheck) else (check.field,)
            if not set(named) <= set(keys):
                raise ValueError(f"report {self.key}: a check names unknown fields {named}")

    @property
    def by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    def period_of(self, day: date) -> Period:
        """The period that contains ``day``."""
        if self.frequency == "month":
            return Period.month(day.year, day.month)
        if self.frequency == "quarter":
            return Period.quarter(day.year, (day.month - 1) // 3 + 1)
        if self.frequency == "half":
            return Period.half(day.year, 1 if day.month <= 6 else 2)
        return Period.year(day.year)

    def part(self, period: Period) -> int:
        """Which part of its year ``period`` is: its month, quarter or half (1 for a year)."""
        return (period.start.month - 1) // MONTHS[self.frequency] + 1

    def matches(self, period: Period) -> bool:
        """Is ``period`` one of this report's periods (a month for a monthly report…)?"""
        if self.period_of(period.start) != period:
            return False
        return not self.filed_for or self.part(period) in self.filed_for

    def before(self, period: Period) -> Period:
        """The report's period filed before ``period`` (skipping the parts not filed for)."""
        earlier = period.previous()
        while not self.matches(earlier):
            earlier = earlier.previous()
        return earlier

    def last_closed(self, day: date) -> Period:
        """The latest period that has ended by ``day``: the one being filed now."""
        return self.before(self.period_of(day))
