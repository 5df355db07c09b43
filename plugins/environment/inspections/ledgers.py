"""The inspection ledger (环境卫生检查记录表及评分表): each area's scoring sheet, latest first;
after each write core hands the failed items to the issue ledger."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.db import db
from core.sdk import Filter, rectify_failed
from tenants.models import Node

from ..common import EnvLedger, today
from .checklists import ENV_INSPECTIONS
from .models import EnvironmentInspection
from .rules import check_inspection, new_sheet
from .schemas import InspectionSchema


def _create(session: Session, community: Any, data: dict[str, Any], user: Any = None) -> Any:
    inspection = inspections.create_record(session, community, data, user=user)
    rectify_failed(session, ENV_INSPECTIONS, community, inspection)
    return inspection


def _update(session: Session, inspection: EnvironmentInspection, data: dict[str, Any]) -> Any:
    inspections.update_record(session, inspection, data)
    rectify_failed(session, ENV_INSPECTIONS, session.get(Node, inspection.community_id), inspection)
    return inspection


def _context() -> dict[str, Any]:
    from ..issues.ledgers import issues
    from ..web import PHOTOS

    def found(inspection: EnvironmentInspection) -> tuple[Any, list[Any]]:
        stmt = issues.filtered(db.session, issues.model.community_id == inspection.community_id,
                               {"inspection": inspection.id})  # fmt: skip
        return issues, db.session.scalars(stmt.limit(50)).all()

    return {"photos": lambda i: PHOTOS.block(db.session, "inspections", i), "found": found}


inspections = EnvLedger(
    name="inspection",
    model=EnvironmentInspection,
    schema=InspectionSchema,
    title=_l("Sanitation inspection records and scoring sheets"),
    label=_l("Inspection"),
    filters=(
        Filter("kind"),
        Filter("round", "int", _l("Inspection round"), column="round_id"),
        Filter("area", "int", _l("Area"), column="area_id"),
        Filter("since", "date", _l("From"), column="done_on", bound="from"),
        Filter("until", "date", _l("to"), column="done_on", bound="to"),
    ),
    order=lambda: [EnvironmentInspection.done_on.desc(), EnvironmentInspection.id.desc()],
    options=lambda stmt: stmt.options(selectinload(EnvironmentInspection.checklist_template)),
    check=check_inspection,
    create=_create,
    update=_update,
    title_of=lambda i: f"{i.done_on} · {i.target_name}",
    new_values=lambda: {"done_on": today(), "results": new_sheet(), "target_kind": "area"},
    context=_context,
    templates={"detail": "environment/inspection.html"},
    importable=False,
)

LEDGERS = [inspections]
