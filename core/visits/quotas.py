"""Visit quotas (应访): how often each category of subject is to be visited, and, per subject,
its last visit, its next due date and whether it is overdue or due soon — in SQL.

A module says which subjects it visits with a select of labelled columns ``subject_kind``,
``subject_id``, ``category``, ``community_id``, ``node_id`` and ``name`` (its live records, one
row per subject) and declares a :class:`VisitQuota` per category. :func:`due_table` joins that
select with each subject's latest visit of the module and works out the due date with the
category's interval; the result is mapped to a class (:func:`due_rows`), so the due list, the
workbench count and the reminder read it as any other table, one query each.

A subject never visited is overdue (逾期未访) from the day it is listed. The follow-up date a
visit sets (下次走访) wins when it is sooner than the quota's. Month arithmetic is the
database's: PostgreSQL's 31 January + 1 month is 28 February, SQLite's is 3 March.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.orm import registry as orm_registry
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.visitors import InternalTraversal

from core.tree import NodeRef, node_table, subtree_clause
from core.visits.models import Visit

OVERDUE, DUE_SOON, OK = "overdue", "due", "ok"
STATUSES = (OVERDUE, DUE_SOON, OK)
NEVER = date(1970, 1, 1)  # the reminder's deadline of a subject never visited: long past

_mapper = orm_registry()


@dataclass(frozen=True)
class VisitQuota:
    """Subjects of ``category`` are visited every ``months`` months or every ``days`` days."""

    category: str
    label: Any
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if (self.months > 0) == (self.days > 0) or self.months < 0 or self.days < 0:
            raise ValueError(f"quota {self.category!r}: give months or days, one of them")

    def due_after(self, last: Any) -> sa.ColumnElement[date]:
        """``last`` plus the quota's interval, as an SQL date."""
        return (
            ShiftDate(last, self.months, "months")
            if self.months
            else ShiftDate(last, self.days, "days")
        )

    def due_from(self, last: date) -> date:
        """The same in Python, for tests and one record's page."""
        if self.days:
            return last + timedelta(days=self.days)
        month = last.month - 1 + self.months
        year, month = last.year + month // 12, month % 12 + 1
        for day in (last.day, 30, 29, 28):
            try:
                return date(year, month, day)
            except ValueError:
                continue
        raise AssertionError("unreachable")


class ShiftDate(sa.sql.expression.ColumnElement):
    """``date + n months|days``, written in the dialect's own words."""

    type = sa.Date()
    inherit_cache = True
    # What the statement cache keys on: the value, the amount and the unit.
    _traverse_internals = [
        ("value", InternalTraversal.dp_clauseelement),
        ("amount", InternalTraversal.dp_plain_obj),
        ("unit", InternalTraversal.dp_string),
    ]

    def __init__(self, value: Any, amount: int, unit: str) -> None:
        self.value = coercions.expect(roles.ExpressionElementRole, value)
        self.amount = int(amount)
        self.unit = unit


@compiles(ShiftDate)
def _shift_default(element: ShiftDate, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.value, **kw)
    return f"CAST(({value}) + INTERVAL '{element.amount} {element.unit}' AS DATE)"


@compiles(ShiftDate, "sqlite")
def _shift_sqlite(element: ShiftDate, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.value, **kw)
    return f"date({value}, '+{element.amount} {element.unit}')"


@dataclass(frozen=True)
class QuotaSource:
    """One module's subjects under quota: ``subjects()`` is the select of labelled columns the
    module documents; ``quotas`` the rules by category."""

    module: str
    key: str
    subjects: Callable[[], sa.Select]
    quotas: Sequence[VisitQuota]

    def quota(self, category: str) -> VisitQuota | None:
        return next((q for q in self.quotas if q.category == category), None)

    def categories(self) -> dict[str, Any]:
        return {q.category: q.label for q in self.quotas}


Within = Callable[[Any], sa.ColumnElement[bool]]  # a predicate on a community id column


def due_table(
    source: QuotaSource, within: Within | None = None, *, narrow_visits: bool = True
) -> sa.Subquery:
    """Every subject of ``source`` with its category's quota, its last visit and next due date;
    with ``within``, only the subjects of the communities it selects, and (``narrow_visits``)
    only their visits are grouped: a community's list reads that community's visits, not the
    district's; a street's counts, which read most visits anyway, group them all."""
    subjects = source.subjects().subquery("subjects")
    visits = sa.select(
        Visit.subject_kind,
        Visit.subject_id,
        sa.func.max(Visit.visited_on).label("last_visit"),
        sa.func.max(Visit.next_due).label("follow_up"),
    ).where(Visit.module == source.module, Visit.deleted_at.is_(None))
    if within is not None and narrow_visits:
        listed = source.subjects().subquery("listed")
        visits = visits.where(
            Visit.subject_id.in_(
                sa.select(listed.c.subject_id).where(within(listed.c.community_id))
            )
        )
    visits = visits.group_by(Visit.subject_kind, Visit.subject_id).subquery("visits")
    last = visits.c.last_visit
    by_quota = sa.case(
        *((subjects.c.category == q.category, q.due_after(last)) for q in source.quotas),
        else_=sa.null(),
    )
    follow_up = visits.c.follow_up
    due = sa.case(
        (sa.and_(follow_up > last, follow_up < by_quota), follow_up),
        else_=by_quota,
    )
    return (
        sa.select(
            subjects.c.subject_kind,
            subjects.c.subject_id,
            subjects.c.subject_id.label("id"),  # what reminders key a notification by
            subjects.c.category,
            subjects.c.community_id,
            subjects.c.node_id,
            subjects.c.name,
            last.label("last_visit"),
            due.label("next_due"),
            sa.func.coalesce(due, sa.literal(NEVER, sa.Date())).label("remind_on"),
        )
        .select_from(
            subjects.outerjoin(
                visits,
                sa.and_(
                    visits.c.subject_kind == subjects.c.subject_kind,
                    visits.c.subject_id == subjects.c.subject_id,
                ),
            )
        )
        .where(
            subjects.c.category.in_([q.category for q in source.quotas]),
            within(subjects.c.community_id) if within is not None else sa.true(),
        )
        .subquery(f"due_{source.module}_{source.key}")
    )


class SubjectScope:
    """Rows of a mapped select of subjects (``community_id``, ``node_id``) scoped as a tenant
    table is: what the workbench counts and reminders send need of them."""

    @classmethod
    def __scope_clause__(cls, nodes: list[NodeRef]) -> sa.ColumnElement[bool]:
        """Subjects under any of ``nodes``: by community id, or by the subject's place below."""
        clauses = []
        communities = [n.id for n in nodes if n.kind == "community"]
        if communities:
            clauses.append(cls.community_id.in_(communities))  # type: ignore[attr-defined]
        above = [n for n in nodes if n.kind in ("district", "street")]
        if above:
            inner = sa.select(node_table.c.id).where(
                node_table.c.kind == "community",
                sa.or_(*(subtree_clause(node_table.c.path, n.path) for n in above)),
            )
            clauses.append(cls.community_id.in_(inner))  # type: ignore[attr-defined]
        below = [n for n in nodes if n.kind not in ("district", "street", "community")]
        if below:
            inner = sa.select(node_table.c.id).where(
                sa.or_(*(subtree_clause(node_table.c.path, n.path) for n in below))
            )
            clauses.append(cls.node_id.in_(inner))  # type: ignore[attr-defined]
        return sa.or_(*clauses) if clauses else sa.false()


class DueRow(SubjectScope):
    """One subject under quota, as :func:`due_rows` maps it (a row of the due table)."""

    subject_kind: str
    subject_id: int
    id: int
    category: str
    community_id: int
    node_id: int | None
    name: str
    last_visit: date | None
    next_due: date | None
    remind_on: date

    def status(self, day: date, soon: int) -> str:
        if self.last_visit is None or self.next_due is None or self.next_due < day:
            return OVERDUE
        return DUE_SOON if self.next_due <= day + timedelta(days=soon) else OK

    @classmethod
    def overdue(cls, day: date) -> sa.ColumnElement[bool]:
        return sa.or_(cls.last_visit.is_(None), cls.next_due < day)  # type: ignore[attr-defined]

    @classmethod
    def due_soon(cls, day: date, soon: int) -> sa.ColumnElement[bool]:
        return cls.next_due.between(day, day + timedelta(days=soon))  # type: ignore[attr-defined]


def narrowed(
    rows: type[DueRow], source: QuotaSource, within: Within, *, narrow_visits: bool = True
) -> Any:
    """``rows`` over the due table of the communities ``within`` selects (an ORM alias)."""
    table = due_table(source, within, narrow_visits=narrow_visits)
    return aliased(rows, table, adapt_on_names=True)


def due_rows(source: QuotaSource) -> type[DueRow]:
    """A class mapped to ``source``'s due table (``DueRow`` with its columns)."""
    table = due_table(source)
    cls = type(f"DueRow_{source.module}_{source.key}", (DueRow,), {})
    _mapper.map_imperatively(cls, table, primary_key=[table.c.subject_kind, table.c.subject_id])
    return cls
