"""The contraceptive ledger's rules: the book stock of an item on a day (in minus out), an
outgoing movement never takes it below nought, a stock-take records the book stock it was
compared with and names its reason when the count differs."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import refuse
from tenants.models import Node

from ..common import today
from .models import FpStockTake, FpSupplyItem, FpSupplyMove

MOVE_KINDS = {
    "in": _l("Stock received"),
    "out": _l("Handed out"),
    "box": _l("Self-service box refilled"),
    "loss": _l("Written off"),
}
OUTGOING = ("out", "box", "loss")


def book_stock(session: Session, item_id: int, day: date) -> int:
    """In minus out up to ``day``, corrected by the last stock-take's difference before it."""
    signed = sa.case(
        (FpSupplyMove.kind == "in", FpSupplyMove.quantity), else_=-FpSupplyMove.quantity
    )
    moved = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(signed), 0)).where(
            FpSupplyMove.item_id == item_id, FpSupplyMove.moved_on <= day
        )
    )
    corrected = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(FpStockTake.counted - FpStockTake.book), 0)).where(
            FpStockTake.item_id == item_id, FpStockTake.taken_on <= day
        )
    )
    return int(moved or 0) + int(corrected or 0)


def stock_of(item: FpSupplyItem, day: date) -> int:
    """:func:`book_stock` from the item's loaded movements and stock-takes (no query)."""
    moved = sum(
        m.quantity if m.kind == "in" else -m.quantity for m in item.moves if m.moved_on <= day
    )
    return moved + sum(t.counted - t.book for t in item.takes if t.taken_on <= day)


def _item(session: Session, community: Node, item_id: Any) -> FpSupplyItem:
    item = session.get(FpSupplyItem, item_id) if item_id else None
    if item is None or item.deleted_at is not None or item.community_id != community.id:
        refuse("item_id", _("There is no such contraceptive in this community."))
    return item


def check_move(session: Session, community: Node, data: dict[str, Any], move: Any) -> None:
    """An outgoing movement is covered by the stock; a write-off says why."""
    item = _item(session, community, data.get("item_id", getattr(move, "item_id", None)))
    kind = data.get("kind", getattr(move, "kind", None))
    if kind == "loss" and not data.get("reason", getattr(move, "reason", "")):
        refuse("reason", _("Say why the contraceptives are written off."))
    if move is None and kind in OUTGOING:
        day = data.get("moved_on") or today()
        if data["quantity"] > book_stock(session, item.id, day):
            refuse("quantity", _("More than the stock of this contraceptive."))


def check_take(session: Session, community: Node, data: dict[str, Any], take: Any) -> None:
    """A stock-take keeps the book stock it was compared with; a difference needs its reason."""
    item = _item(session, community, data.get("item_id", getattr(take, "item_id", None)))
    if take is None:
        data["taken_on"] = data.get("taken_on") or today()
        data["book"] = book_stock(session, item.id, data["taken_on"])
    book = data.get("book", getattr(take, "book", 0))
    if data.get("counted", getattr(take, "counted", book)) != book and not data.get(
        "reason", getattr(take, "reason", "")
    ):
        refuse("reason", _("Say why the count differs from the book."))
