"""A target: one indicator's value to reach at one node in one period."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.tree import NODE_TABLE


class NodeTarget(Base):
    """``indicator`` (``safety.trained``) to reach at ``node_id`` in ``period`` (a period key:
    ``2026``, ``2026H1``, ``2026Q3`` or ``2026-03``); who set it last and why. Changes are in the
    audit log with the old and new value."""

    __tablename__ = "core_target"
    __table_args__ = (sa.UniqueConstraint("node_id", "indicator", "period", name="uq_core_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"), index=True)
    indicator: Mapped[str] = mapped_column(sa.String(80))
    period: Mapped[str] = mapped_column(sa.String(24))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
