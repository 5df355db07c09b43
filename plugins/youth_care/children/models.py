"""关爱对象 (``youth_care_child``) and the timeline of its entry and exit."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import WorkflowEventMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.registry.models import RegistryResident, RegistryUnit


class YouthCareChild(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A child or young person in care: a registry resident, placed at the resident's node.
    ``status``: lead (线索), active (在册) or exited (退出, with its reason and date)."""

    __tablename__ = "youth_care_child"
    __table_args__ = (sa.Index("ix_youth_care_child_community_status", "community_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("registry_resident.id"), index=True)
    categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    guardian_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_resident.id"))
    guardian_name: Mapped[str] = mapped_column(sa.String(50), default="")
    guardian_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    guardian_relation: Mapped[str] = mapped_column(sa.String(24), default="")
    guardianship: Mapped[str] = mapped_column(sa.String(10), default="")
    parents_away: Mapped[str] = mapped_column(sa.Text, default="")
    parents_away_since: Mapped[date | None]
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_unit.id"))
    school_name: Mapped[str] = mapped_column(sa.String(100), default="")
    grade: Mapped[str] = mapped_column(sa.String(16), default="")
    situation: Mapped[str] = mapped_column(sa.Text, default="")
    needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    level: Mapped[str] = mapped_column(sa.String(10), default="general")
    responsible: Mapped[str] = mapped_column(sa.String(50), default="")
    source: Mapped[str] = mapped_column(sa.String(16), default="sweep")
    status: Mapped[str] = mapped_column(sa.String(10), default="lead")
    found_on: Mapped[date]  # when the lead came in: its assessment is due from then
    entered_on: Mapped[date | None]  # 在册 since
    exited_on: Mapped[date | None]
    exit_reason: Mapped[str] = mapped_column(sa.String(12), default="")
    deadline: Mapped[date | None]  # a lead is assessed by then (7 days, 紧急 the next day)

    resident: Mapped[RegistryResident] = relationship(foreign_keys=[resident_id])
    guardian: Mapped[RegistryResident | None] = relationship(foreign_keys=[guardian_id])
    school: Mapped[RegistryUnit | None] = relationship(foreign_keys=[school_id])


class YouthCareChildEvent(WorkflowEventMixin, TenantOwned, Base):
    """One step of a child's entry into care and exit (确认在册, 退出)."""

    __tablename__ = "youth_care_child_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_care_child.id"), index=True)
