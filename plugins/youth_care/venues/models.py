"""网吧巡查记录 (``youth_care_venue_check``), with core's inspection columns."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import InspectionRecord
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.registry.models import RegistryUnit


class YouthCareVenueCheck(InspectionRecord, TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A check of a venue (its node); ``refer_by``: the day a failed check is to be referred
    (2 working days after it), None when nothing failed."""

    __tablename__ = "youth_care_venue_check"
    __table_args__ = (
        sa.Index("ix_youth_care_venue_check_community_day", "community_id", "done_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("registry_unit.id"), index=True)
    done_on: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(12), default="patrol")
    checkers: Mapped[str] = mapped_column(sa.String(200), default="")
    checklist: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    refer_by: Mapped[date | None]

    unit: Mapped[RegistryUnit] = relationship()
