"""Pages and JSON API of one community, and read views over a street or district.

The blueprints are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place and, for a community, that the module is on there (404 otherwise). Each view then requires
the permission it needs (403) and loads records only through the community's or the scope's
clause, so another community's record is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import (
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core.api import api_doc, json_body, paginate
from core.db import db
from core.errors import DomainError
from core.forms import empty_form, load_form
from core.permissions import can
from core.sdk import register_ledgers
from plugins.registry import services as registry_services
from plugins.registry.models import RegistryUnit
from tenants.modules import require

from . import services
from .accidents.ledgers import LEDGERS as ACCIDENT_LEDGERS
from .activities.ledgers import LEDGERS as ACTIVITY_LEDGERS
from .dashboard import views as dashboard_views  # noqa: F401 - the dashboard routes
from .dashboard.figures import community_summary
from .hazards import views as hazard_views  # noqa: F401 - the workflow routes
from .hazards import workflow
from .hazards.ledgers import LEDGERS as HAZARD_LEDGERS
from .hazards.ledgers import hazards
from .models import (
    SafetyEnterprise,
    SafetyHazard,
    SafetyInspection,
)
from .schemas import (
    CheckItemSchema,
    EnterpriseSchema,
    EnterpriseUpdateSchema,
    HazardSourceSchema,
    InspectionSchema,
)
from .services import EDIT, MODULE, VIEW
from .training import views as training_views  # noqa: F401 - a session's trainees, certificates
from .training.ledgers import LEDGERS as TRAINING_LEDGERS
from .web import COMMUNITY, PHOTOS, RECORD, api, pages, rollup, rollup_api

LEDGERS = [*HAZARD_LEDGERS, *TRAINING_LEDGERS, *ACCIDENT_LEDGERS, *ACTIVITY_LEDGERS]
register_ledgers(LEDGERS, pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)

# === overview, enterprises, hazard sources, inspections, hazards ==============================

LIST_ARGS = [
    {"in": "query", "name": name, "schema": {"type": "string"}, "description": text}
    for name, text in [
        ("status", "a hazard status, or open"),
        ("severity", "general or major"),
        ("category", "hazard category"),
        ("overdue", "1: open hazards past their deadline, oldest deadline first"),
        ("enterprise", "enterprise id"),
        ("since", "found / done on or after (YYYY-MM-DD)"),
        ("until", "found / done on or before (YYYY-MM-DD)"),
        ("kind", "inspection kind"),
        ("state", "planned or done (inspections)"),
        ("q", "hazard number or part of its description; enterprise name"),
    ]
]


def lead_choices() -> dict[str, Any]:
    """Labels the enterprise, inspection and hazard templates need."""
    return {
        "risk_levels": services.RISK_LEVELS,
        "sectors": services.SECTORS,
        "standardisation": services.STANDARDISATION,
        "standard_levels": services.STANDARD_LEVELS,
        "source_grades": services.SOURCE_GRADES,
        "inspection_kinds": services.INSPECTION_KINDS,
        "check_results": services.CHECK_RESULTS,
        "statuses": workflow.HAZARD_STATUSES,
        "severities": workflow.SEVERITIES,
        "categories": workflow.HAZARD_CATEGORIES,
        "actions": workflow.ACTIONS,
        "today": workflow.today(),
        "is_overdue": workflow.is_overdue,
        "days_overdue": workflow.days_overdue,
    }


def list_filters() -> dict[str, Any]:
    """The list's query arguments, checked: ids are numbers, dates are dates (422 otherwise)."""
    args = request.args
    filters: dict[str, Any] = {
        k: args.get(k, "").strip()
        for k in (
            "status",
            "severity",
            "category",
            "overdue",
            "kind",
            "state",
            "q",
            "sector",
            "risk_level",
            "standardisation",
        )
    }
    for key in ("enterprise", "inspection"):
        value = args.get(key, "").strip()
        if value:
            if not value.isdigit():
                message = _("Choose from the list.")
                raise DomainError(message, {key: [message]})
            filters[key] = int(value)
    for key in ("since", "until"):
        value = args.get(key, "").strip()
        if value:
            try:
                filters[key] = date.fromisoformat(value)
            except ValueError:
                message = _("Not a valid date (YYYY-MM-DD).")
                raise DomainError(message, {key: [message]}) from None
    return {k: v for k, v in filters.items() if v not in ("", None)}


def load_record(model: Any, record_id: int) -> Any:
    """A live record of the URL's community (404 otherwise: another community, deleted)."""
    obj = db.session.scalar(
        sa.select(model).where(
            model.id == record_id,
            model.community_id == g.community.id,
            model.deleted_at.is_(None),
        )
    )
    if obj is None:
        abort(404)
    return obj


def can_edit() -> bool:
    return can(EDIT, g.community.path) and not g.community.is_archived


def _save(form: Any, write: Any, done: Any) -> Any:
    """Run a service on a valid form: commit and redirect, or show the refusal (422/409/403)."""
    if not form.ok:
        return None, 422
    try:
        obj = write(form.data)
    except DomainError as exc:
        db.session.rollback()
        form.fail(exc)
        return None, exc.status
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(done(obj)), 200


# --- overview --------------------------------------------------------------------------------


@pages.get("/")
def index() -> Any:
    """The community's safety overview: what is overdue first, then the figures of the year."""
    require(VIEW)
    here = SafetyHazard.community_id == g.community.id
    overdue = db.session.scalars(
        hazards.filtered(db.session, here, {"overdue": True}).limit(20)
    ).all()
    return render_template(
        "safety/index.html",
        overdue=overdue,
        summary=community_summary(db.session, g.community),
        can_edit=can_edit(),
        **lead_choices(),
    )


# --- enterprises -----------------------------------------------------------------------------


@pages.get("/enterprises")
def enterprises() -> Any:
    require(VIEW)
    stmt = services.enterprises_query(
        SafetyEnterprise.community_id == g.community.id, list_filters()
    )
    return render_template(
        "safety/enterprises.html",
        page=paginate(stmt),
        filters=request.args,
        open_counts=services.open_hazard_counts(db.session, g.community),
        can_edit=can_edit(),
        **lead_choices(),
    )


def _enterprise_form(obj: Any = None) -> Any:
    require(EDIT)
    values = {k: getattr(obj, k) for k in services.ENTERPRISE_FIELDS} if obj else {}
    form, status = empty_form(**values), 200
    if request.method == "POST":
        schema = EnterpriseSchema() if obj is None else EnterpriseUpdateSchema()
        form = load_form(schema)
        if "demonstration" not in request.form and form.ok:
            form.data["demonstration"] = False

        def write(data: dict[str, Any]) -> Any:
            if obj is None:
                return services.create_enterprise(db.session, g.community, data)
            return services.update_enterprise(db.session, obj, data)

        done, status = _save(form, write, lambda e: url_for("safety.enterprise", record_id=e.id))
        if done is not None:
            return done
    return render_template(
        "safety/enterprise_form.html",
        form=form,
        record=obj,
        units=services.units_off_the_ledger(db.session, g.community) if obj is None else [],
        **lead_choices(),
    ), status


@pages.route("/enterprises/new", methods=["GET", "POST"])
def new_enterprise() -> Any:
    return _enterprise_form()


@pages.route("/enterprises/<int:record_id>/edit", methods=["GET", "POST"])
def edit_enterprise(record_id: int) -> Any:
    require(EDIT)
    return _enterprise_form(load_record(SafetyEnterprise, record_id))


@pages.get("/enterprises/<int:record_id>")
def enterprise(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyEnterprise, record_id)
    where = SafetyHazard.community_id == g.community.id
    return render_template(
        "safety/enterprise.html",
        record=obj,
        unit=db.session.get(RegistryUnit, obj.unit_id),
        hazards=db.session.scalars(
            hazards.filtered(db.session, where, {"enterprise": obj.id}).limit(50)
        ).all(),
        inspections=db.session.scalars(
            services.inspections_query(
                SafetyInspection.community_id == g.community.id, {"enterprise": obj.id}
            ).limit(50)
        ).all(),
        source_form=empty_form(),
        can_edit=can_edit(),
        **lead_choices(),
    )


@pages.post("/enterprises/<int:record_id>/sources")
def add_source(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyEnterprise, record_id)
    form = load_form(HazardSourceSchema())
    done, _status = _save(
        form,
        lambda data: services.add_hazard_source(db.session, obj, data),
        lambda _s: url_for("safety.enterprise", record_id=obj.id),
    )
    if done is not None:
        return done
    flash(" ".join(m for ms in form.errors.values() for m in ms), "error")
    return redirect(url_for("safety.enterprise", record_id=obj.id)), 303


@pages.post("/enterprises/<int:record_id>/delete")
def delete_enterprise(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyEnterprise, record_id)
    return _delete(obj, obj.name, "safety.enterprises")


# --- inspections -----------------------------------------------------------------------------


def _checklist_from_form() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Checklist rows from the form (``item-N``, ``result-N``, ``note-N``), checked."""
    rows = []
    for key in sorted(
        (k for k in request.form if k.startswith("item-")), key=lambda k: int(k[5:] or 0)
    ):
        number = key[5:]
        item = request.form.get(key, "").strip()
        result = request.form.get(f"result-{number}", "")
        if item and result:
            rows.append(
                {"item": item, "result": result, "note": request.form.get(f"note-{number}")}
            )
    try:
        return CheckItemSchema(many=True).load(rows), {}
    except ma.ValidationError:
        return [], {"checklist": [_("Every checklist item needs a result.")]}


def _inspection_form(obj: Any = None) -> Any:
    require(EDIT)
    values: dict[str, Any] = {}
    if obj is not None:
        values = {k: getattr(obj, k) for k in services.INSPECTION_FIELDS}
        values["enterprise_id"] = obj.enterprise_id
    else:
        values = {"done_on": services.today().isoformat(), "kind": "routine"}
        if request.args.get("enterprise", "").isdigit():
            values["enterprise_id"] = int(request.args["enterprise"])
    checklist = (obj.checklist if obj is not None else None) or [
        {"item": str(item), "result": "", "note": ""} for item in services.DEFAULT_CHECKLIST
    ]
    form, status = empty_form(**values), 200
    if request.method == "POST":
        form = load_form(InspectionSchema(), skip_prefixes=("item-", "result-", "note-"))
        rows, problems = _checklist_from_form()
        checklist = rows or checklist
        if problems:
            form.errors.update(problems)
        elif form.ok:
            form.data["checklist"] = rows

        def write(data: dict[str, Any]) -> Any:
            if obj is None:
                return services.create_inspection(db.session, g.community, data)
            return services.update_inspection(db.session, obj, data)

        done, status = _save(form, write, lambda i: url_for("safety.inspection", record_id=i.id))
        if done is not None:
            return done
    return render_template(
        "safety/inspection_form.html",
        form=form,
        record=obj,
        checklist=checklist,
        enterprises=services.enterprise_options(db.session, g.community),
        buildings=[(b.ref, b.name) for b in registry_services.buildings(db.session, g.community)],
        **lead_choices(),
    ), status


@pages.get("/inspections")
def inspections() -> Any:
    require(VIEW)
    filters = list_filters()
    stmt = services.inspections_query(SafetyInspection.community_id == g.community.id, filters)
    stmt = stmt.options(
        selectinload(SafetyInspection.enterprise), selectinload(SafetyInspection.node)
    )
    return render_template(
        "safety/inspections.html",
        page=paginate(stmt),
        filters=request.args,
        enterprises=services.enterprise_options(db.session, g.community),
        target=services.inspection_target,
        can_edit=can_edit(),
        **lead_choices(),
    )


@pages.route("/inspections/new", methods=["GET", "POST"])
def new_inspection() -> Any:
    return _inspection_form()


@pages.route("/inspections/<int:record_id>/edit", methods=["GET", "POST"])
def edit_inspection(record_id: int) -> Any:
    require(EDIT)
    return _inspection_form(load_record(SafetyInspection, record_id))


@pages.get("/inspections/<int:record_id>")
def inspection(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyInspection, record_id)
    found = hazards.filtered(
        db.session, SafetyHazard.community_id == g.community.id, {"inspection": obj.id}
    )
    return render_template(
        "safety/inspection.html",
        record=obj,
        photos=PHOTOS.block(db.session, "inspections", obj),
        target=services.inspection_target(obj),
        hazards=db.session.scalars(found).all(),
        can_edit=can_edit(),
        **lead_choices(),
    )


# --- community API ---------------------------------------------------------------------------


def dump_enterprise(obj: SafetyEnterprise) -> dict[str, Any]:
    data = EnterpriseSchema().dump(obj)
    data["hazard_sources"] = HazardSourceSchema(many=True).dump(obj.hazard_sources)
    return data


@api.get("/enterprises")
@api_doc(
    "The community's enterprise ledger",
    paginated=True,
    response_schema=EnterpriseSchema,
    tags=[MODULE],
    parameters=[*COMMUNITY, *LIST_ARGS],
)
def api_enterprises() -> Any:
    require(VIEW)
    stmt = services.enterprises_query(
        SafetyEnterprise.community_id == g.community.id, list_filters()
    )
    return jsonify(paginate(stmt).to_json(dump_enterprise))


@api.post("/enterprises")
@api_doc(
    "Put a registry unit on the enterprise ledger",
    request_schema=EnterpriseSchema,
    response_schema=EnterpriseSchema,
    status=201,
    tags=[MODULE],
    parameters=COMMUNITY,
)
def api_create_enterprise() -> Any:
    require(EDIT)
    obj = services.create_enterprise(db.session, g.community, json_body(EnterpriseSchema()))
    db.session.commit()
    return jsonify(dump_enterprise(obj)), 201


@api.get("/enterprises/<int:record_id>")
@api_doc("One enterprise with its major hazard sources", tags=[MODULE], parameters=RECORD)
def api_enterprise(record_id: int) -> Any:
    require(VIEW)
    return jsonify(dump_enterprise(load_record(SafetyEnterprise, record_id)))


@api.patch("/enterprises/<int:record_id>")
@api_doc(
    "Change an enterprise (only the fields given)",
    request_schema=EnterpriseUpdateSchema,
    tags=[MODULE],
    parameters=RECORD,
)
def api_update_enterprise(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyEnterprise, record_id)
    services.update_enterprise(db.session, obj, json_body(EnterpriseUpdateSchema(), partial=True))
    db.session.commit()
    return jsonify(dump_enterprise(obj))


@api.delete("/enterprises/<int:record_id>")
@api_doc("Take an enterprise off the ledger (soft delete)", tags=[MODULE], parameters=RECORD)
def api_delete_enterprise(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyEnterprise, record_id)
    services.soft_delete(db.session, obj, obj.name)
    db.session.commit()
    return "", 204


@api.post("/enterprises/<int:record_id>/sources")
@api_doc(
    "Register a major hazard source (重大危险源) of an enterprise",
    request_schema=HazardSourceSchema,
    response_schema=HazardSourceSchema,
    status=201,
    tags=[MODULE],
    parameters=RECORD,
)
def api_add_source(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyEnterprise, record_id)
    source = services.add_hazard_source(db.session, obj, json_body(HazardSourceSchema()))
    db.session.commit()
    return jsonify(HazardSourceSchema().dump(source)), 201


@api.get("/inspections")
@api_doc(
    "The community's inspections",
    paginated=True,
    response_schema=InspectionSchema,
    tags=[MODULE],
    parameters=[*COMMUNITY, *LIST_ARGS],
)
def api_inspections() -> Any:
    require(VIEW)
    stmt = services.inspections_query(
        SafetyInspection.community_id == g.community.id, list_filters()
    )
    return jsonify(paginate(stmt).to_json(InspectionSchema()))


@api.post("/inspections")
@api_doc(
    "Record an inspection (done_on) or plan one (planned_on)",
    request_schema=InspectionSchema,
    response_schema=InspectionSchema,
    status=201,
    tags=[MODULE],
    parameters=COMMUNITY,
)
def api_create_inspection() -> Any:
    require(EDIT)
    obj = services.create_inspection(db.session, g.community, json_body(InspectionSchema()))
    db.session.commit()
    return jsonify(InspectionSchema().dump(obj)), 201


@api.get("/inspections/<int:record_id>")
@api_doc("One inspection", response_schema=InspectionSchema, tags=[MODULE], parameters=RECORD)
def api_inspection(record_id: int) -> Any:
    require(VIEW)
    return jsonify(InspectionSchema().dump(load_record(SafetyInspection, record_id)))


@api.patch("/inspections/<int:record_id>")
@api_doc(
    "Change or complete an inspection",
    request_schema=InspectionSchema,
    tags=[MODULE],
    parameters=RECORD,
)
def api_update_inspection(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyInspection, record_id)
    services.update_inspection(db.session, obj, json_body(InspectionSchema(), partial=True))
    db.session.commit()
    return jsonify(InspectionSchema().dump(obj))


def _delete(obj: Any, label: str, endpoint: str) -> Any:
    require(EDIT)
    services.soft_delete(db.session, obj, label)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for(endpoint))
