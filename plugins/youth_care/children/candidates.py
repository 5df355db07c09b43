"""应纳未纳: the registry's minors who look as if they need care and are not on the ledger —
of a 低保 household, with a disability, or left behind — as leads to assess. The reasons are
the registry's S3 tags, so the list is for holders of ``youth_care.sensitive.view``."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from plugins.registry.ages import band_clause
from plugins.registry.models import RegistryResident, RegistryResidentTag
from plugins.registry.vocabularies import PRESENT
from tenants.models import Node

from .models import YouthCareChild

REASONS = {
    "dibao": _l("Minor of a subsistence-allowance household"),
    "disabled": _l("Minor with a disability"),
    "left_behind_child": _l("Left-behind minor"),
}
LIMIT = 200


def _tagged(tag: str) -> sa.Select:
    return sa.select(RegistryResidentTag.resident_id).where(RegistryResidentTag.tag == tag)


def candidates(session: Session, community: Node, day: date) -> list[dict[str, Any]]:
    """The community's live minors with a reason for care and no live entry on the ledger (a
    lead or in care), by name; each with its reasons."""
    dibao_households = sa.select(RegistryResident.household_id).where(
        RegistryResident.id.in_(_tagged("dibao")), RegistryResident.household_id.is_not(None)
    )
    reasons = {
        "dibao": RegistryResident.household_id.in_(dibao_households),
        "disabled": RegistryResident.id.in_(_tagged("disabled")),
        "left_behind_child": RegistryResident.id.in_(_tagged("left_behind_child")),
    }
    on_ledger = sa.select(YouthCareChild.resident_id).where(
        YouthCareChild.deleted_at.is_(None), YouthCareChild.status != "exited"
    )
    stmt = (
        sa.select(RegistryResident.id, RegistryResident.name, RegistryResident.birth_date,
                  *(clause.label(key) for key, clause in reasons.items()))
        .where(
            RegistryResident.community_id == community.id,
            RegistryResident.deleted_at.is_(None),
            RegistryResident.status.in_(PRESENT),
            band_clause("minor", RegistryResident.birth_date, RegistryResident.gender, day),
            sa.or_(*reasons.values()),
            RegistryResident.id.not_in(on_ledger),
        )
        .order_by(RegistryResident.name, RegistryResident.id)
        .limit(LIMIT)
    )  # fmt: skip
    return [
        {
            "resident_id": row.id,
            "name": row.name,
            "birth_date": row.birth_date.isoformat(),
            "reasons": [key for key in reasons if row._mapping[key]],
            "reason_labels": [str(REASONS[key]) for key in reasons if row._mapping[key]],
        }
        for row in session.execute(stmt)
    ]
