"""A 五老 volunteer's account (``youth_care_elder_account``): which user the volunteer of the
community's register signs in as."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from core.models import User
    from core.volunteers.models import Volunteer


class YouthCareElderAccount(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """The user a volunteer signs in as, to see the children paired with them and record the
    visits to them."""

    __tablename__ = "youth_care_elder_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("core_volunteer.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_user.id"), index=True)

    volunteer: Mapped[Volunteer] = relationship(foreign_keys=[volunteer_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])
