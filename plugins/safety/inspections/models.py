"""The inspection ledger's table (``safety_inspection``), with core's inspection columns."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import InspectionRecord, live_rows
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.safety.models import SafetyEnterprise, SafetyHazard


class SafetyInspection(InspectionRecord, TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """检查: planned or ad hoc, of an enterprise, a building, an area, a household or a rented
    flat; scored on a core checklist version (``checklist_id``, results in ``checklist``);
    failed items become hazards."""

    __tablename__ = "safety_inspection"
    __table_args__ = (
        sa.Index("ix_safety_inspection_community_date", "community_id", "done_on"),
        sa.Index("ix_safety_inspection_street_date", "street_id", "done_on"),
        sa.Index("ix_safety_inspection_enterprise", "enterprise_id"),
        sa.Index("ix_safety_inspection_round", "round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="routine")
    planned: Mapped[bool] = mapped_column(default=False)
    planned_on: Mapped[date | None]
    done_on: Mapped[date | None]  # None while only planned
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("safety_enterprise.id"))
    area: Mapped[str] = mapped_column(sa.String(200), default="")  # an area, when no enterprise
    inspectors: Mapped[str] = mapped_column(sa.String(200), default="")
    checklist: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)  # the results
    findings: Mapped[str] = mapped_column(sa.Text, default="")

    enterprise: Mapped[SafetyEnterprise | None] = relationship()
    # Read-only, for lists and exports: the live hazards this inspection found.
    hazards: Mapped[list[SafetyHazard]] = live_rows(
        "SafetyHazard", "inspection_id", "SafetyInspection"
    )
