"""生育登记 (``family_planning_birth_reg``, with its timeline) and 出生人口登记
(``family_planning_child``): a registration is never an approval — no step refuses a child by
its order — and a birth links the registration it follows."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.sdk import Base, SoftDeleteMixin, TenantOwned, TimestampMixin, WorkflowEventMixin
from plugins.registry.models import RegistryResident

if TYPE_CHECKING:
    from plugins.family_planning.women.models import FpWoman


class FpBirthReg(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A birth registration: 已提交 → 待补正 ⇄ 已提交 → 已登记 → 已生育, or 已终止."""

    __tablename__ = "family_planning_birth_reg"
    __label__ = _l("Birth registrations")
    __numbered__ = {"number": "SY"}  # 登记编号 SY<year>-NNNN (core.numbering)
    __table_args__ = (
        sa.Index("ix_family_planning_birth_reg_woman", "woman_id"),
        sa.Index("ix_family_planning_birth_reg_community_applied", "community_id", "applied_on"),
        sa.UniqueConstraint("community_id", "number", name="uq_family_planning_birth_reg_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30))
    woman_id: Mapped[int] = mapped_column(sa.ForeignKey("family_planning_woman.id"))
    father_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_resident.id"))
    father_name: Mapped[str] = mapped_column(sa.String(50), default="")
    father_id_number: Mapped[str] = mapped_column(sa.String(18), default="")
    child_order: Mapped[str] = mapped_column(sa.String(2))  # 1, 2, 3, 4 (4及以上)
    due_on: Mapped[date | None]
    channel: Mapped[str] = mapped_column(sa.String(10), default="community")
    applied_on: Mapped[date]
    deadline: Mapped[date | None]  # registered within the settings' working days
    registered_on: Mapped[date | None]
    notified_on: Mapped[date | None]
    notified_by: Mapped[str | None] = mapped_column(sa.String(12))  # sms, phone, in_person
    status: Mapped[str] = mapped_column(sa.String(12), default="submitted")
    return_reason: Mapped[str] = mapped_column(sa.Text, default="")

    woman: Mapped[FpWoman] = relationship()
    father: Mapped[RegistryResident | None] = relationship(foreign_keys=[father_id])


class FpBirthRegEvent(WorkflowEventMixin, TenantOwned, Base):
    """One event of a registration's timeline: who, when, from which status to which, why."""

    __tablename__ = "family_planning_birth_reg_event"
    __table_args__ = (sa.Index("ix_family_planning_birth_reg_event_reg", "birth_reg_id", "id"),)

    birth_reg_id: Mapped[int] = mapped_column(sa.ForeignKey("family_planning_birth_reg.id"))


class FpChild(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A birth (出生实名制): the child is a registry resident, registered by the certificate."""

    __tablename__ = "family_planning_child"
    __label__ = _l("Births")
    __table_args__ = (
        sa.Index("ix_family_planning_child_woman", "woman_id"),
        sa.Index("ix_family_planning_child_community_born", "community_id", "born_on", "id"),
        sa.Index("ix_family_planning_child_street_born", "street_id", "born_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("registry_resident.id"))
    woman_id: Mapped[int] = mapped_column(sa.ForeignKey("family_planning_woman.id"))
    birth_reg_id: Mapped[int | None] = mapped_column(sa.ForeignKey("family_planning_birth_reg.id"))
    father_name: Mapped[str] = mapped_column(sa.String(50), default="")
    born_on: Mapped[date]
    sex: Mapped[str] = mapped_column(sa.String(1))
    birth_order: Mapped[int] = mapped_column(default=1)  # 孩次 among the mother's children
    hospital: Mapped[str] = mapped_column(sa.String(100), default="")
    certificate_number: Mapped[str] = mapped_column(sa.String(10), default="")
    one_thing: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # 出生"一件事"
    settled_on: Mapped[date | None]  # 落户日期
    match: Mapped[str] = mapped_column(sa.String(10), default="pending")  # pending, same, differs
    match_note: Mapped[str] = mapped_column(sa.String(200), default="")

    resident: Mapped[RegistryResident] = relationship(foreign_keys=[resident_id])
    woman: Mapped[FpWoman] = relationship()
    birth_reg: Mapped[FpBirthReg | None] = relationship()
