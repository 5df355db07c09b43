"""Core's inspection tables: versioned checklist templates and their items, inspection rounds,
referrals to another authority; and the columns a module's inspection record adds."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from core.db import Base, TimestampMixin, UTCDateTime, utcnow
from core.tenancy import TenantOwned


class ChecklistTemplate(TimestampMixin, Base):
    """检查表: one version of a module's checklist for a kind of target. ``node_id`` is the
    place that keeps it (a district, street or community; none for a module's default declared
    in code). A version that scored an inspection (``used``) is never changed: editing it makes
    the next version, and the inspection keeps the one it was scored on."""

    __tablename__ = "core_checklist"
    __table_args__ = (
        sa.Index("ix_core_checklist_module_target", "module", "target_kind"),
        sa.UniqueConstraint(
            "module", "target_kind", "name", "node_id", "version", name="uq_core_checklist_version"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(64))
    target_kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    used: Mapped[bool] = mapped_column(default=False)
    pass_mark: Mapped[float | None] = mapped_column(sa.Float)
    node_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tenants_node.id"))

    items: Mapped[list[ChecklistTemplateItem]] = relationship(
        order_by="ChecklistTemplateItem.position", cascade="all, delete-orphan"
    )

    @property
    def max_score(self) -> float | None:
        """The most a target can score; none for a pass/fail-only checklist."""
        points = [i.max_points for i in self.items if i.max_points is not None]
        return sum(points) if points else None


class ChecklistTemplateItem(Base):
    """检查项目: scored out of ``max_points`` (分值), or pass/fail when it has none."""

    __tablename__ = "core_checklist_item"
    __table_args__ = (sa.Index("ix_core_checklist_item_checklist", "checklist_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_checklist.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(default=0)
    section: Mapped[str] = mapped_column(sa.String(100), default="")
    text: Mapped[str] = mapped_column(sa.String(300))
    max_points: Mapped[float | None] = mapped_column(sa.Float)


class InspectionRound(TimestampMixin, TenantOwned, Base):
    """检查轮次, e.g. 2026年11月院落环境联合检查: groups the inspections of many targets, ranked
    by score and announced in a 通报."""

    __tablename__ = "core_inspection_round"
    __table_args__ = (sa.Index("ix_core_inspection_round_module", "module", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]


class Referral(TenantOwned, Base):
    """移交/转办: a finding or a rectification item handed to another authority (城管执法, 消防),
    with its reference number (移交文号), the day, and what came of it (办理结果)."""

    __tablename__ = "core_referral"
    __table_args__ = (sa.Index("ix_core_referral_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(64))
    owner_type: Mapped[str] = mapped_column(sa.String(80))  # <module>.<record kind>
    owner_id: Mapped[int]
    authority: Mapped[str] = mapped_column(sa.String(200))
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    referred_on: Mapped[date]
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InspectionRecord:
    """The columns core adds to a module's inspection table: the checklist version it was
    scored on, its round, its target (a kind, an id and a display name) and its total."""

    @declared_attr
    def checklist_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("core_checklist.id"), nullable=True)

    @declared_attr
    def checklist_template(cls) -> Mapped[ChecklistTemplate | None]:
        """The version scored on, loaded with a page of inspections (never one per row)."""
        return relationship(ChecklistTemplate, viewonly=True)

    @declared_attr
    def round_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("core_inspection_round.id"), nullable=True)

    @declared_attr
    def target_kind(cls) -> Mapped[str]:
        return mapped_column(sa.String(20), default="")

    @declared_attr
    def target_id(cls) -> Mapped[int | None]:
        return mapped_column(nullable=True)

    @declared_attr
    def target_name(cls) -> Mapped[str]:
        return mapped_column(sa.String(200), default="")

    @declared_attr
    def total_score(cls) -> Mapped[float | None]:
        return mapped_column(sa.Float, nullable=True)
