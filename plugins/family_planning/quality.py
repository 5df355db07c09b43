"""The figures of how well the work is done, beside the registers' counts (``figures.py``):
key women visited within their quota, special families visited on time, changes recorded
within 30 days, and how far the births the monthly reports gave are from the births on file.
Each returns a count over the communities of an area, so its rate rolls up by numerator and
denominator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.figures import as_of
from core.filing.models import FilingInstance
from core.filing.services import FILED
from core.reports import Period
from core.sdk import ShiftDate, VisitQuota

from .births.models import FpChild
from .families.models import FpFamily
from .visits.ledgers import QUOTAS, VISITS
from .women.models import FpWoman

Compute = Callable[[Session, sa.Select, Period], int]
RECORD_DAYS = 30  # 信息变更: recorded within 30 days of the event (002 l.359)
MONTHLY = "family_planning.monthly"


def _visited(subject_kind: str, subject: Any, first: Any, *last: Any) -> sa.Exists:
    """A visit of the module to ``subject`` dated from ``first`` to each of ``last``."""
    visit = VISITS.ledger.model
    return sa.exists().where(
        visit.subject_kind == subject_kind,
        visit.subject_id == subject,
        visit.deleted_at.is_(None),
        visit.visited_on >= first,
        *(visit.visited_on <= bound for bound in last),
    )


# --- 重点服务对象访视率 ----------------------------------------------------------------------------


def _key_events() -> list[tuple[Any, Any, VisitQuota]]:
    """The key-service events with a quota: a birth (产后, 42 days) and a marriage (新婚,
    30 days), each with the model it is on and the day it happened; the woman to visit is
    the card's (a birth joined to its mother's card)."""
    return [
        (FpChild, FpChild.born_on, QUOTAS["postnatal"]),
        (FpWoman, FpWoman.married_on, QUOTAS["newly_wed"]),
    ]


def key_events(visited: bool) -> Compute:
    """Events of the period whose window has closed by the as-of day or which were visited in
    it (an open window not yet visited is not counted yet); with ``visited``, only those
    visited within the quota."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        day = as_of(period)
        total = 0
        for model, happened, quota in _key_events():
            due = quota.due_after(happened)
            seen = _visited("resident", FpWoman.resident_id, happened, due, day)
            counted = seen if visited else sa.or_(due <= day, seen)
            stmt = sa.select(sa.func.count(model.id))
            if model is FpChild:
                stmt = stmt.join(FpWoman, FpChild.woman_id == FpWoman.id)
            stmt = stmt.where(
                model.community_id.in_(communities),
                model.deleted_at.is_(None),
                happened.between(period.start, day),
                counted,
            )
            total += session.scalar(stmt) or 0
        return total

    return compute


# --- 特殊家庭按期走访率 ----------------------------------------------------------------------------


def visited_on_time(_period: Period, day: date) -> sa.ColumnElement[bool]:
    """A family visited within its quota (a month) up to the as-of day."""
    since = day - timedelta(days=QUOTAS["special"].months * 31 - 1)
    return _visited("household", FpFamily.household_id, since, day)


# --- 信息变更及时率 ---------------------------------------------------------------------------------


def _changes() -> list[tuple[Any, Any]]:
    """The changes the register records, by the model and the day the change happened: a
    birth, and a marriage on a card."""
    return [(FpChild, FpChild.born_on), (FpWoman, FpWoman.married_on)]


def changes(on_time: bool) -> Compute:
    """Changes that happened in the period (up to the as-of day) and are on file; with
    ``on_time``, those recorded no later than 30 days after."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        total = 0
        for model, happened in _changes():
            stmt = sa.select(sa.func.count(model.id)).where(
                model.community_id.in_(communities),
                model.deleted_at.is_(None),
                happened.between(period.start, as_of(period)),
            )
            if on_time:
                # Before midnight that ends the 30th day: a timestamp against a date.
                limit = ShiftDate(happened, RECORD_DAYS + 1, "days")
                stmt = stmt.where(model.created_at < limit)
            total += session.scalar(stmt) or 0
        return total

    return compute


# --- 出生统计误差 -----------------------------------------------------------------------------------


def _reported(session: Session, communities: sa.Select, period: Period) -> dict[int, dict]:
    """Births each community's filed monthly reports of the period gave, by community and
    month."""
    months = [Period.month(period.start.year, m).key for m in _months(period)]
    stmt = sa.select(FilingInstance.node_id, FilingInstance.period, FilingInstance.values).where(
        FilingInstance.report == MONTHLY,
        FilingInstance.node_id.in_(communities),
        FilingInstance.status.in_(FILED),
        FilingInstance.period.in_(months),
    )
    found: dict[int, dict] = defaultdict(dict)
    for node_id, key, values in session.execute(stmt):
        found[node_id][int(key[-2:])] = int((values or {}).get("births") or 0)
    return found


def _months(period: Period) -> range:
    """The months of a period within one year (a report is monthly)."""
    last = period.end.month if period.end.year == period.start.year else 12
    return range(period.start.month, last + 1)


def _on_file(session: Session, ids: list[int], period: Period) -> dict[tuple[int, int], int]:
    month = sa.extract("month", FpChild.born_on)
    stmt = (
        sa.select(FpChild.community_id, month, sa.func.count(FpChild.id))
        .where(
            FpChild.community_id.in_(ids),
            FpChild.deleted_at.is_(None),
            FpChild.born_on.between(period.start, period.end),
        )
        .group_by(FpChild.community_id, month)
    )
    return {(c, int(m)): n for c, m, n in session.execute(stmt)}


def report_births(gap: bool) -> Compute:
    """Over the months a community has filed its report for: the births on file in them, or
    (``gap``) how far the births the reports gave are from those on file, summed community by
    community so that one's excess does not hide another's shortfall."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        reported = _reported(session, communities, period)
        on_file = _on_file(session, list(reported), period)
        total = 0
        for community, months in reported.items():
            here = sum(on_file.get((community, m), 0) for m in months)
            total += abs(sum(months.values()) - here) if gap else here
        return total

    return compute


def contraception_users(_period: Period, _day: date) -> sa.ColumnElement[bool]:
    """Cards that say a method of contraception is used (voluntarily given)."""
    return sa.and_(FpWoman.contraception.is_not(None), FpWoman.contraception != "none")


# --- 集中服务活动: a community cadre visits every woman of the register ---------------------------


def visited_in(period: Period, _day: date) -> sa.ColumnElement[bool]:
    """A card whose woman was visited in the period."""
    return _visited("resident", FpWoman.resident_id, period.start, period.end)
