"""Enterprise visits (企业走访): 重点企业 (larger or major risk) monthly, 一般企业 quarterly.

The visit log, its due list (应访: 逾期未访, 即将到期), the assignments of enterprises and grids
to workers (包片) and the workbench count are core's (``core.visits``); the safety module says
only which enterprises are visited and how often.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.sdk import VisitQuota, visit_ledger

from .common import ACCESS
from .models import SafetyEnterprise

ASSIGN = "safety.assign"
KEY_RISK_LEVELS = ("larger", "major")  # 较大风险、重大风险: 重点企业

# The audit log's words for the assignments (包片); the ledgers name their own writes.
AUDIT_ACTIONS = {
    "safety.assignment.create": _l("Enterprises and places assigned to a worker"),
    "safety.assignment.end": _l("Assignment of enterprises and places ended"),
}


def enterprise_subjects() -> sa.Select:
    """Live enterprises as visit subjects: their unit, 重点 or 一般, where they are."""
    return sa.select(
        sa.literal("unit").label("subject_kind"),
        SafetyEnterprise.unit_id.label("subject_id"),
        sa.case((SafetyEnterprise.risk_level.in_(KEY_RISK_LEVELS), "key"), else_="general").label(
            "category"
        ),
        SafetyEnterprise.community_id.label("community_id"),
        SafetyEnterprise.node_id.label("node_id"),
        SafetyEnterprise.name.label("name"),
    ).where(SafetyEnterprise.deleted_at.is_(None))


ENTERPRISE_VISITS = visit_ledger(
    **ACCESS,
    subjects=enterprise_subjects,
    quotas=[
        VisitQuota("key", _l("Key enterprise"), months=1),
        VisitQuota("general", _l("General enterprise"), months=3),
    ],
    assign=ASSIGN,
    kinds=("unit",),
    title=_l("Enterprise visits"),
)
LEDGERS = [ENTERPRISE_VISITS.ledger]
