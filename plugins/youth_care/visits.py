"""Visits to children in care (走访记录): 紧急 every week, 重点 every month, 一般 every quarter,
and a child with a pairing in progress as often as its contact frequency (联系频次) says when
that is more often — the stricter of the two. The visit log, its due list (逾期未走访, 即将到期),
assignments (包片) and the workbench counts are core's (``core.visits``); the module says who
is visited and how often. What a visit found and the needs it heard are S3 (child
vulnerability)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.sdk import S3, VisitQuota, visit_ledger
from plugins.registry.models import RegistryResident

from .children.models import YouthCareChild
from .common import ACCESS, ASSIGN, SENSITIVE
from .pairings.models import YouthCarePairing

# The quotas, most frequent first: a child's is the stricter of its level's and its pairings'.
QUOTAS = (
    VisitQuota("weekly", _l("Every week: urgent attention or a weekly pairing"), days=7),
    VisitQuota("fortnightly", _l("Every half month: a fortnightly pairing"), days=15),
    VisitQuota("monthly", _l("Every month: key attention or a monthly pairing"), months=1),
    VisitQuota("quarterly", _l("Every quarter: general attention"), months=3),
)
RANK = {quota.category: rank for rank, quota in enumerate(QUOTAS)}
BY_LEVEL = {"urgent": "weekly", "key": "monthly", "general": "quarterly"}


def _rank(column: sa.ColumnElement[str], categories: dict[str, str]) -> sa.ColumnElement[int]:
    """The rank in QUOTAS of the category ``column``'s value maps to."""
    ranks = ((column == key, RANK[category]) for key, category in categories.items())
    return sa.case(*ranks, else_=RANK["quarterly"])


def quota_category() -> sa.ColumnElement[str]:
    """A child's visit quota: its level's, or its most frequent pairing in progress' if more
    frequent (a weekly pairing of a child of general attention: every week)."""
    by_pairing = (
        sa.select(sa.func.min(_rank(YouthCarePairing.frequency, {k: k for k in RANK})))
        .where(
            YouthCarePairing.child_id == YouthCareChild.id,
            YouthCarePairing.status == "active",
            YouthCarePairing.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    by_level = _rank(YouthCareChild.level, BY_LEVEL)
    rank = sa.case((by_pairing < by_level, by_pairing), else_=by_level)
    return sa.case(*((rank == RANK[q.category], q.category) for q in QUOTAS))


def child_subjects() -> sa.Select:
    """Children in care (在册) as visit subjects: the resident, its quota, where it lives."""
    return (
        sa.select(
            sa.literal("resident").label("subject_kind"),
            YouthCareChild.resident_id.label("subject_id"),
            quota_category().label("category"),
            YouthCareChild.community_id.label("community_id"),
            YouthCareChild.node_id.label("node_id"),
            RegistryResident.name.label("name"),
        )
        .join(RegistryResident, RegistryResident.id == YouthCareChild.resident_id)
        .where(YouthCareChild.deleted_at.is_(None), YouthCareChild.status == "active")
    )


CHILD_VISITS = visit_ledger(
    **ACCESS,
    subjects=child_subjects,
    quotas=list(QUOTAS),
    sensitive=SENSITIVE,
    assign=ASSIGN,
    kinds=("resident",),
    sensitivity=S3,
    title=_l("Visit records of children in care"),
    label=_l("Visit to a child"),
    community_only=True,  # the children visited are listed in their community only
)
LEDGERS = [CHILD_VISITS.ledger]
