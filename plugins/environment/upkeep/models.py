"""周期性维护 (``environment_tank``): water tanks cleaned every half year, rodent bait stations
refilled every month."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned


class EnvironmentTank(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A facility kept on a cycle: a building's secondary water-supply tank (cleaned every half
    year, the water-quality report attached) or a rodent bait station (鼠饵站, refilled monthly);
    when it was last done and by whom."""

    __tablename__ = "environment_tank"
    __table_args__ = (
        sa.Index("ix_environment_tank_community_cleaned", "community_id", "cleaned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="tank")
    facility: Mapped[str] = mapped_column(sa.String(100))
    cleaned_on: Mapped[date | None]
    cleaned_by: Mapped[str] = mapped_column(sa.String(100), default="")
    quality_ok: Mapped[bool] = mapped_column(default=True)  # 水质检测合格
    notes: Mapped[str] = mapped_column(sa.Text, default="")
