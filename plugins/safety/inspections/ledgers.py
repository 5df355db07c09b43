"""The inspection ledger (安全检查台账), declared: its filters, its order (latest first, a
planned inspection by the day it is planned for), its checks, the default checklist."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.db import db
from core.sdk import Filter, rectify_failed
from tenants.models import Node

from ..common import SafetyLedger, enterprise_choices, today
from ..web import PHOTOS, REFERRALS, records_of
from . import rules
from .checklists import SAFETY_INSPECTIONS
from .models import SafetyInspection
from .schemas import InspectionSchema


def _day() -> sa.ColumnElement[date]:
    """The day of an inspection: done on, or planned for."""
    return sa.func.coalesce(SafetyInspection.done_on, SafetyInspection.planned_on)


STATES = {"planned": _l("Planned"), "done": _l("Done")}


def _state(_session: Session, state: str) -> sa.ColumnElement[bool]:
    done = SafetyInspection.done_on
    return done.is_(None) if state == "planned" else done.is_not(None)


def _create(session: Session, community: Any, data: dict[str, Any], user: Any = None) -> Any:
    """Recorded as any ledger record; then each failed checklist item becomes a hazard."""
    inspection = inspections.create_record(session, community, data, user=user)
    rectify_failed(session, SAFETY_INSPECTIONS, community, inspection)
    return inspection


def _update(session: Session, inspection: SafetyInspection, data: dict[str, Any]) -> Any:
    inspections.update_record(session, inspection, data)
    community = session.get(Node, inspection.community_id)
    rectify_failed(session, SAFETY_INSPECTIONS, community, inspection)
    return inspection


def _context() -> dict[str, Any]:
    from ..hazards.ledgers import hazards

    return {
        "photos": lambda i: PHOTOS.block(db.session, "inspections", i),
        "referrals": lambda i: REFERRALS.block("inspections", i),
        "found_by": lambda i: (hazards, records_of(hazards, inspection=i.id)),
    }


inspections = SafetyLedger(
    name="inspection",
    model=SafetyInspection,
    schema=InspectionSchema,
    title=_l("Safety inspection ledger"),
    label=_l("Inspection"),
    filters=(
        Filter("kind"),
        Filter("target_kind"),
        Filter("round", "int", _l("Inspection round"), column="round_id"),
        Filter("state", "choice", _l("State"), STATES, clause=_state),
        Filter("enterprise", "int", _l("Enterprise"), enterprise_choices, column="enterprise_id"),
        Filter("since", "date", _l("From"), column=_day, bound="from"),
        Filter("until", "date", _l("to"), column=_day, bound="to"),
    ),
    order=lambda: [_day().desc()],
    options=lambda stmt: stmt.options(
        selectinload(SafetyInspection.enterprise), selectinload(SafetyInspection.hazards)
    ),
    check=rules.check_inspection,
    create=_create,
    update=_update,
    title_of=rules.inspection_title,
    new_values=lambda: {
        "done_on": today(),
        "checklist": rules.new_checklist(),
        "target_kind": rules.new_target_kind(),
    },
    context=_context,
    templates={"detail": "safety/inspection.html"},
    place_field="building",
    importable=False,
)

LEDGERS = [inspections]
