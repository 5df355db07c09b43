"""评选 (``environment_selection``): 绿色家庭 and 星级楼道 of a year."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned


class EnvironmentSelection(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A nominee of a year's selection (a household for 绿色家庭, a stairwell for 星级楼道) and
    the result once it is decided."""

    __tablename__ = "environment_selection"
    __table_args__ = (sa.Index("ix_environment_selection_community_year", "community_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="green_family")
    year: Mapped[int]
    nominee: Mapped[str] = mapped_column(sa.String(100))
    stars: Mapped[int | None]
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("environment_area.id"))  # 星级楼道
    votes: Mapped[int | None]  # residents' votes (居民投票)
    score: Mapped[float | None] = mapped_column(sa.Float)  # panel's, or a stairwell's mean
    result: Mapped[str] = mapped_column(sa.String(12), default="nominated")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
