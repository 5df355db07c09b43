"""The tables of change reports: ``core_change_report`` and its timeline
``core_change_report_event``.

A report sits at the building it is about (``TenantOwned``: node = the building, with the
community and street keys), so a building leader's scope reaches exactly their building's
reports and a worker's scope their community's. ``facts`` hold what the kind's schema loaded, in
clear, because applying needs them; every surface masks the S2 ones (:mod:`core.changes.services`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.tenancy import TenantOwned
from core.workflow import WorkflowEventMixin


class ChangeReport(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """楼门院长信息反馈: one change a building leader reported (迁入, 死亡, 新开店铺 …)."""

    __tablename__ = "core_change_report"
    __table_args__ = (
        sa.Index("ix_core_change_report_community_status", "community_id", "status"),
        sa.Index("ix_core_change_report_reporter", "reporter_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(64))  # the module that applies the kind
    kind: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(12), default="reported")
    reported_on: Mapped[date]
    facts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The names of the records the facts pick (household, person, shop) when last checked.
    subject_names: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))
    reporter_name: Mapped[str] = mapped_column(sa.String(100), default="")
    # What applying produced, for the people who look at the report afterwards.
    outcome: Mapped[str] = mapped_column(sa.String(200), default="")

    events: Mapped[list[ChangeReportEvent]] = relationship(
        back_populates="report", order_by="ChangeReportEvent.id", viewonly=True
    )


class ChangeReportEvent(WorkflowEventMixin, TenantOwned, Base):
    """One step of a report's timeline (上报, 核实, 办结, 退回 …): who, when, why, what changed."""

    __tablename__ = "core_change_report_event"
    __table_args__ = (sa.Index("ix_core_change_report_event_report", "report_id", "id"),)

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("core_change_report.id"))
    report: Mapped[ChangeReport] = relationship(back_populates="events")
