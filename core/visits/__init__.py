"""Visits with quotas (走访/随访/回访) and assignments (包片/包保), for every module.

``visit_ledger(...)`` (:mod:`core.visits.declare`) declares a module's visit log and quotas;
:mod:`core.visits.assignments` holds who answers for which place or subject and the standard
``?mine=1`` filter (我的片区) a ledger switches on with :func:`mine_filter`.
"""

from __future__ import annotations

from core.visits.assignments import mine_clause, mine_filter
from core.visits.models import AreaAssignment, Visit, VisitVisitor
from core.visits.quotas import VisitQuota

__all__ = ["AreaAssignment", "Visit", "VisitQuota", "VisitVisitor", "mine_clause", "mine_filter"]
