"""随访/访视 with the spec's quotas (000 l.50; 003 l.220): the women on the register by category
— 产后 within 42 days, 新婚 within 30 days, inflow women at least quarterly (the monthly sweep),
the others yearly — and special families (失独, 伤残) monthly. The log, the due list, the
assignments and the workbench counts are core's (``core.visits``); what a visit found and what
the family needs is S3."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.sdk import S3, VisitQuota, today, visit_ledger
from plugins.registry.models import RegistryResident

from ..births.models import FpChild
from ..common import ACCESS
from ..families.models import FpFamily
from ..families.rules import SPECIAL
from ..women.models import FpWoman


def _women() -> sa.Select:
    day = today()
    recent_birth = sa.exists().where(
        FpChild.woman_id == FpWoman.id,
        FpChild.deleted_at.is_(None),
        FpChild.born_on >= day - timedelta(days=42),
    )
    category = sa.case(
        (recent_birth, "postnatal"),
        (FpWoman.married_on >= day - timedelta(days=365), "newly_wed"),
        (FpWoman.residence == "inflow", "inflow"),
        else_="woman",
    )
    return (
        sa.select(
            sa.literal("resident").label("subject_kind"),
            FpWoman.resident_id.label("subject_id"),
            category.label("category"),
            FpWoman.community_id.label("community_id"),
            FpWoman.node_id.label("node_id"),
            RegistryResident.name.label("name"),
        )
        .join(RegistryResident, FpWoman.resident_id == RegistryResident.id)
        .where(FpWoman.deleted_at.is_(None), FpWoman.status == "active")
    )


def _families() -> sa.Select:
    text = sa.cast(FpFamily.categories, sa.String)
    return sa.select(
        sa.literal("household").label("subject_kind"),
        FpFamily.household_id.label("subject_id"),
        sa.literal("special").label("category"),
        FpFamily.community_id.label("community_id"),
        FpFamily.node_id.label("node_id"),
        sa.literal("计生特殊家庭").label("name"),
    ).where(
        FpFamily.deleted_at.is_(None),
        FpFamily.status == "active",
        sa.or_(*(text.contains(f'"{key}"') for key in SPECIAL)),
    )


def subjects() -> sa.Select:
    """Every woman on the register and every special family, each with its category."""
    both = sa.union_all(_women(), _families()).subquery()
    return sa.select(*both.c)


# The quotas by category; the key-visit and special-family figures (``quality.py``) read them.
QUOTAS = {
    quota.category: quota
    for quota in (
        VisitQuota("postnatal", _l("Within 42 days of giving birth"), days=42),
        VisitQuota("newly_wed", _l("Newly married (within a year)"), days=30),
        VisitQuota("inflow", _l("Inflow"), months=3),
        VisitQuota("woman", _l("Married women"), months=12),
        VisitQuota("special", _l("Special family"), months=1),
    )
}
VISITS = visit_ledger(
    **ACCESS,
    subjects=subjects,
    quotas=list(QUOTAS.values()),
    kinds=("resident", "household"),
    sensitivity=S3,
    title=_l("Follow-up visit records"),
)
LEDGERS = [VISITS.ledger]
