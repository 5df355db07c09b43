"""结对帮扶 (``youth_care_pairing``) and its timeline."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import WorkflowEventMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from core.volunteers.models import Volunteer
    from plugins.registry.models import RegistryUnit

    from ..children.models import YouthCareChild


class YouthCarePairing(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A pairing of a child in care (its node) with a volunteer or a partner unit.
    ``status``: proposed (拟结对), active (进行中), ended (已结束) or stopped (中止)."""

    __tablename__ = "youth_care_pairing"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_care_child.id"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_volunteer.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_unit.id"))
    starts_on: Mapped[date]
    planned_end_on: Mapped[date | None]
    content: Mapped[str] = mapped_column(sa.Text, default="")
    goal: Mapped[str] = mapped_column(sa.Text, default="")
    frequency: Mapped[str] = mapped_column(sa.String(12), default="monthly")
    status: Mapped[str] = mapped_column(sa.String(10), default="proposed")
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    evaluation: Mapped[str] = mapped_column(sa.String(10), default="")
    deadline: Mapped[date | None]  # the outcome is recorded by then: 30 days after the end

    child: Mapped[YouthCareChild] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()
    unit: Mapped[RegistryUnit | None] = relationship()


class YouthCarePairingEvent(WorkflowEventMixin, TenantOwned, Base):
    """One step of a pairing (批准, 结束, 中止)."""

    __tablename__ = "youth_care_pairing_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_care_pairing.id"), index=True)
