"""The periodic upkeep ledger: 二次供水清洗记录 (``?kind=tank``) and 鼠饵站投药 (``?kind=bait``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.sdk import Filter

from ..common import EnvLedger
from .models import EnvironmentTank
from .rules import check_tank
from .schemas import TankSchema


def _context() -> dict:
    from core.db import db

    from ..web import PHOTOS

    return {"photos": lambda t: PHOTOS.block(db.session, "tanks", t)}


tanks = EnvLedger(
    name="tank",
    model=EnvironmentTank,
    schema=TankSchema,
    title=_l("Water-tank cleaning and bait-station record"),
    label=_l("Facility"),
    filters=(Filter("kind"),),
    order=lambda: [EnvironmentTank.cleaned_on, EnvironmentTank.facility],
    check=check_tank,
    title_of=lambda t: t.facility,
    place_field="building",
    context=_context,
    templates={"detail": "environment/with_photos.html"},
)

LEDGERS = [tanks]
