"""The ``core_attachment`` table: one row per file attached to a record of any module."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, SoftDeleteMixin, UTCDateTime, utcnow
from core.tenancy import TenantOwned


class Attachment(TenantOwned, SoftDeleteMixin, Base):
    """A photo, scan or signed receipt of a record (its *owner*: ``owner_type`` such as
    ``safety.hazard`` and ``owner_id``). The row sits at the owner's node, so it is scoped like
    the owner; the file lives under the instance folder in ``uploads/<module>/<stored_as>``.
    Deleting is soft: the row and the file stay, with who deleted it and when."""

    __tablename__ = "core_attachment"
    __table_args__ = (sa.Index("ix_core_attachment_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(64))  # folder under uploads/, route checks
    owner_type: Mapped[str] = mapped_column(sa.String(80))  # <module>.<record kind>
    owner_id: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(200))  # as uploaded, without folders
    stored_as: Mapped[str] = mapped_column(sa.String(80))  # <uuid>.<extension of the content>
    content_type: Mapped[str] = mapped_column(sa.String(80))  # from the content check
    size: Mapped[int]
    caption: Mapped[str] = mapped_column(sa.String(200), default="")
    kind: Mapped[str] = mapped_column(sa.String(20), default="")  # e.g. before / after
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.owner_type}:{self.owner_id} {self.filename!r}>"
