"""Pages and JSON API of one community, and read views over a street or district.

The blueprints are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place and, for a community, that the module is on there (404 otherwise). Each view then requires
the permission it needs (403). Residents, households and units share the same views through
:class:`Kind`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.api import api_doc, json_body, paginate
from core.db import db
from core.errors import DomainError
from core.forms import empty_form, load_form
from core.permissions import can, current_scope
from tenants.models import Node
from tenants.modules import CommunityBlueprint, RollupBlueprint, module_scope_clause, require

from . import services
from .models import RegistryHousehold, RegistryResident, RegistryUnit
from .schemas import (
    HouseholdSchema,
    ResidentSchema,
    ResidentUpdateSchema,
    StepSchema,
    UnitSchema,
)
from .services import EDIT, MODULE, RESTORE, SENSITIVE, VIEW

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, "registry_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, "registry_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, "registry_rollup_api", __name__, api=True)

COMMUNITY = [{"in": "path", "name": "community", "required": True, "schema": {"type": "string"}}]
NODE = [{"in": "path", "name": "node", "required": True, "schema": {"type": "string"}}]
RECORD = [
    *COMMUNITY,
    {"in": "path", "name": "record_id", "required": True, "schema": {"type": "integer"}},
]


def _path_choice(name: str, values: list[str]) -> dict[str, Any]:
    return {
        "in": "path",
        "name": name,
        "required": True,
        "schema": {"type": "string", "enum": values},
    }


ANY_RECORD = [*RECORD, _path_choice("plural", ["residents", "households", "units"])]
LIST_ARGS = [
    {"in": "query", "name": name, "schema": {"type": "string"}, "description": text}
    for name, text in [
        ("q", "name prefix, or the end of a resident ID / a whole credit code"),
        ("address", "part of an address"),
        ("building", "building node id"),
        ("status", "registered, floating, moved_out, deceased"),
        ("tag", "a tag key (GET /tags)"),
        ("kind", "unit type"),
        ("deleted", "1: deleted records (needs registry.restore)"),
    ]
]

FIELD_LABELS: dict[str, Any] = {
    "name": _l("Full name"),
    "gender": _l("Gender"),
    "id_number": _l("Resident ID"),
    "birth_date": _l("Date of birth"),
    "mobile": _l("Mobile"),
    "ethnicity": _l("Ethnicity"),
    "hukou_address": _l("Hukou address"),
    "current_address": _l("Current address"),
    "status": _l("Residence status"),
    "arrived_on": _l("Arrived on"),
    "managed_on": _l("In management since"),
    "departed_on": _l("Left on"),
    "household_id": _l("Household"),
    "relation": _l("Relation to the head"),
    "tags": _l("Tags"),
    "notes": _l("Notes"),
    "building": _l("Building"),
    "entrance": _l("Entrance"),
    "room": _l("Room"),
    "head_name": _l("Head of household"),
    "tenure": _l("Tenure"),
    "moved_in_on": _l("Moved in on"),
    "moved_out_on": _l("Moved out on"),
    "credit_code": _l("Unified social credit code"),
    "kind": _l("Unit type"),
    "legal_representative": _l("Legal representative"),
    "contact_name": _l("Contact person"),
    "contact_phone": _l("Contact phone"),
    "address": _l("Address"),
    "industry": _l("Industry"),
    "size_class": _l("Size class"),
    "output_value": _l("Annual output value (10,000 yuan)"),
    "headcount": _l("Headcount"),
}
ACTIONS: dict[str, Any] = {
    "create": _l("Registered"),
    "update": _l("Changed"),
    "manage": _l("Taken into management"),
    "move_out": _l("Moved away"),
    "death": _l("Died"),
    "delete": _l("Deleted"),
    "restore": _l("Restored"),
}


@dataclass(frozen=True)
class Kind:
    """What differs between residents, households and units; the views are shared."""

    key: str  # resident
    plural: str  # residents (URL segment)
    model: Any
    schema: type[ma.Schema]
    update_schema: type[ma.Schema]
    create: Callable[..., Any]
    update: Callable[..., Any]
    query: Callable[..., sa.Select]
    list_endpoint: str
    title: Any


KINDS = {
    "residents": Kind(
        "resident",
        "residents",
        RegistryResident,
        ResidentSchema,
        ResidentUpdateSchema,
        services.create_resident,
        services.update_resident,
        services.residents_query,
        "registry.index",
        _l("Residents"),
    ),
    "households": Kind(
        "household",
        "households",
        RegistryHousehold,
        HouseholdSchema,
        HouseholdSchema,
        services.create_household,
        services.update_household,
        services.households_query,
        "registry.households",
        _l("Households"),
    ),
    "units": Kind(
        "unit",
        "units",
        RegistryUnit,
        UnitSchema,
        UnitSchema,
        services.create_unit,
        services.update_unit,
        services.units_query,
        "registry.units",
        _l("Units"),
    ),
}


# --- shared helpers --------------------------------------------------------------------------


def _filters() -> dict[str, Any]:
    args = request.args
    filters: dict[str, Any] = {
        k: args.get(k, "").strip() for k in ("q", "address", "status", "tag", "kind", "size_class")
    }
    building = args.get("building", "").strip()
    if building:
        if not building.isdigit():
            message = _("Choose a building from the list.")
            raise DomainError(message, {"building": [message]})
        filters["building"] = int(building)
    return {k: v for k, v in filters.items() if v}


def _show_deleted() -> bool:
    if request.args.get("deleted") not in ("1", "true"):
        return False
    require(RESTORE)
    return True


def _community_query(kind: Kind) -> sa.Select:
    return kind.query(
        db.session,
        kind.model.community_id == g.community.id,
        _filters(),
        deleted=_show_deleted(),
    )


def _load(kind: Kind, record_id: int, *, deleted_ok: bool = False) -> Any:
    """A record of the URL's community; deleted ones only for restorers (404 otherwise)."""
    obj = db.session.scalar(
        sa.select(kind.model).where(
            kind.model.id == record_id, kind.model.community_id == g.community.id
        )
    )
    if obj is None:
        abort(404)
    if obj.deleted_at is not None and not (deleted_ok and can(RESTORE, g.community.path)):
        abort(404)
    return obj


def dump(kind: Kind, obj: Any, unmasked: bool = False) -> dict[str, Any]:
    """A record as JSON, IDs and phones masked unless ``unmasked``."""
    data = kind.schema().dump(obj)
    for key, mask in services.SENSITIVE_FIELDS.items():
        if key in data and not unmasked:
            data[key] = mask(data[key])
    node = obj.node
    data["community"] = g.community.ref if "community" in g else None
    data["node"] = node.ref if node is not None else None
    data["deleted"] = obj.deleted_at is not None
    if isinstance(obj, RegistryResident):
        data["masked"] = not unmasked
    return data


def _unmask_requested(obj: Any) -> bool:
    """``?unmask=1`` by a holder of ``registry.sensitive.view``: audited; without it, a 403."""
    if request.args.get("unmask") not in ("1", "true"):
        return False
    require(SENSITIVE)
    services.record_unmask(db.session, obj)
    db.session.commit()
    return True


def _choices() -> dict[str, Any]:
    return {
        "statuses": services.STATUSES,
        "genders": services.GENDERS,
        "tenures": services.TENURES,
        "relations": services.RELATIONS,
        "unit_kinds": services.UNIT_KINDS,
        "size_classes": services.SIZE_CLASSES,
        "tags": services.declared_tags(),
        "labels": FIELD_LABELS,
        "actions": ACTIONS,
    }


def _can_edit() -> bool:
    return can(EDIT, g.community.path) and not g.community.is_archived


# --- community pages -------------------------------------------------------------------------


def _list_page(kind: Kind) -> Any:
    require(VIEW)
    stmt = _community_query(kind)
    if kind.key == "household":
        stmt = stmt.options(
            selectinload(RegistryHousehold.members), selectinload(RegistryHousehold.node)
        )
    return render_template(
        f"registry/{kind.plural}.html",
        kind=kind,
        page=paginate(stmt),
        filters=request.args,
        buildings=services.buildings(db.session, g.community),
        can_edit=_can_edit(),
        can_restore=can(RESTORE, g.community.path),
        showing_deleted=request.args.get("deleted") in ("1", "true"),
        mask_id=services.mask_id,
        mask_mobile=services.mask_mobile,
        **_choices(),
    )


@pages.get("/")
def index() -> Any:
    return _list_page(KINDS["residents"])


@pages.get("/households")
def households() -> Any:
    return _list_page(KINDS["households"])


@pages.get("/units")
def units() -> Any:
    return _list_page(KINDS["units"])


def _form_values(kind: Kind, obj: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in kind.schema().fields:
        value = getattr(obj, key, None)
        if value is None:
            continue
        values[key] = value.isoformat() if hasattr(value, "isoformat") else value
    if kind.key != "household" or obj is None:
        values.pop("building", None)
    if obj is not None and obj.node_id != obj.community_id:
        values["building"] = obj.node.ref
    return values


def _form_page(kind: Kind, obj: Any = None) -> Any:
    require(EDIT)
    form = empty_form(**(_form_values(kind, obj) if obj is not None else {}))
    status = 200
    if request.method == "POST":
        schema = kind.schema() if obj is None else kind.update_schema()
        form = load_form(schema, multi=("tags",))
        status = 422
        if form.ok:
            # An edit changes what the form shows, not the fields it leaves out (arrival date).
            data = {k: v for k, v in form.data.items() if obj is None or k in request.form}
            if kind.key == "resident":  # no box ticked: no tags
                data["tags"] = data.get("tags") or []
            try:
                if obj is None:
                    obj = kind.create(db.session, g.community, data)
                else:
                    kind.update(db.session, obj, data)
            except DomainError as exc:
                db.session.rollback()
                form.fail(exc)
                status = exc.status
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for(f"registry.{kind.key}", record_id=obj.id))
    households = (
        services.household_options(db.session, g.community) if kind.key == "resident" else []
    )
    return render_template(
        f"registry/{kind.key}_form.html",
        kind=kind,
        form=form,
        record=obj,
        building_options=[(b.ref, b.name) for b in services.buildings(db.session, g.community)],
        households=households,
        selected_tags=(
            request.form.getlist("tags")
            if request.method == "POST"
            else (obj.tags if obj is not None and kind.key == "resident" else [])
        ),
        **_choices(),
    ), status


@pages.route("/residents/new", methods=["GET", "POST"])
def new_resident() -> Any:
    return _form_page(KINDS["residents"])


@pages.route("/households/new", methods=["GET", "POST"])
def new_household() -> Any:
    return _form_page(KINDS["households"])


@pages.route("/units/new", methods=["GET", "POST"])
def new_unit() -> Any:
    return _form_page(KINDS["units"])


@pages.route(
    "/<any(residents,households,units):plural>/<int:record_id>/edit", methods=["GET", "POST"]
)
def edit(plural: str, record_id: int) -> Any:
    kind = KINDS[plural]
    require(EDIT)
    return _form_page(kind, _load(kind, record_id))


def _record_page(kind: Kind, record_id: int) -> Any:
    require(VIEW)
    obj = _load(kind, record_id, deleted_ok=True)
    unmasked = _unmask_requested(obj)
    return render_template(
        "registry/record.html",
        kind=kind,
        record=obj,
        data=dump(kind, obj, unmasked),
        unmasked=unmasked,
        may_unmask=services.may_unmask(g.community),
        history=[
            (change, services.masked_changes(change, unmasked))
            for change in services.timeline(db.session, kind.key, obj.id)
        ],
        can_edit=_can_edit() and obj.deleted_at is None,
        can_restore=can(RESTORE, g.community.path) and not g.community.is_archived,
        today=services.today().isoformat(),
        **_choices(),
    )


@pages.get("/residents/<int:record_id>")
def resident(record_id: int) -> Any:
    return _record_page(KINDS["residents"], record_id)


@pages.get("/households/<int:record_id>")
def household(record_id: int) -> Any:
    return _record_page(KINDS["households"], record_id)


@pages.get("/units/<int:record_id>")
def unit(record_id: int) -> Any:
    return _record_page(KINDS["units"], record_id)


def _page_action(kind: Kind, record_id: int, action: Callable[[Any], Any], done: str) -> Any:
    obj = _load(kind, record_id, deleted_ok=True)
    try:
        action(obj)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(f"registry.{kind.key}", record_id=record_id))


def _step_date() -> Any:
    try:
        return StepSchema().load({"on": request.form.get("on", "").strip() or None})["on"]
    except ma.ValidationError as exc:
        from core.errors import validation_fields

        fields = validation_fields(exc)
        raise DomainError(fields["on"][0], {"on": fields["on"]}) from None


@pages.post("/<any(residents,households,units):plural>/<int:record_id>/delete")
def delete(plural: str, record_id: int) -> Any:
    require(EDIT)
    kind = KINDS[plural]
    obj = _load(kind, record_id)
    services.delete_record(db.session, obj)
    db.session.commit()
    flash(_("Deleted. An administrator can restore it."), "success")
    return redirect(url_for(kind.list_endpoint))


@pages.post("/<any(residents,households,units):plural>/<int:record_id>/restore")
def restore(plural: str, record_id: int) -> Any:
    require(RESTORE)
    kind = KINDS[plural]
    return _page_action(
        kind, record_id, lambda obj: services.restore_record(db.session, obj), _("Restored.")
    )


@pages.post("/residents/<int:record_id>/<any(manage,'move-out',death):step>")
def resident_step(record_id: int, step: str) -> Any:
    require(EDIT)
    kind = KINDS["residents"]

    def act(obj: Any) -> None:
        on = _step_date()
        if step == "manage":
            services.start_management(db.session, obj, on)
        else:
            services.move_out(db.session, obj, on, deceased=step == "death")

    return _page_action(kind, record_id, act, _("Saved."))


# --- community API ---------------------------------------------------------------------------


def _api_list(kind: Kind) -> Any:
    require(VIEW)
    page = paginate(_community_query(kind))
    return jsonify(
        {
            "items": [dump(kind, obj) for obj in page.items],
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
        }
    )


def _api_create(kind: Kind) -> Any:
    require(EDIT)
    obj = kind.create(db.session, g.community, json_body(kind.schema()))
    db.session.commit()
    return jsonify(dump(kind, obj)), 201


for _plural, _kind in KINDS.items():
    api.add_url_rule(
        f"/{_plural}",
        f"{_kind.key}_list",
        api_doc(
            f"{_plural.capitalize()} of a community (search, filters, pagination)",
            response_schema=_kind.schema,
            paginated=True,
            tags=[MODULE],
            parameters=[*COMMUNITY, *LIST_ARGS],
        )(lambda kind=_kind: _api_list(kind)),
        methods=["GET"],
    )
    api.add_url_rule(
        f"/{_plural}",
        f"{_kind.key}_create",
        api_doc(
            f"Register a {_kind.key}",
            request_schema=_kind.schema,
            response_schema=_kind.schema,
            status=201,
            tags=[MODULE],
            parameters=COMMUNITY,
        )(lambda kind=_kind: _api_create(kind)),
        methods=["POST"],
    )


@api.get("/<any(residents,households,units):plural>/<int:record_id>")
@api_doc(
    "One record (?unmask=1: unmasked ID and phone numbers, audited; needs registry.sensitive.view)",
    tags=[MODULE],
    parameters=ANY_RECORD,
)
def api_record(plural: str, record_id: int) -> Any:
    require(VIEW)
    kind = KINDS[plural]
    obj = _load(kind, record_id, deleted_ok=True)
    unmasked = _unmask_requested(obj)
    return jsonify(dump(kind, obj, unmasked))


@api.patch("/<any(residents,households,units):plural>/<int:record_id>")
@api_doc(
    "Change a record (only the fields given); every change is kept in its history",
    tags=[MODULE],
    parameters=ANY_RECORD,
)
def api_update(plural: str, record_id: int) -> Any:
    require(EDIT)
    kind = KINDS[plural]
    obj = _load(kind, record_id)
    kind.update(db.session, obj, json_body(kind.update_schema(), partial=True))
    db.session.commit()
    return jsonify(dump(kind, obj))


@api.delete("/<any(residents,households,units):plural>/<int:record_id>")
@api_doc(
    "Delete a record (soft: an administrator can restore it)", tags=[MODULE], parameters=ANY_RECORD
)
def api_delete(plural: str, record_id: int) -> Any:
    require(EDIT)
    kind = KINDS[plural]
    services.delete_record(db.session, _load(kind, record_id))
    db.session.commit()
    return "", 204


@api.post("/<any(residents,households,units):plural>/<int:record_id>/restore")
@api_doc("Restore a deleted record", tags=[MODULE], parameters=ANY_RECORD)
def api_restore(plural: str, record_id: int) -> Any:
    require(RESTORE)
    kind = KINDS[plural]
    obj = _load(kind, record_id, deleted_ok=True)
    services.restore_record(db.session, obj)
    db.session.commit()
    return jsonify(dump(kind, obj))


@api.post("/residents/<int:record_id>/<any(manage,'move-out',death):step>")
@api_doc(
    "A dated lifecycle step: manage (人在管理), move-out (人走注销), death",
    request_schema=StepSchema,
    tags=[MODULE],
    parameters=[*RECORD, _path_choice("step", ["manage", "move-out", "death"])],
)
def api_step(record_id: int, step: str) -> Any:
    require(EDIT)
    kind = KINDS["residents"]
    obj = _load(kind, record_id)
    on = json_body(StepSchema())["on"]
    if step == "manage":
        services.start_management(db.session, obj, on)
    else:
        services.move_out(db.session, obj, on, deceased=step == "death")
    db.session.commit()
    return jsonify(dump(kind, obj))


@api.get("/<any(residents,households,units):plural>/<int:record_id>/history")
@api_doc(
    "A record's history, newest first: who, when, old and new values (IDs and phones masked)",
    tags=[MODULE],
    parameters=ANY_RECORD,
)
def api_history(plural: str, record_id: int) -> Any:
    require(VIEW)
    kind = KINDS[plural]
    obj = _load(kind, record_id, deleted_ok=True)
    return jsonify(
        {
            "items": [
                {
                    "at": change.at.isoformat(),
                    "action": change.action,
                    "username": change.username,
                    "changes": services.masked_changes(change, False),
                }
                for change in services.timeline(db.session, kind.key, obj.id)
            ]
        }
    )


@api.get("/tags")
@api_doc(
    "The resident tags declared by the registry and the plugins using it",
    tags=[MODULE],
    parameters=COMMUNITY,
)
def api_tags() -> Any:
    require(VIEW)
    return jsonify(
        {
            "items": [
                {"key": key, "label": str(tag.label), "module": tag.module}
                for key, tag in services.declared_tags().items()
            ]
        }
    )


@api.get("/picker/<any(residents,units):plural>")
@api_doc(
    "Search for the picker widget: ?q= name prefix or ID suffix; 20 at most, masked",
    tags=[MODULE],
    parameters=[
        *COMMUNITY,
        _path_choice("plural", ["residents", "units"]),
        {"in": "query", "name": "q", "schema": {"type": "string"}},
    ],
)
def api_picker(plural: str) -> Any:
    require(VIEW)
    text = request.args.get("q", "")
    if plural == "residents":
        found = services.search_residents(db.session, current_scope(), text, g.community)
        items = [
            {
                "id": r.id,
                "label": f"{r.name} {services.mask_id(r.id_number)}",
                "name": r.name,
                "address": r.current_address,
            }
            for r in found
        ]
    else:
        found = services.search_units(db.session, current_scope(), text, g.community)
        items = [
            {"id": u.id, "label": f"{u.name} {u.credit_code}", "name": u.name, "address": u.address}
            for u in found
        ]
    return jsonify({"items": items})


# --- street and district views ---------------------------------------------------------------


def _rollup_clause(model: Any) -> sa.ColumnElement[bool]:
    return module_scope_clause(model, VIEW)


def _rollup_query(kind: Kind) -> sa.Select:
    return kind.query(db.session, _rollup_clause(kind.model), _filters())


def _community_names(items: list[Any], column: Any) -> dict[int, str]:
    """The communities of a page of rows: id → name (or ref), in one query."""
    ids = {obj.community_id for obj in items}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Node.id, column).where(Node.id.in_(ids))).all())


@rollup.get("/")
def overview() -> Any:
    require(VIEW)
    kind = (
        KINDS[request.args.get("list", "residents")]
        if request.args.get("list") in KINDS
        else KINDS["residents"]
    )
    page = paginate(_rollup_query(kind))
    return render_template(
        "registry/rollup.html",
        kind=kind,
        summary=services.summary(db.session, _rollup_clause),
        page=page,
        filters=request.args,
        communities=_community_names(page.items, Node.name),
        mask_id=services.mask_id,
        mask_mobile=services.mask_mobile,
        **_choices(),
    )


def _rollup_list(kind: Kind) -> Any:
    require(VIEW)
    page = paginate(_rollup_query(kind))
    refs = _community_names(page.items, Node.ref)
    items = []
    for obj in page.items:
        data = dump(kind, obj)
        data["community"] = refs.get(obj.community_id)
        items.append(data)
    return jsonify(
        {
            "items": items,
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
        }
    )


@rollup_api.get("/residents")
@api_doc(
    "Residents across the communities of a street or district (same filters as a "
    "community's list; masked)",
    paginated=True,
    response_schema=ResidentSchema,
    tags=[MODULE],
    parameters=[*NODE, *LIST_ARGS],
)
def rollup_residents() -> Any:
    return _rollup_list(KINDS["residents"])


@rollup_api.get("/units")
@api_doc(
    "Units across the communities of a street or district",
    paginated=True,
    response_schema=UnitSchema,
    tags=[MODULE],
    parameters=[*NODE, *LIST_ARGS],
)
def rollup_units() -> Any:
    return _rollup_list(KINDS["units"])


@rollup_api.get("/summary")
@api_doc(
    "Residents, floating residents, households and units per community",
    tags=[MODULE],
    parameters=NODE,
)
def rollup_summary() -> Any:
    require(VIEW)
    items = services.summary(db.session, _rollup_clause)
    return jsonify(
        {"node": g.node.ref, "items": items, "residents": sum(i["residents"] for i in items)}
    )
