"""Visits to children in care (走访记录): 紧急 every week, 重点 every month, 一般 every quarter.
The visit log, its due list (逾期未走访, 即将到期), assignments (包片) and the workbench counts
are core's (``core.visits``); the module says who is visited and how often. What a visit found
and the needs it heard are S3 (child vulnerability)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.sdk import S3, VisitQuota, visit_ledger
from plugins.registry.models import RegistryResident

from .children.models import YouthCareChild
from .common import ACCESS, ASSIGN, SENSITIVE


def child_subjects() -> sa.Select:
    """Children in care (在册) as visit subjects: the resident, its level, where it lives."""
    return (
        sa.select(
            sa.literal("resident").label("subject_kind"),
            YouthCareChild.resident_id.label("subject_id"),
            YouthCareChild.level.label("category"),
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
    quotas=[
        VisitQuota("urgent", _l("Urgent attention"), days=7),
        VisitQuota("key", _l("Key attention"), months=1),
        VisitQuota("general", _l("General attention"), months=3),
    ],
    sensitive=SENSITIVE,
    assign=ASSIGN,
    kinds=("resident",),
    sensitivity=S3,
    title=_l("Visit records of children in care"),
    label=_l("Visit to a child"),
    community_only=True,  # the children visited are listed in their community only
)
LEDGERS = [CHILD_VISITS.ledger]
