"""What a venue check must respect, its checklist and when a failed one is referred."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.records.lookup import live_record_of
from core.sdk import CheckItem, Checklist, inspection_ledger, record_scores, refuse
from core.workdays import add_working_days
from plugins.registry.models import RegistryUnit
from tenants.models import Node

from ..common import EDIT, MANAGE_CHECKLISTS, MODULE, VIEW, today, written
from .models import YouthCareVenueCheck

VENUE_KIND = "entertainment"  # the registry's 网吧/娱乐场所
CHECK_KINDS = {"patrol": _l("Routine venue patrol"), "joint": _l("Joint venue check")}
TARGETS = {"venue": _l("Internet café or entertainment venue")}
REFER_WITHIN = 2  # working days
CHECKLIST = Checklist(
    "venue",
    _l("Internet café check for minors"),
    (
        CheckItem(_l("No minors admitted")),
        CheckItem(_l("The sign barring minors is posted")),
        CheckItem(_l("Customers registered under their real names")),
        CheckItem(_l("Opening hours kept")),
    ),
)
VENUE_CHECKS = inspection_ledger(
    module=MODULE,
    model=YouthCareVenueCheck,
    kinds=CHECK_KINDS,
    targets=TARGETS,
    checklists=(CHECKLIST,),
    view=VIEW,
    edit=EDIT,
    manage=MANAGE_CHECKLISTS,
    title_of=lambda c: c.unit.name,
    owner_type="youth_care.venue_check",
)


def venue_choices() -> dict[int, str]:
    """The community's internet cafés and entertainment venues, for the form's select."""
    from flask import g

    from core.sdk import db

    if "community" not in g:
        return {}
    stmt = sa.select(RegistryUnit.id, RegistryUnit.name).where(
        RegistryUnit.community_id == g.community.id,
        RegistryUnit.kind == VENUE_KIND,
        RegistryUnit.deleted_at.is_(None),
    )
    return dict(db.session.execute(stmt.order_by(RegistryUnit.name)).all())


def check_venue(
    session: Session, community: Node, data: dict[str, Any], check: YouthCareVenueCheck | None
) -> None:
    """A venue of the community (a unit of kind 网吧/娱乐场所), a day that has come, the
    checklist scored by core; a failed item sets the day the check is to be referred by."""
    unit_id, done_on = written(data, check, "unit_id", "done_on")
    message = _("There is no such venue in the registry of this community.")
    unit = live_record_of(session, community, RegistryUnit, unit_id, "unit_id", message)
    if unit.kind != VENUE_KIND:
        refuse("unit_id", _("Only internet cafés and entertainment venues are checked here."))
    if done_on and done_on > today():
        refuse("done_on", _("A check cannot be done in the future."))
    data["target_kind"] = "venue"
    data["target_id"] = unit.id
    data["target_name"] = unit.name
    record_scores(session, VENUE_CHECKS, community, data, check)
    rows = data.get("checklist") or (check.checklist if check else None) or []
    failed = any(row.get("result") == "fail" for row in rows)
    refer_by = add_working_days(session, done_on, REFER_WITHIN) if failed and done_on else None
    if check is None:
        data["node_id"] = unit.node_id
        data["refer_by"] = refer_by
    else:
        check.refer_by = refer_by
