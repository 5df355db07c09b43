"""门前三包责任书 (``environment_letter``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.environment.areas.models import EnvironmentArea
    from plugins.registry.models import RegistryUnit


class EnvironmentLetter(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A 门前三包 letter with one street-front unit: drafted, signed, and valid until its date
    (31 December by default), then expired; or terminated."""

    __tablename__ = "environment_letter"
    __table_args__ = (
        sa.Index("ix_environment_letter_community_unit", "community_id", "unit_id"),
        sa.Index("ix_environment_letter_street_until", "street_id", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("registry_unit.id"))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("environment_area.id"))
    extent: Mapped[str] = mapped_column(sa.String(200), default="")  # 责任范围
    duties: Mapped[list[str] | None] = mapped_column(sa.JSON)  # 责任内容
    signed_on: Mapped[date | None]
    valid_until: Mapped[date | None]
    signatory: Mapped[str] = mapped_column(sa.String(50), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="draft")
    # The letter this one renews (续签), so the renewal list drops a letter once renewed.
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("environment_letter.id"))

    unit: Mapped[RegistryUnit] = relationship()
    area: Mapped[EnvironmentArea | None] = relationship()
