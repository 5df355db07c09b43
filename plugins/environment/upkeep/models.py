"""二次供水水箱 (``environment_tank``): cleaned every half year."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned


class EnvironmentTank(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A secondary water-supply tank of a building: when it was last cleaned and by whom, with
    the water-quality report attached; due again half a year later."""

    __tablename__ = "environment_tank"
    __table_args__ = (
        sa.Index("ix_environment_tank_community_cleaned", "community_id", "cleaned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility: Mapped[str] = mapped_column(sa.String(100))
    cleaned_on: Mapped[date | None]
    cleaned_by: Mapped[str] = mapped_column(sa.String(100), default="")
    quality_ok: Mapped[bool] = mapped_column(default=True)  # 水质检测合格
    notes: Mapped[str] = mapped_column(sa.Text, default="")
