"""The safety ledgers' tables (all prefixed ``safety_``).

Every row is tenant-owned: its node is where it happened (the enterprise's node, a building, or
the community), so ``community_id``/``street_id``/``district_id`` are indexed keys for every list
and roll-up. Each sub-area keeps its tables in its own package (``hazards/models.py`` …); this
module gathers them all, for ``jiedao_models`` and for code that reads another area's table.

Enumerations are stored as short English keys; their labels live beside the rules.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
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


class SafetyTraining(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """培训: a training session and its trainees."""

    __tablename__ = "safety_training"
    __table_args__ = (sa.Index("ix_safety_training_community_date", "community_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(20), default="general")
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    teacher: Mapped[str] = mapped_column(sa.String(100), default="")
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    trainees: Mapped[list[SafetyTrainee]] = relationship(
        back_populates="training",
        primaryjoin="and_(SafetyTrainee.training_id == SafetyTraining.id, "
        "SafetyTrainee.deleted_at.is_(None))",
        viewonly=True,
        order_by="SafetyTrainee.id",
    )


class SafetyTrainee(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A person trained; for 三项岗位 (principal, safety manager, special operator) with a
    certificate number, issue and expiry date."""

    __tablename__ = "safety_trainee"
    __table_args__ = (
        sa.Index("ix_safety_trainee_training", "training_id"),
        sa.Index("ix_safety_trainee_community_expiry", "community_id", "certificate_expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(sa.ForeignKey("safety_training.id"))
    name: Mapped[str] = mapped_column(sa.String(50))
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("safety_enterprise.id"))
    post: Mapped[str] = mapped_column(sa.String(20), default="frontline")  # 三项岗位 or other
    certificate_number: Mapped[str] = mapped_column(sa.String(40), default="")
    certificate_issued_on: Mapped[date | None]
    certificate_expires_on: Mapped[date | None]
    passed: Mapped[bool] = mapped_column(default=True)

    training: Mapped[SafetyTraining] = relationship(back_populates="trainees")
    enterprise: Mapped[SafetyEnterprise | None] = relationship()


class SafetyAccident(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """事故: grade, casualties, losses, cause, measures, on-site meeting, lessons.
    ``casualty_details`` and ``liability`` are sensitive (``safety.sensitive.view``)."""

    __tablename__ = "safety_accident"
    __table_args__ = (sa.Index("ix_safety_accident_community_date", "community_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_on: Mapped[date]
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("safety_enterprise.id"))
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    kind: Mapped[str] = mapped_column(sa.String(16), default="other")
    grade: Mapped[str] = mapped_column(sa.String(16), default="general")
    deaths: Mapped[int] = mapped_column(default=0)
    serious_injuries: Mapped[int] = mapped_column(default=0)
    minor_injuries: Mapped[int] = mapped_column(default=0)
    direct_loss: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))  # 万元
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    cause: Mapped[str] = mapped_column(sa.Text, default="")
    measures: Mapped[str] = mapped_column(sa.Text, default="")
    meeting_held: Mapped[bool] = mapped_column(default=False)  # 事故现场会
    meeting_on: Mapped[date | None]
    lessons: Mapped[str] = mapped_column(sa.Text, default="")
    casualty_details: Mapped[str] = mapped_column(sa.Text, default="")  # sensitive
    liability: Mapped[str] = mapped_column(sa.Text, default="")  # 责任认定, sensitive

    enterprise: Mapped[SafetyEnterprise | None] = relationship()


class SafetyActivity(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """宣传活动: safety month, 11.9 fire day, road-safety day and other campaigns."""

    __tablename__ = "safety_activity"
    __table_args__ = (sa.Index("ix_safety_activity_community_date", "community_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="other")
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    headcount: Mapped[int] = mapped_column(default=0)
    organiser: Mapped[str] = mapped_column(sa.String(100), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")


from .hazards.models import SafetyHazard, SafetyHazardEvent  # noqa: E402

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
