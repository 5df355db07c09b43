"""The registry's pages and API: the generated ledger routes (``ledgers.py``) plus what is the
registry's own — the floating-population lifecycle steps, the tag list, the pickers other
plugins search through, and the street/district overview with its summary.

The blueprints are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place and, for a community, that the module is on there (404 otherwise).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.db import db
from core.errors import DomainError, validation_fields
from core.permissions import current_scope
from core.records.ledger import load, rollup_rows
from core.sdk import (
    CommunityBlueprint,
    RollupBlueprint,
    api_doc,
    json_body,
    module_scope_clause,
    paginate,
    register_ledgers,
    require,
)

from . import services
from .ledgers import LEDGERS, residents, units
from .schemas import StepSchema
from .services import EDIT, MODULE, VIEW
from .validators import mask_id

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, "registry_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, "registry_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, "registry_rollup_api", __name__, api=True)

register_ledgers(LEDGERS, pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)

COMMUNITY = [{"in": "path", "name": "community", "required": True, "schema": {"type": "string"}}]
NODE = [{"in": "path", "name": "node", "required": True, "schema": {"type": "string"}}]
STEPS = ["manage", "move-out", "death"]


def _step(obj: Any, step: str, on: Any) -> None:
    if step == "manage":
        services.start_management(db.session, obj, on)
    else:
        services.move_out(db.session, obj, on, deceased=step == "death")


@pages.post("/residents/<int:record_id>/<any(manage,'move-out',death):step>")
def resident_step(record_id: int, step: str) -> Any:
    require(EDIT)
    obj = load(residents, record_id)
    try:
        try:
            on = StepSchema().load({"on": request.form.get("on", "").strip() or None})["on"]
        except ma.ValidationError as exc:
            fields = validation_fields(exc)
            raise DomainError(fields["on"][0], {"on": fields["on"]}) from None
        _step(obj, step, on)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(residents.url("detail", obj))


@api.post("/residents/<int:record_id>/<any(manage,'move-out',death):step>")
@api_doc(
    "A dated lifecycle step: manage (人在管理), move-out (人走注销), death",
    request_schema=StepSchema,
    tags=[MODULE],
)
def api_step(record_id: int, step: str) -> Any:
    require(EDIT)
    obj = load(residents, record_id)
    _step(obj, step, json_body(StepSchema())["on"])
    db.session.commit()
    return jsonify(residents.dump(obj))


@api.get("/tags")
@api_doc("The resident tags declared by the registry and the plugins using it", tags=[MODULE])
def api_tags() -> Any:
    require(VIEW)
    items = [
        {"key": key, "label": str(tag.label), "module": tag.module}
        for key, tag in services.declared_tags().items()
    ]
    return jsonify({"items": items})


PICKER_QUERY = [{"in": "query", "name": "q", "schema": {"type": "string"}}]


@api.get("/picker/<any(residents,units):plural>")
@api_doc(
    "Search for the picker widget: ?q= name prefix or ID suffix; 20 at most, masked",
    tags=[MODULE],
    parameters=PICKER_QUERY,
)
def api_picker(plural: str) -> Any:
    require(VIEW)
    text = request.args.get("q", "")
    if plural == "residents":
        found = services.search_residents(db.session, current_scope(), text, g.community)
        items = [
            {
                "id": r.id,
                "label": f"{r.name} {mask_id(r.id_number)}",
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


@api.get("/picker/households")
@api_doc(
    "Search households for the picker: ?q= head's name prefix, room or building; 20 at most",
    tags=[MODULE],
    parameters=PICKER_QUERY,
)
def api_picker_households() -> Any:
    require(VIEW)
    found = services.search_households(
        db.session, current_scope(), request.args.get("q", ""), g.community
    )
    items = [
        {"id": h.id, "label": f"{h.address} {h.head_name}", "name": h.head_name} for h in found
    ]
    return jsonify({"items": items})


# --- street and district overview ------------------------------------------------------------


@rollup.get("/")
def overview() -> Any:
    require(VIEW)
    ledger = units if request.args.get("list") == "units" else residents
    page = paginate(rollup_rows(ledger))
    from core.records.ledger import community_refs

    return render_template(
        "registry/rollup.html",
        ledger=ledger,
        summary=services.summary(db.session, lambda model: module_scope_clause(model, VIEW)),
        page=page,
        filters=request.args,
        communities=community_refs(page.items),
    )


@rollup_api.get("/summary")
@api_doc(
    "Residents, floating residents, households and units per community",
    tags=[MODULE],
    parameters=NODE,
)
def rollup_summary() -> Any:
    require(VIEW)
    items = services.summary(db.session, lambda model: module_scope_clause(model, VIEW))
    return jsonify(
        {"node": g.node.ref, "items": items, "residents": sum(i["residents"] for i in items)}
    )


__all__ = ["api", "pages", "rollup", "rollup_api", "url_for"]
