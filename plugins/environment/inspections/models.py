"""环境卫生检查 (``environment_inspection``), with core's inspection columns."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import InspectionRecord
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.environment.areas.models import EnvironmentArea


class EnvironmentInspection(InspectionRecord, TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """One area scored in an inspection (日巡查, 周自查, 月度大检查 …) against a checklist
    version; its failed items become issues."""

    __tablename__ = "environment_inspection"
    __table_args__ = (
        sa.Index("ix_environment_inspection_community_date", "community_id", "done_on"),
        sa.Index("ix_environment_inspection_street_date", "street_id", "done_on"),
        sa.Index("ix_environment_inspection_round", "round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="weekly")
    done_on: Mapped[date]
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("environment_area.id"))
    inspectors: Mapped[str] = mapped_column(sa.String(200), default="")
    partners: Mapped[str] = mapped_column(sa.String(200), default="")  # 城管, 物业 …
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    findings: Mapped[str] = mapped_column(sa.Text, default="")

    area: Mapped[EnvironmentArea | None] = relationship()
