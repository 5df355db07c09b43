"""救助帮扶记录 (``youth_care_assistance``) and its timeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from core.attachments import Attachment
from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import WorkflowEventMixin
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from ..children.models import YouthCareChild

RECEIPT_OWNER = "youth_care.assistance"  # the owner type of a receipt (core_attachment)


class YouthCareAssistance(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """Help given to a child in care (its node). ``status``: registered (登记), reviewed (审核)
    or issued (发放, against the guardian's signed receipt: an attachment, S3)."""

    __tablename__ = "youth_care_assistance"
    __table_args__ = (
        sa.Index("ix_youth_care_assistance_community_date", "community_id", "given_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_care_child.id"), index=True)
    given_on: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2), default=Decimal("0"))
    funder: Mapped[str] = mapped_column(sa.String(16), default="committee")
    handled_by: Mapped[str] = mapped_column(sa.String(50), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="registered")

    child: Mapped[YouthCareChild] = relationship()
    # The guardian's signed receipts (core attachments): counted here so lists show them.
    receipts: Mapped[int] = column_property(
        sa.select(sa.func.count(Attachment.id))
        .where(
            Attachment.owner_type == RECEIPT_OWNER,
            Attachment.owner_id == id,
            Attachment.deleted_at.is_(None),
        )
        .correlate_except(Attachment)
        .scalar_subquery()
    )


class YouthCareAssistanceEvent(WorkflowEventMixin, TenantOwned, Base):
    """One step of an assistance record (审核, 发放)."""

    __tablename__ = "youth_care_assistance_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    assistance_id: Mapped[int] = mapped_column(
        sa.ForeignKey("youth_care_assistance.id"), index=True
    )
