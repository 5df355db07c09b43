"""The areas ledger (卫生责任区台账): each area placed at its building, its unit and 包片人
of this community."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.sdk import Filter, refuse
from core.visits.assignments import staff_at
from plugins.registry.models import RegistryUnit
from plugins.registry.places import building_in
from tenants.models import Node

from ..common import EnvLedger, live_in
from .models import EnvironmentArea
from .schemas import AreaSchema


def place(session: Session, community: Node, data: dict[str, Any], record: Any) -> None:
    """Put a new record (or move an edited one) at the building named in ``data``, else at the
    community."""
    if "building" not in data and record is not None:
        return
    building = data.pop("building", None)
    node_id = building_in(session, community, building).id if building else community.id
    if record is None:
        data["node_id"] = node_id
    else:
        record.node_id = node_id


def check_area(
    session: Session, community: Node, data: dict[str, Any], area: EnvironmentArea | None
) -> None:
    """The unit must be the community's; the 包片人 must hold a role where the area is."""
    if data.get("unit_id"):
        live_in(session, community, RegistryUnit, data["unit_id"], "unit_id",
                _("There is no such unit."))  # fmt: skip
    if data.get("keeper_id") and data["keeper_id"] not in dict(staff_at(session, community)):
        refuse("keeper_id", _("The area keeper must hold a role in this community."))
    place(session, community, data, area)


areas = EnvLedger(
    name="area",
    model=EnvironmentArea,
    schema=AreaSchema,
    title=_l("Sanitation areas and check points"),
    label=_l("Area"),
    filters=(
        Filter("q", "text", _l("Area or check point"), column="name"),
        Filter("kind"),
        Filter("party"),
        Filter("active", "bool", _l("In use"), column="active"),
    ),
    order=lambda: [EnvironmentArea.kind, EnvironmentArea.name],
    options=lambda stmt: stmt.options(
        selectinload(EnvironmentArea.unit), selectinload(EnvironmentArea.keeper)
    ),
    check=check_area,
    title_of=lambda a: a.name,
    place_field="building",
)

LEDGERS = [areas]
