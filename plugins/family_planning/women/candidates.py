"""The register derives itself from the registry: 应建未建 (women who qualify and have no live
card here) and the proposed exits (出册 at 50, divorce, widowhood, death, departure).

Each list is one SQL query over the community's residents and cards, never a loop.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plugins.registry.ages import band_clause, years_before
from plugins.registry.models import RegistryResident
from plugins.registry.vocabularies import PRESENT

from .models import FpWoman
from .rules import MARRIED


def _live_card(resident: Any = RegistryResident.id) -> sa.Exists:
    return sa.exists().where(
        FpWoman.resident_id == resident,
        FpWoman.status == "active",
        FpWoman.deleted_at.is_(None),
    )


def qualifying_clause(day: date) -> sa.ColumnElement[bool]:
    """Residents a card is due for on ``day``: women 15–49, married, living in the registry."""
    return sa.and_(
        RegistryResident.deleted_at.is_(None),
        band_clause("childbearing", RegistryResident.birth_date, RegistryResident.gender, day),
        RegistryResident.marital_status.in_(MARRIED),
        RegistryResident.status.in_(PRESENT),
    )


def candidates(session: Session, community_id: int, day: date) -> list[RegistryResident]:
    """应建未建: the community's qualifying women without a live card, oldest filed first."""
    stmt = (
        sa.select(RegistryResident)
        .where(
            RegistryResident.community_id == community_id,
            qualifying_clause(day),
            ~_live_card(),
        )
        .order_by(RegistryResident.arrived_on, RegistryResident.id)
    )
    return list(session.scalars(stmt))


def proposed_exits(
    session: Session, community_id: int, day: date, exit_age: int = 50
) -> list[tuple[FpWoman, str]]:
    """Live cards the registry says should leave, each with the reason proposed."""
    resident = RegistryResident
    reason = sa.case(
        (resident.status == "deceased", "death"),
        (resident.status == "moved_out", "moved"),
        (resident.marital_status == "divorced", "divorce"),
        (resident.marital_status == "widowed", "widowed"),
        (resident.birth_date <= years_before(day, exit_age), "age"),
        else_=None,
    ).label("reason")
    stmt = (
        sa.select(FpWoman, reason)
        .join(resident, FpWoman.resident_id == resident.id)
        .where(FpWoman.community_id == community_id, FpWoman.status == "active")
        .order_by(resident.birth_date, FpWoman.id)
    )
    return [(card, why) for card, why in session.execute(stmt) if why is not None]
