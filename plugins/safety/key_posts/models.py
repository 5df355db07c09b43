"""三项岗位人员 (``safety_key_post``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.safety.models import SafetyEnterprise


class SafetyKeyPost(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A person holding one of the three key posts at an enterprise (its node), with the
    certificate the post needs; ``on_duty`` false once they leave the post (kept, not deleted,
    so last year's figures stay as they were)."""

    __tablename__ = "safety_key_post"
    __table_args__ = (sa.Index("ix_safety_key_post_community_post", "community_id", "post"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("safety_enterprise.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    post: Mapped[str] = mapped_column(sa.String(20))
    on_duty: Mapped[bool] = mapped_column(default=True)
    certificate_number: Mapped[str] = mapped_column(sa.String(40), default="")
    certificate_expires_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    enterprise: Mapped[SafetyEnterprise] = relationship()
