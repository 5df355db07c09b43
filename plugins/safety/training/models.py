"""培训 and its trainees (``safety_training``, ``safety_trainee``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import live_rows
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.safety.models import SafetyEnterprise


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

    trainees: Mapped[list[SafetyTrainee]] = live_rows(
        "SafetyTrainee", "training_id", "SafetyTraining", back_populates="training"
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
