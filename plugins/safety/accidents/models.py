"""事故 (``safety_accident``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.safety.models import SafetyEnterprise


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
