"""The safety ledgers' tables (all prefixed ``safety_``).

Every row is tenant-owned: its node is where it happened (the enterprise's node, a building, or
the community), so ``community_id``/``street_id``/``district_id`` are indexed keys for every list
and roll-up. Each sub-area keeps its tables in its own package (``hazards/models.py`` …); this
module gathers them all, for ``jiedao_models`` and for code that reads another area's table.

Enumerations are stored as short English keys; their labels live beside the rules.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned

LIVE = "deleted_at IS NULL"


class SafetyEnterprise(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """企业安全台账: safety facts about a registry unit (node = the unit's node)."""

    __tablename__ = "safety_enterprise"
    __table_args__ = (
        sa.Index(
            "uq_safety_enterprise_unit",
            "unit_id",
            unique=True,
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        ),
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

    hazard_sources: Mapped[list[SafetyHazardSource]] = relationship(
        back_populates="enterprise",
        primaryjoin="and_(SafetyHazardSource.enterprise_id == SafetyEnterprise.id, "
        "SafetyHazardSource.deleted_at.is_(None))",
        viewonly=True,
        order_by="SafetyHazardSource.id",
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


class SafetyInspection(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """检查: planned or ad hoc, of an enterprise, a building or an area; findings become hazards."""

    __tablename__ = "safety_inspection"
    __table_args__ = (
        sa.Index("ix_safety_inspection_community_date", "community_id", "done_on"),
        sa.Index("ix_safety_inspection_street_date", "street_id", "done_on"),
        sa.Index("ix_safety_inspection_enterprise", "enterprise_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="routine")
    planned: Mapped[bool] = mapped_column(default=False)
    planned_on: Mapped[date | None]
    done_on: Mapped[date | None]  # None while only planned
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("safety_enterprise.id"))
    area: Mapped[str] = mapped_column(sa.String(200), default="")  # an area, when no enterprise
    inspectors: Mapped[str] = mapped_column(sa.String(200), default="")
    checklist: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    findings: Mapped[str] = mapped_column(sa.Text, default="")

    enterprise: Mapped[SafetyEnterprise | None] = relationship()


from .accidents.models import SafetyAccident  # noqa: E402
from .activities.models import SafetyActivity  # noqa: E402
from .hazards.models import SafetyHazard, SafetyHazardEvent  # noqa: E402
from .training.models import SafetyTrainee, SafetyTraining  # noqa: E402

__all__ = [
    "SafetyAccident",
    "SafetyActivity",
    "SafetyEnterprise",
    "SafetyHazard",
    "SafetyHazardEvent",
    "SafetyHazardSource",
    "SafetyInspection",
    "SafetyTrainee",
    "SafetyTraining",
]
