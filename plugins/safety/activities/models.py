"""宣传活动 (``safety_activity``)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned


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
