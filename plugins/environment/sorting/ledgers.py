"""The garbage-sorting ledger (垃圾分类工作台账), month by month."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter

from ..common import EnvLedger
from .models import EnvironmentSorting
from .rules import check_sorting
from .schemas import SortingSchema

sorting = EnvLedger(
    name="sorting_month",
    plural="sorting",
    model=EnvironmentSorting,
    schema=SortingSchema,
    title=_l("Garbage-sorting ledger"),
    label=_l("Sorting month"),
    filters=(
        Filter("year", "year", _l("Year"), column="month"),
        Filter("area", "int", _l("Station or building"), column="area_id"),
    ),
    order=lambda: [EnvironmentSorting.month.desc(), EnvironmentSorting.id],
    options=lambda stmt: stmt.options(selectinload(EnvironmentSorting.area)),
    check=check_sorting,
    title_of=lambda s: f"{s.month:%Y-%m} · {s.area.name if s.area else ''}",
)

LEDGERS = [sorting]
