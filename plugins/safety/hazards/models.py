"""隐患 and the steps of their workflow (``safety_hazard``, ``safety_hazard_event``).

Hazards carry the partial indexes the overdue list and the dashboard need (see
benchmarks/bench_safety.py): open hazards by deadline per street and per community, the three
the dashboard's counts read; and ``(scope, found_on, id)`` at every scope for the list's order.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.numbering import Numbered
from core.sdk import partial_index
from core.workflow import WorkflowEventMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.safety.models import SafetyEnterprise, SafetyInspection

OPEN = "status <> 'closed' AND deleted_at IS NULL"
LIVE = "deleted_at IS NULL"
# (name, columns, where) of the indexes the dashboard's figures count through: found in a
# period (and rectified), closed in a period (or after the as-of day), open by deadline. They
# list deleted_at and status although their WHERE fixes them: SQLite reads an index alone only
# when it holds every column the query names.
FIGURE_INDEXES = (
    (
        "ix_safety_hazard_figures_found",
        ("community_id", "found_on", "status", "closed_on", "deleted_at"),
        LIVE,
    ),
    (
        "ix_safety_hazard_figures_closed",
        ("community_id", "status", "closed_on", "found_on", "deadline", "severity", "deleted_at"),
        LIVE,
    ),
    (
        "ix_safety_hazard_figures_open",
        ("community_id", "deadline", "found_on", "severity", "status", "deleted_at"),
        OPEN,
    ),
)


class SafetyHazard(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """隐患: found → notified (整改通知书) → rectifying → submitted → closed, or re-opened; its
    deadline extended once on request (延期申请); listed for supervision (挂牌督办)."""

    __tablename__ = "safety_hazard"
    __label__ = _l("Hidden dangers")
    # 隐患编号 YH<year>-NNNN and 整改通知书编号 ZG<year>-NNNN, per community (core.numbering).
    __numbered__ = {"number": "YH", "notice_number": Numbered("ZG", _l("Notice number"))}
    __table_args__ = (
        partial_index("ix_safety_hazard_street_open_deadline", "street_id", "deadline", where=OPEN),
        partial_index(
            "ix_safety_hazard_community_open_deadline", "community_id", "deadline", where=OPEN
        ),
        # The list's order (found_on DESC, id DESC) read backwards at every scope, and the
        # figures' date ranges (safety_0009).
        *(
            sa.Index(f"ix_safety_hazard_{scope}_found", f"{scope}_id", "found_on", "id")
            for scope in ("community", "street", "district")
        ),
        sa.Index("ix_safety_hazard_enterprise", "enterprise_id"),
        sa.Index("ix_safety_hazard_inspection", "inspection_id"),
        # The dashboard's counts, one index per kind of condition (safety_0010), each holding
        # every column its counts read, so SQLite counts in the index without reading rows.
        *(partial_index(name, *columns, where=where) for name, columns, where in FIGURE_INDEXES),
        sa.UniqueConstraint("community_id", "number", name="uq_safety_hazard_community_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30))  # 隐患编号, unique in the community
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("safety_inspection.id"))
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("safety_enterprise.id"))
    description: Mapped[str] = mapped_column(sa.Text)
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    category: Mapped[str] = mapped_column(sa.String(16), default="other")
    severity: Mapped[str] = mapped_column(sa.String(8), default="general")  # general, major
    status: Mapped[str] = mapped_column(sa.String(12), default="found")
    found_on: Mapped[date]
    found_by: Mapped[str] = mapped_column(sa.String(100), default="")
    notice_number: Mapped[str] = mapped_column(sa.String(40), default="")  # 整改通知书编号
    notice_issued_on: Mapped[date | None]
    deadline: Mapped[date | None]
    responsible_person: Mapped[str] = mapped_column(sa.String(50), default="")
    responsible_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    measures: Mapped[str] = mapped_column(sa.Text, default="")  # 整改要求 / 措施
    closed_on: Mapped[date | None]
    reopened: Mapped[int] = mapped_column(default=0)  # failed re-inspections so far
    supervised_on: Mapped[date | None]  # 挂牌督办: listed for supervision by the street

    enterprise: Mapped[SafetyEnterprise | None] = relationship()
    inspection: Mapped[SafetyInspection | None] = relationship()
    events: Mapped[list[SafetyHazardEvent]] = relationship(
        back_populates="hazard", order_by="SafetyHazardEvent.id"
    )


class SafetyHazardEvent(WorkflowEventMixin, TenantOwned, Base):
    """One event of a hazard's timeline: who, when, from which status to which, and why."""

    __tablename__ = "safety_hazard_event"
    __table_args__ = (sa.Index("ix_safety_hazard_event_hazard", "hazard_id", "id"),)

    hazard_id: Mapped[int] = mapped_column(sa.ForeignKey("safety_hazard.id"))
    hazard: Mapped[SafetyHazard] = relationship(back_populates="events")
