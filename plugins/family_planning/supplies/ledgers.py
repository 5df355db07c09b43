"""避孕药具总帐 (the kinds with their stock), 分帐 (the movements) and 盘点表 (stock-takes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter

from ..common import FpLedger
from . import rules
from .models import FpStockTake, FpSupplyItem, FpSupplyMove
from .schemas import StockTakeSchema, SupplyItemSchema, SupplyMoveSchema

supply_items = FpLedger(
    name="supply_item",
    model=FpSupplyItem,
    schema=SupplyItemSchema,
    title=_l("Contraceptive general ledger"),
    label=_l("Contraceptive"),
    order=lambda: [FpSupplyItem.name, FpSupplyItem.id],
    options=lambda stmt: stmt.options(
        selectinload(FpSupplyItem.moves), selectinload(FpSupplyItem.takes)
    ),
    title_of=lambda i: i.name,
)
supply_moves = FpLedger(
    name="supply_move",
    model=FpSupplyMove,
    schema=SupplyMoveSchema,
    title=_l("Contraceptive sub-ledger"),
    label=_l("Contraceptive movement"),
    filters=(Filter("item", "int", _l("Contraceptive"), column="item_id"), Filter("kind")),
    order=lambda: [FpSupplyMove.moved_on.desc(), FpSupplyMove.id.desc()],
    options=lambda stmt: stmt.options(selectinload(FpSupplyMove.item)),
    check=rules.check_move,
    title_of=lambda m: f"{m.item.name} {m.moved_on}",
)
stock_takes = FpLedger(
    name="stock_take",
    model=FpStockTake,
    schema=StockTakeSchema,
    title=_l("Contraceptive stock-take sheet"),
    label=_l("Stock-take"),
    order=lambda: [FpStockTake.taken_on.desc(), FpStockTake.id.desc()],
    options=lambda stmt: stmt.options(selectinload(FpStockTake.item)),
    check=rules.check_take,
    title_of=lambda t: f"{t.item.name} {t.taken_on}",
)

LEDGERS = [supply_items, supply_moves, stock_takes]
