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
from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.api import api_doc, json_body, paginate
from core.db import db
from core.errors import DomainError
from core.forms import empty_form, load_form
from core.permissions import can
from plugins.registry import services as registry_services
from plugins.registry.models import RegistryUnit
from tenants.models import Node
from tenants.modules import CommunityBlueprint, RollupBlueprint, module_scope_clause, require

from . import services
from .models import SafetyEnterprise, SafetyHazard, SafetyInspection
from .schemas import (
    CheckItemSchema,
    EnterpriseSchema,
    EnterpriseUpdateSchema,
    HazardSchema,
    HazardSourceSchema,
    HazardUpdateSchema,
    InspectionSchema,
    TransitionSchema,
)
from .services import CLOSE_MAJOR, EDIT, MODULE, VIEW

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, "safety_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, "safety_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, "safety_rollup_api", __name__, api=True)

COMMUNITY = [{"in": "path", "name": "community", "required": True, "schema": {"type": "string"}}]
NODE = [{"in": "path", "name": "node", "required": True, "schema": {"type": "string"}}]
RECORD = [
    *COMMUNITY,
    {"in": "path", "name": "record_id", "required": True, "schema": {"type": "integer"}},
]


# === overview, enterprises, hazard sources, inspections, hazards (lead) =======================

HAZARD_ACTIONS = list(services.TRANSITIONS)
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


TABS = [
    ("safety.index", "overview", _l("Overview")),
    ("safety.enterprises", "enterprises", _l("Enterprises")),
    ("safety.inspections", "inspections", _l("Inspections")),
    ("safety.hazards", "hazards", _l("Hidden dangers")),
    ("safety.trainings", "trainings", _l("Training")),
    ("safety.accidents", "accidents", _l("Accidents")),
    ("safety.activities", "activities", _l("Activities")),
]


@pages.context_processor
def safety_tabs() -> dict[str, Any]:
    """The tabs between the community's safety ledgers (``safety/_nav.html``)."""
    return {"safety_tabs": [tab for tab in TABS if tab[0] in current_app.view_functions]}


def lead_choices() -> dict[str, Any]:
    """Labels the lead's templates need."""
    return {
        "risk_levels": services.RISK_LEVELS,
        "sectors": services.SECTORS,
        "standardisation": services.STANDARDISATION,
        "standard_levels": services.STANDARD_LEVELS,
        "source_grades": services.SOURCE_GRADES,
        "inspection_kinds": services.INSPECTION_KINDS,
        "check_results": services.CHECK_RESULTS,
        "statuses": services.HAZARD_STATUSES,
        "severities": services.SEVERITIES,
        "categories": services.HAZARD_CATEGORIES,
        "actions": services.ACTIONS,
        "today": services.today(),
        "is_overdue": services.is_overdue,
        "days_overdue": services.days_overdue,
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


def _page_json(page: Any, dump: Any) -> Any:
    return jsonify(
        {
            "items": [dump(obj) for obj in page.items],
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
        }
    )


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
        services.hazards_query(db.session, here, {"overdue": "1"}).limit(20)
    ).all()
    return render_template(
        "safety/index.html",
        overdue=overdue,
        summary=services.community_summary(db.session, g.community),
        can_edit=can_edit(),
        **lead_choices(),
    )


# --- enterprises -----------------------------------------------------------------------------


def enterprises_query(where: Any, filters: dict[str, Any]) -> sa.Select:
    stmt = sa.select(SafetyEnterprise).where(where, SafetyEnterprise.deleted_at.is_(None))
    for key in ("sector", "risk_level", "standardisation"):
        if filters.get(key):
            stmt = stmt.where(getattr(SafetyEnterprise, key) == filters[key])
    if filters.get("q"):
        stmt = stmt.where(SafetyEnterprise.name.contains(filters["q"], autoescape=True))
    return stmt.order_by(SafetyEnterprise.name, SafetyEnterprise.id)


@pages.get("/enterprises")
def enterprises() -> Any:
    require(VIEW)
    stmt = enterprises_query(SafetyEnterprise.community_id == g.community.id, list_filters())
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
            services.hazards_query(db.session, where, {"enterprise": obj.id}).limit(50)
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
    services.soft_delete(db.session, obj, obj.name)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("safety.enterprises"))


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
        form = load_form(InspectionSchema())
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
    found = services.hazards_query(
        db.session, SafetyHazard.community_id == g.community.id, {"inspection": obj.id}
    )
    return render_template(
        "safety/inspection.html",
        record=obj,
        target=services.inspection_target(obj),
        hazards=db.session.scalars(found).all(),
        can_edit=can_edit(),
        **lead_choices(),
    )


# --- hazards ---------------------------------------------------------------------------------


@pages.get("/hazards")
def hazards() -> Any:
    require(VIEW)
    stmt = services.hazards_query(
        db.session, SafetyHazard.community_id == g.community.id, list_filters()
    ).options(selectinload(SafetyHazard.enterprise))
    return render_template(
        "safety/hazards.html",
        page=paginate(stmt),
        filters=request.args,
        enterprises=services.enterprise_options(db.session, g.community),
        can_edit=can_edit(),
        rollup=False,
        communities={},
        **lead_choices(),
    )


def _hazard_form(obj: Any = None) -> Any:
    require(EDIT)
    if obj is not None:
        values = {k: getattr(obj, k) for k in services.HAZARD_FIELDS}
    else:
        values = {"found_on": services.today().isoformat(), "severity": "general"}
        for key in ("inspection", "enterprise"):
            if request.args.get(key, "").isdigit():
                values[f"{key}_id"] = int(request.args[key])
    form, status = empty_form(**values), 200
    if request.method == "POST":
        form = load_form(HazardSchema() if obj is None else HazardUpdateSchema())

        def write(data: dict[str, Any]) -> Any:
            if obj is None:
                return services.create_hazard(db.session, g.community, data)
            return services.update_hazard(db.session, obj, data)

        done, status = _save(form, write, lambda h: url_for("safety.hazard", record_id=h.id))
        if done is not None:
            return done
    return render_template(
        "safety/hazard_form.html",
        form=form,
        record=obj,
        enterprises=services.enterprise_options(db.session, g.community),
        buildings=[(b.ref, b.name) for b in registry_services.buildings(db.session, g.community)],
        **lead_choices(),
    ), status


@pages.route("/hazards/new", methods=["GET", "POST"])
def new_hazard() -> Any:
    return _hazard_form()


@pages.route("/hazards/<int:record_id>/edit", methods=["GET", "POST"])
def edit_hazard(record_id: int) -> Any:
    require(EDIT)
    return _hazard_form(load_record(SafetyHazard, record_id))


@pages.get("/hazards/<int:record_id>")
def hazard(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyHazard, record_id)
    return render_template(
        "safety/hazard.html",
        record=obj,
        timeline=services.hazard_timeline(db.session, obj),
        next_steps=[
            a for a, (sources, _t) in services.TRANSITIONS.items() if obj.status in sources
        ],
        may_close_major=can(CLOSE_MAJOR, g.community.path),
        form=empty_form(),
        can_edit=can_edit(),
        **lead_choices(),
    )


@pages.get("/hazards/<int:record_id>/notice")
def notice(record_id: int) -> Any:
    """整改通知书, laid out for printing (the browser's print dialog makes the PDF)."""
    require(VIEW)
    obj = load_record(SafetyHazard, record_id)
    if not obj.notice_number:
        abort(404)
    return render_template("safety/notice.html", record=obj, **lead_choices())


@pages.post("/hazards/<int:record_id>/<any(notify,start,submit,close,reopen):action>")
def hazard_step(record_id: int, action: str) -> Any:
    require(EDIT)
    obj = load_record(SafetyHazard, record_id)
    form = load_form(TransitionSchema())
    if form.ok:
        try:
            services.hazard_transition(db.session, obj, action, form.data)
        except DomainError as exc:
            db.session.rollback()
            form.fail(exc)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("safety.hazard", record_id=obj.id))
    flash(" ".join(m for ms in form.errors.values() for m in ms), "error")
    return redirect(url_for("safety.hazard", record_id=obj.id)), 303


@pages.post("/hazards/<int:record_id>/delete")
def delete_hazard(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyHazard, record_id)
    services.delete_hazard(db.session, obj)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("safety.hazards"))


# --- community API ---------------------------------------------------------------------------


def dump_hazard(obj: SafetyHazard) -> dict[str, Any]:
    data = HazardSchema().dump(obj)
    data["overdue"] = services.is_overdue(obj)
    data["enterprise"] = obj.enterprise.name if obj.enterprise else None
    data["community"] = g.community.ref if "community" in g else None
    return data


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
    stmt = enterprises_query(SafetyEnterprise.community_id == g.community.id, list_filters())
    return _page_json(paginate(stmt), dump_enterprise)


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
    return _page_json(paginate(stmt), InspectionSchema().dump)


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


@api.get("/hazards")
@api_doc(
    "The community's hidden dangers (filters: status, severity, overdue, enterprise, period)",
    paginated=True,
    response_schema=HazardSchema,
    tags=[MODULE],
    parameters=[*COMMUNITY, *LIST_ARGS],
)
def api_hazards() -> Any:
    require(VIEW)
    stmt = services.hazards_query(
        db.session, SafetyHazard.community_id == g.community.id, list_filters()
    ).options(selectinload(SafetyHazard.enterprise))
    return _page_json(paginate(stmt), dump_hazard)


@api.post("/hazards")
@api_doc(
    "Record a hidden danger found (the deadline defaults from the settings)",
    request_schema=HazardSchema,
    response_schema=HazardSchema,
    status=201,
    tags=[MODULE],
    parameters=COMMUNITY,
)
def api_create_hazard() -> Any:
    require(EDIT)
    obj = services.create_hazard(db.session, g.community, json_body(HazardSchema()))
    db.session.commit()
    return jsonify(dump_hazard(obj)), 201


@api.get("/hazards/<int:record_id>")
@api_doc("One hidden danger", response_schema=HazardSchema, tags=[MODULE], parameters=RECORD)
def api_hazard(record_id: int) -> Any:
    require(VIEW)
    return jsonify(dump_hazard(load_record(SafetyHazard, record_id)))


@api.patch("/hazards/<int:record_id>")
@api_doc(
    "Change an open hazard's facts (kept in its timeline)",
    request_schema=HazardUpdateSchema,
    tags=[MODULE],
    parameters=RECORD,
)
def api_update_hazard(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyHazard, record_id)
    services.update_hazard(db.session, obj, json_body(HazardUpdateSchema(), partial=True))
    db.session.commit()
    return jsonify(dump_hazard(obj))


@api.delete("/hazards/<int:record_id>")
@api_doc("Delete a hazard (soft)", tags=[MODULE], parameters=RECORD)
def api_delete_hazard(record_id: int) -> Any:
    require(EDIT)
    services.delete_hazard(db.session, load_record(SafetyHazard, record_id))
    db.session.commit()
    return "", 204


@api.post("/hazards/<int:record_id>/<any(notify,start,submit,close,reopen):action>")
@api_doc(
    "A workflow step: notify (整改通知书), start, submit (for re-inspection), close (re-inspection "
    "passed; major hazards need safety.hazard.close_major), reopen (re-inspection failed)",
    request_schema=TransitionSchema,
    tags=[MODULE],
    parameters=[
        *RECORD,
        {
            "in": "path",
            "name": "action",
            "required": True,
            "schema": {"type": "string", "enum": HAZARD_ACTIONS},
        },
    ],
)
def api_hazard_step(record_id: int, action: str) -> Any:
    require(EDIT)
    obj = load_record(SafetyHazard, record_id)
    services.hazard_transition(db.session, obj, action, json_body(TransitionSchema()))
    db.session.commit()
    return jsonify(dump_hazard(obj))


@api.get("/hazards/<int:record_id>/events")
@api_doc(
    "A hazard's timeline, oldest first: who, when, from which status to which, comment",
    tags=[MODULE],
    parameters=RECORD,
)
def api_hazard_events(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyHazard, record_id)
    return jsonify(
        {
            "items": [
                {
                    "at": e.at.isoformat(),
                    "on": e.on.isoformat() if e.on else None,
                    "action": e.action,
                    "from": e.from_status,
                    "to": e.to_status,
                    "username": e.username,
                    "comment": e.comment,
                    "changes": e.changes,
                }
                for e in services.hazard_timeline(db.session, obj)
            ]
        }
    )


# --- street and district: hazards across communities -----------------------------------------


def _rollup_hazards() -> sa.Select:
    where = module_scope_clause(SafetyHazard, VIEW)
    return services.hazards_query(db.session, where, list_filters()).options(
        selectinload(SafetyHazard.enterprise)
    )


def _community_names(items: list[Any]) -> dict[int, tuple[str, str]]:
    ids = {obj.community_id for obj in items}
    rows = db.session.execute(sa.select(Node.id, Node.ref, Node.name).where(Node.id.in_(ids)))
    return {cid: (ref, name) for cid, ref, name in rows} if ids else {}


@rollup.get("/hazards")
def rollup_hazards() -> Any:
    """Hidden dangers of every community of a street or district (the overdue list first)."""
    require(VIEW)
    page = paginate(_rollup_hazards())
    return render_template(
        "safety/hazards.html",
        page=page,
        filters=request.args,
        enterprises=[],
        can_edit=False,
        rollup=True,
        communities=_community_names(page.items),
        **lead_choices(),
    )


@rollup_api.get("/hazards")
@api_doc(
    "Hidden dangers across the communities of a street or district (same filters)",
    paginated=True,
    response_schema=HazardSchema,
    tags=[MODULE],
    parameters=[*NODE, *LIST_ARGS],
)
def rollup_api_hazards() -> Any:
    require(VIEW)
    page = paginate(_rollup_hazards())
    names = _community_names(page.items)

    def dump(obj: SafetyHazard) -> dict[str, Any]:
        data = dump_hazard(obj)
        data["community"] = names[obj.community_id][0]
        return data

    return _page_json(page, dump)


# === training, accidents, activities, photos (training helper) ================================


# === street and district dashboard (dashboard helper) =========================================

DASHBOARD_ARGS = [
    *NODE,
    {"in": "query", "name": "year", "schema": {"type": "integer"}},
    {"in": "query", "name": "quarter", "schema": {"type": "integer", "enum": [1, 2, 3, 4]}},
    {"in": "query", "name": "from", "schema": {"type": "string", "format": "date"}},
    {"in": "query", "name": "to", "schema": {"type": "string", "format": "date"}},
    {"in": "query", "name": "sort", "schema": {"type": "string"}},
    {"in": "query", "name": "order", "schema": {"type": "string", "enum": ["asc", "desc"]}},
]


def _dashboard() -> dict[str, Any]:
    """The figures of the period the query asks for, over the communities of ``g.node`` where
    safety is on (``indicator_communities``); only users holding ``safety.view`` there."""
    require(VIEW)
    period, label = services.parse_period(request.args)
    data = services.dashboard(
        db.session,
        g.node,
        period,
        sort=request.args.get("sort", ""),
        descending=request.args.get("order", "desc") != "asc",
    )
    return {"period": period, "period_label": label, **data}


@rollup.get("/")
def dashboard() -> Any:
    """安全生产统计: totals, the ranking of the communities and charts, for a street/district."""
    data = _dashboard()
    figures = {f.key: f for f in services.FIGURES}
    ranking = data["ranking"]
    charts = {
        "hazards": {
            "labels": [r["name"] for r in ranking],
            "datasets": [
                {"label": str(figures[k].label), "data": [r[k] for r in ranking]}
                for k in ("hazards_found", "hazards_closed", "hazards_overdue")
            ],
        },
        "rate": {
            "labels": [r["name"] for r in ranking],
            "datasets": [
                {
                    "label": str(figures["rectification_rate"].label),
                    "data": [r["rectification_rate"] for r in ranking],
                }
            ],
        },
    }
    return render_template(
        "safety/dashboard.html",
        node=g.node,
        figures=services.FIGURES,
        charts=charts,
        args=request.args,
        **data,
    )


@rollup_api.get("/dashboard")
@api_doc(
    "Safety figures of a street or district for a period: totals and the communities' ranking",
    tags=[MODULE],
    parameters=DASHBOARD_ARGS,
)
def dashboard_api() -> Any:
    """The dashboard as JSON: totals, indicators with labels and units, and the ranking."""
    data = _dashboard()
    period = data["period"]
    return jsonify(
        {
            "node": g.node.ref,
            "period": {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "label": data["period_label"],
            },
            "as_of": data["as_of"].isoformat(),
            "indicators": [
                {
                    "name": f.name,
                    "key": f.key,
                    "label": str(f.label),
                    "unit": str(f.unit),
                    "value": data["totals"][f.key],
                }
                for f in services.FIGURES
            ],
            "totals": data["totals"],
            "ranking": data["ranking"],
            "sort": data["sort"],
            "order": data["order"],
        }
    )
