"""卫生责任区 / 检查点位 (``environment_area``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from core.models import User
    from plugins.registry.models import RegistryUnit


class EnvironmentArea(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A responsibility area or check point: a building's stairwells, a courtyard, a lane, a
    shop's frontage, a sorting station; placed at its building or the community, kept clean by
    its responsible party and checked by its 包片人."""

    __tablename__ = "environment_area"
    __table_args__ = (sa.Index("ix_environment_area_community_name", "community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(16), default="stairwell")
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_unit.id"))
    party: Mapped[str] = mapped_column(sa.String(12), default="property")
    keeper_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))  # 包片人
    floor_leader: Mapped[str] = mapped_column(sa.String(50), default="")  # 楼门长
    active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[RegistryUnit | None] = relationship()
    keeper: Mapped[User | None] = relationship(foreign_keys=[keeper_id])
