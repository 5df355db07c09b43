from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from tenants.models import TenantOwned


class LedgerRow(TenantOwned, Base):
    """A tenant-owned row standing in for any plugin's ledger entry."""

    __tablename__ = "ledger_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(50))
