"""The ``eldercare_visit`` table: one visit to one elder (tables start with ``eldercare_``)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.sdk import Base, SoftDeleteMixin, TenantOwned, TimestampMixin


class EldercareVisit(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A visit, owned by the community it happened in (its district/street/community keys are
    filled in on flush, which is what scoped queries and the roll-ups use). Deleting one keeps
    the row with who and when (``SoftDeleteMixin``); who recorded and changed it is in core's
    record history."""

    __tablename__ = "eldercare_visit"
    __table_args__ = (
        sa.Index("ix_eldercare_visit_community_id_visit_date", "community_id", "visit_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    elder_name: Mapped[str] = mapped_column(sa.String(50))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    kind: Mapped[str] = mapped_column(sa.String(10), default="home")
    visit_date: Mapped[date]
    visitor: Mapped[str] = mapped_column(sa.String(50))
    needs: Mapped[str] = mapped_column(sa.String(200), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
