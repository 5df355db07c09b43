"""The enterprise ledger's tables (``safety_enterprise``, ``safety_hazard_source``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import live_rows, partial_index
from plugins.registry.models import RegistryUnit
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.safety.models import SafetyHazard


class SafetyEnterprise(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """企业安全台账: safety facts about a registry unit (node = the unit's node)."""

    __tablename__ = "safety_enterprise"
    __table_args__ = (
        partial_index("uq_safety_enterprise_unit", "unit_id", unique=True),
        sa.Index("ix_safety_enterprise_community_risk", "community_id", "risk_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("registry_unit.id"))
    name: Mapped[str] = mapped_column(sa.String(100))  # the unit's name, kept for lists
    risk_level: Mapped[str] = mapped_column(sa.String(10), default="low")  # low … major
    sector: Mapped[str] = mapped_column(sa.String(24), default="general")
    standardisation: Mapped[str] = mapped_column(sa.String(12), default="not_started")
    standard_level: Mapped[str] = mapped_column(sa.String(10), default="")  # 一级 … 小微
    demonstration: Mapped[bool] = mapped_column(default=False)  # 示范企业
    principal_name: Mapped[str] = mapped_column(sa.String(50), default="")  # 主要负责人
    principal_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    safety_manager_name: Mapped[str] = mapped_column(sa.String(50), default="")  # 安全管理人员
    safety_manager_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    # Read-only, for lists and exports (loaded with the page of enterprises, not per row): the
    # registry unit (its credit code), the live sources and the hazards not closed yet.
    unit: Mapped[RegistryUnit] = relationship(viewonly=True)
    hazard_sources: Mapped[list[SafetyHazardSource]] = live_rows(
        "SafetyHazardSource", "enterprise_id", "SafetyEnterprise", back_populates="enterprise"
    )
    open_hazards: Mapped[list[SafetyHazard]] = live_rows(
        "SafetyHazard", "enterprise_id", "SafetyEnterprise", where="SafetyHazard.status != 'closed'"
    )


class SafetyHazardSource(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """重大危险源: a major hazard source of an enterprise, with its own small register."""

    __tablename__ = "safety_hazard_source"
    __table_args__ = (sa.Index("ix_safety_hazard_source_enterprise", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("safety_enterprise.id"))
    name: Mapped[str] = mapped_column(sa.String(100))
    grade: Mapped[str] = mapped_column(sa.String(4))  # 一级 … 四级: "1" … "4"
    substances: Mapped[str] = mapped_column(sa.String(200), default="")
    quantity: Mapped[str] = mapped_column(sa.String(50), default="")  # e.g. "30 t"
    responsible_person: Mapped[str] = mapped_column(sa.String(50), default="")
    monitoring: Mapped[str] = mapped_column(sa.Text, default="")  # 监控措施
    registered_on: Mapped[date | None]  # 备案日期

    enterprise: Mapped[SafetyEnterprise] = relationship(back_populates="hazard_sources")
