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

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned


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


from .enterprises.models import SafetyEnterprise, SafetyHazardSource  # noqa: E402
from .hazards.models import SafetyHazard, SafetyHazardEvent  # noqa: E402
from .inspections.models import SafetyInspection  # noqa: E402

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
