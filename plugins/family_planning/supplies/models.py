"""避孕药具台账 ("建立药具总帐、分帐…帐帐相符，帐物相符" 004 l.58): the kinds kept, their
movements (领入, 发放, 自取箱补充, 报损) and the monthly stock-take with its difference."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.sdk import Base, SoftDeleteMixin, TenantOwned, TimestampMixin, live_rows


class FpSupplyItem(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A kind of contraceptive the community keeps (品名, 规格, 单位)."""

    __tablename__ = "family_planning_supply_item"
    __label__ = _l("Contraceptive kinds")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    spec: Mapped[str] = mapped_column(sa.String(50), default="")
    unit: Mapped[str] = mapped_column(sa.String(10), default="盒")

    moves: Mapped[list[FpSupplyMove]] = live_rows("FpSupplyMove", "item_id", "FpSupplyItem")
    takes: Mapped[list[FpStockTake]] = live_rows("FpStockTake", "item_id", "FpSupplyItem")


class FpSupplyMove(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """One movement of an item: in (领入) or out (发放, 自取箱补充, 报损), a positive quantity."""

    __tablename__ = "family_planning_supply_move"
    __label__ = _l("Contraceptive movements")
    __table_args__ = (sa.Index("ix_family_planning_supply_move_item", "item_id", "moved_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("family_planning_supply_item.id"))
    moved_on: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(8))
    quantity: Mapped[int]
    recipient: Mapped[str] = mapped_column(sa.String(50), default="")  # S3 when named
    reason: Mapped[str] = mapped_column(sa.String(200), default="")

    item: Mapped[FpSupplyItem] = relationship()


class FpStockTake(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """The month's stock-take of an item: the book stock, what was counted, the difference."""

    __tablename__ = "family_planning_stock_take"
    __label__ = _l("Stock-takes")

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("family_planning_supply_item.id"))
    taken_on: Mapped[date]
    book: Mapped[int]
    counted: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")

    item: Mapped[FpSupplyItem] = relationship()
