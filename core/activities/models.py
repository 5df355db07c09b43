"""The activity tables: ``core_activity`` and what belongs to one activity — the further modules
it counts for, its named attendees and the materials handed out."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.tenancy import TenantOwned


class Activity(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """活动记录: one publicity campaign, drill, lecture or visit day of a module (``module``, its
    owner), which may count for further modules too (:class:`ActivityModule`). ``kind`` and
    ``target_groups`` and ``forms`` (讲座, 图片展览 …) are keys of the owning module's vocabulary,
    ``laws`` the laws and regulations it covered, as written; ``observance`` the key of the
    calendar entry it answers (``core.activities.services.observance_key``)."""

    __tablename__ = "core_activity"
    __label__ = _l("Activity records")  # merge previews name the table by it
    __table_args__ = (
        sa.Index("ix_core_activity_community_date", "community_id", "held_on"),
        sa.Index("ix_core_activity_module", "module"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(40), default="other")
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date]
    start_time: Mapped[time | None]
    ends_on: Mapped[date | None]
    end_time: Mapped[time | None]
    observance: Mapped[str] = mapped_column(sa.String(80), default="")
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    organiser: Mapped[str] = mapped_column(sa.String(100), default="")
    partners: Mapped[str] = mapped_column(sa.String(200), default="")
    target_groups: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    forms: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # 形式: lecture, exhibition …
    laws: Mapped[str] = mapped_column(sa.String(300), default="")  # the laws it explained
    headcount: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str] = mapped_column(sa.Text, default="")

    shared: Mapped[list[ActivityModule]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="ActivityModule.module"
    )

    @property
    def counts_for(self) -> list[str]:
        """The further modules it counts for, besides its owner."""
        return [link.module for link in self.shared]


class ActivityModule(Base):
    """One further module an activity counts for (a 法治 + 安全 joint campaign is owned by one
    and counts for the other): its lists, counts, calendar and indicators see it."""

    __tablename__ = "core_activity_module"
    __table_args__ = (sa.UniqueConstraint("activity_id", "module"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_activity.id", ondelete="CASCADE"), index=True
    )
    module: Mapped[str] = mapped_column(sa.String(64), index=True)

    activity: Mapped[Activity] = relationship(back_populates="shared")


class ActivityAttendee(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A named attendee (签到): name, role, an optional phone (S2) and, when picked from the
    registry, the resident's id — a plain number, no foreign key: core does not know the
    registry's tables, and the attendance stays as signed if the resident later leaves."""

    __tablename__ = "core_activity_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("core_activity.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    resident_id: Mapped[int | None]
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    role: Mapped[str] = mapped_column(sa.String(20), default="participant")
    unit: Mapped[str] = mapped_column(sa.String(100), default="")

    activity: Mapped[Activity] = relationship()


class ActivityMaterial(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """Materials handed out (发放宣传资料): what (leaflets, posters, gifts) and how many."""

    __tablename__ = "core_activity_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("core_activity.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(100))
    quantity: Mapped[int] = mapped_column(default=0)
    count_unit: Mapped[str] = mapped_column(sa.String(10), default="")  # 份, 张, 册

    activity: Mapped[Activity] = relationship()
