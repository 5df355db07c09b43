"""已婚育龄妇女信息卡 (``family_planning_woman``): one live card per woman and community.

The woman herself is the registry's resident (name, ID, birth date, marital status, presence):
the card keeps only what family planning adds. Reproductive-health columns are S3 (see the
schema); the card is placed at the woman's building, so every scope filter is an indexed key.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.sdk import Base, SoftDeleteMixin, TenantOwned, TimestampMixin, live_rows
from plugins.registry.models import RegistryResident

if TYPE_CHECKING:
    from plugins.family_planning.births.models import FpChild


class FpWoman(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A married woman of childbearing age on the register (在册) or off it (出册, with why)."""

    __tablename__ = "family_planning_woman"
    __label__ = _l("Married women of childbearing age")
    __table_args__ = (
        sa.Index("ix_family_planning_woman_resident", "resident_id"),
        *(
            sa.Index(f"ix_family_planning_woman_{scope}_status", f"{scope}_id", "status", "id")
            for scope in ("community", "street", "district")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("registry_resident.id"))
    spouse_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_resident.id"))
    spouse_name: Mapped[str] = mapped_column(sa.String(50), default="")
    spouse_id_number: Mapped[str] = mapped_column(sa.String(18), default="")
    married_on: Mapped[date | None]
    marriage_kind: Mapped[str] = mapped_column(sa.String(8), default="first")  # first, again
    residence: Mapped[str] = mapped_column(sa.String(8), default="local")  # local, inflow, outflow
    outflow_to: Mapped[str] = mapped_column(sa.String(100), default="")
    outflow_on: Mapped[date | None]
    outflow_contact: Mapped[str] = mapped_column(sa.String(11), default="")
    elsewhere_sons: Mapped[int] = mapped_column(default=0)  # children not on file here
    elsewhere_daughters: Mapped[int] = mapped_column(default=0)
    contraception: Mapped[str | None] = mapped_column(sa.String(24))
    pregnancy: Mapped[str | None] = mapped_column(sa.String(8))  # none, pregnant
    due_on: Mapped[date | None]
    platform_on: Mapped[date | None]  # 入库日期 (PADIS)
    prepreg_check_on: Mapped[date | None]
    cancer_screen_on: Mapped[date | None]
    filed_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(8), default="active")  # active, exited
    exit_reason: Mapped[str | None] = mapped_column(sa.String(12))
    exit_on: Mapped[date | None]

    resident: Mapped[RegistryResident] = relationship(foreign_keys=[resident_id])
    spouse: Mapped[RegistryResident | None] = relationship(foreign_keys=[spouse_id])
    children: Mapped[list[FpChild]] = live_rows("FpChild", "woman_id", "FpWoman")
