"""The filed reports: one instance per report, node and period, and its timeline."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.tree import NODE_TABLE
from core.workflow import WorkflowEventMixin


class FilingInstance(Base):
    """A node's report for one period. ``values``: the figures as they stand (an auto-filled
    one follows its source until the report is submitted, then stays as filed); ``auto``: what
    the source gave when last computed; ``reasons``: 修改原因 of each overridden auto value;
    ``comments``: the reviewer's per-field comments of the last return."""

    __tablename__ = "core_filing_instance"
    __table_args__ = (
        sa.UniqueConstraint("report", "period", "node_id", name="uq_core_filing_instance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report: Mapped[str] = mapped_column(sa.String(80))
    period: Mapped[str] = mapped_column(sa.String(24))
    node_id: Mapped[int] = mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(12), default="draft")
    values: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    auto: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    reasons: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    comments: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    submitted_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # What core.workflow.Workflow.run reads of a record: the place it acts on, never deleted.
    @property
    def community_id(self) -> int:
        return self.node_id

    @property
    def deleted_at(self) -> None:
        return None

    deadline = None


class FilingEvent(WorkflowEventMixin, Base):
    """One step of a filed report (submitted, returned, approved …), with who and why."""

    __tablename__ = "core_filing_event"

    instance_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_filing_instance.id", ondelete="CASCADE"), index=True
    )
    node_id: Mapped[int]
