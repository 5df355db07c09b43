"""计生家庭台账 (``family_planning_family``): a household of the registry with the categories
that bring it care or rewards; 失独 and 伤残 are S3, as are the child's death and disability."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.sdk import Base, SoftDeleteMixin, TenantOwned, TimestampMixin, WorkflowEventMixin
from plugins.registry.models import RegistryHousehold, RegistryResident


class FpFamily(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A family on the ledger; a special family (失独, 伤残) is confirmed step by step:
    申报 → 街道审核 → 区认定 → 在册 → 退出."""

    __tablename__ = "family_planning_family"
    __label__ = _l("Family-planning families")
    __table_args__ = (
        sa.Index("ix_family_planning_family_household", "household_id"),
        sa.Index("ix_family_planning_family_community_status", "community_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("registry_household.id"))
    father_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_resident.id"))
    mother_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_resident.id"))
    categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    certificate_number: Mapped[str] = mapped_column(sa.String(30), default="")  # 光荣证号 (legacy)
    certificate_on: Mapped[date | None]
    child_died_on: Mapped[date | None]
    disability_grade: Mapped[str | None] = mapped_column(sa.String(4))
    recognised_on: Mapped[date | None]  # 认定日期
    recognition_ref: Mapped[str] = mapped_column(sa.String(50), default="")  # 文号
    contact_name: Mapped[str] = mapped_column(sa.String(50), default="")  # 社区干部联系人
    health_worker: Mapped[str] = mapped_column(sa.String(50), default="")
    health_worker_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    gp_signed_on: Mapped[date | None]  # 家庭医生签约日期
    green_channel: Mapped[bool] = mapped_column(default=False)  # 就医绿色通道
    care_needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(12), default="declared")
    deadline: Mapped[date | None]  # the street's review, 10 working days after 申报

    household: Mapped[RegistryHousehold] = relationship()
    father: Mapped[RegistryResident | None] = relationship(foreign_keys=[father_id])
    mother: Mapped[RegistryResident | None] = relationship(foreign_keys=[mother_id])


class FpFamilyEvent(WorkflowEventMixin, TenantOwned, Base):
    """One event of a family's confirmation timeline."""

    __tablename__ = "family_planning_family_event"
    __table_args__ = (sa.Index("ix_family_planning_family_event_family", "family_id", "id"),)

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("family_planning_family.id"))
