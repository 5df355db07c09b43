"""垃圾分类台账 (``environment_sorting``): one row per 桶站 or building and month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.environment.areas.models import EnvironmentArea


class EnvironmentSorting(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A month of garbage sorting at a station or building: households covered (from the
    registry) and taking part, spot checks and those sorted right, kitchen waste, duty."""

    __tablename__ = "environment_sorting"
    __table_args__ = (sa.Index("ix_environment_sorting_community_month", "community_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date]  # the month's first day
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("environment_area.id"))
    covered: Mapped[int] = mapped_column(default=0)
    participating: Mapped[int] = mapped_column(default=0)
    checked: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
    kitchen_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 1))
    duty_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 1))
    volunteers: Mapped[int] = mapped_column(default=0)
    problems: Mapped[str] = mapped_column(sa.Text, default="")

    area: Mapped[EnvironmentArea | None] = relationship()
