"""The registry's pages and API: the generated ledger routes (``ledgers.py``) plus what is the
registry's own — the floating-population lifecycle steps, the tag list, the pickers other
plugins search through, and the street/district overview with its summary.

The blueprints are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place and, for a community, that the module is on there (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, NotFound

from core.api import page_args
from core.db import db
from core.errors import DomainError
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

from . import services, transfers, verifications
from . import tags as tag_rules
from .ledgers import LEDGERS, residents, units
from .models import RegistryResident
from .services import EDIT, MODULE, VIEW
from .validators import mask_id

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, "registry_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, "registry_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, "registry_rollup_api", __name__, api=True)

register_ledgers(LEDGERS, pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)

COMMUNITY = [{"in": "path", "name": "community", "required": True, "schema": {"type": "string"}}]
NODE = [{"in": "path", "name": "node", "required": True, "schema": {"type": "string"}}]


@api.get("/tags")
@api_doc("The resident tags declared by the registry and the plugins using it", tags=[MODULE])
def api_tags() -> Any:
    """The tags the user may choose here: S3 ones only for holders of the sensitive permission,
    rural ones only in a rural community."""
    require(VIEW)
    chosen = tag_rules.choosable(db.session, g.community)
    items = [
        {"key": key, "label": str(tag.label), "module": tag.module, "sensitivity": tag.sensitivity}
        for key, tag in services.declared_tags().items()
        if key in chosen
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
        return jsonify({"items": _resident_items(found)})
    found = services.search_units(db.session, current_scope(), text, g.community)
    return jsonify({"items": _unit_items(found)})


def _resident_items(found: list[Any]) -> list[dict[str, Any]]:
    """What a picker shows of residents: name and masked ID (a newborn has none)."""
    return [
        {
            "id": r.id,
            "label": f"{r.name} {mask_id(r.id_number)}".strip(),
            "name": r.name,
            "address": r.current_address,
        }
        for r in found
    ]


def _unit_items(found: list[Any]) -> list[dict[str, Any]]:
    return [
        {"id": u.id, "label": f"{u.name} {u.credit_code}", "name": u.name, "address": u.address}
        for u in found
    ]


@api.get("/picker/guardians")
@api_doc(
    "Search guardians for the picker: adults living in the registry the user sees (this "
    "community's first); ?q= name prefix or ID suffix; 20 at most, masked",
    tags=[MODULE],
    parameters=PICKER_QUERY,
)
def api_picker_guardians() -> Any:
    require(VIEW)
    found = services.search_references(
        db.session, current_scope(), request.args.get("q", ""), g.community, adults=True
    )
    return jsonify({"items": _resident_items(found)})


@api.get("/picker/landlords")
@api_doc(
    "Search landlords for the picker: residents of the registry the user sees (this "
    "community's first); ?q= name prefix or ID suffix; 20 at most, masked",
    tags=[MODULE],
    parameters=PICKER_QUERY,
)
def api_picker_landlords() -> Any:
    require(VIEW)
    found = services.search_references(
        db.session, current_scope(), request.args.get("q", ""), g.community
    )
    return jsonify({"items": _resident_items(found)})


@api.get("/picker/employers")
@api_doc(
    "Search employers for the picker: units of the registry the user sees; ?q= name prefix "
    "or credit code; 20 at most",
    tags=[MODULE],
    parameters=PICKER_QUERY,
)
def api_picker_employers() -> Any:
    require(VIEW)
    found = services.search_units(db.session, current_scope(), request.args.get("q", ""))
    return jsonify({"items": _unit_items(found)})


@api.get("/picker/streets")
@api_doc(
    "Search streets (街道) for the picker, e.g. a branch's headquarters: ?q= part of the "
    "name; 20 at most",
    tags=[MODULE],
    parameters=PICKER_QUERY,
)
def api_picker_streets() -> Any:
    require(VIEW)
    found = services.search_streets(db.session, request.args.get("q", ""))
    return jsonify({"items": [{"id": n.id, "label": n.name, "name": n.name} for n in found]})


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


@api.get("/picker/floating")
@api_doc(
    "Search floating residents for the verification form: ?q= name prefix or ID suffix; 20 at "
    "most, masked",
    tags=[MODULE],
    parameters=PICKER_QUERY,
)
def api_picker_floating() -> Any:
    require(VIEW)
    found = verifications.search_floating(
        db.session, current_scope(), request.args.get("q", ""), g.community
    )
    return jsonify({"items": _resident_items(found)})


# --- 迁入: a resident moved into another community -----------------------------------------------


def _transfer(record_id: int, target_ref: str) -> Any:
    """Move the URL community's resident ``record_id`` into the community ``target_ref``:
    ``registry.edit`` here and there (403), the target in the user's scope (404)."""
    require(EDIT)
    resident = load(residents, record_id)
    scope = current_scope()
    target = transfers.visible_target(db.session, scope, target_ref)
    if target is None:
        raise NotFound()
    if not scope.allows(EDIT, target.path):
        raise Forbidden()
    transfers.transfer(db.session, resident, target)
    db.session.commit()
    return resident, target


@api.post("/residents/<int:record_id>/transfer")
@api_doc(
    "迁入: move a resident into another community of the user's scope, keeping its id and "
    "history ({community}: the target's ref); registry.edit at both; 409 when the ID is "
    "registered there already",
    request_schema=transfers.TransferSchema,
    response_schema=residents.record_schema,
    tags=[MODULE],
)
def api_transfer(record_id: int) -> Any:
    data = json_body(transfers.TransferSchema())
    resident, target = _transfer(record_id, data["community"])
    return jsonify(residents.dump(resident, community=target.ref))


@pages.post("/residents/<int:record_id>/transfer")
def resident_transfer(record_id: int) -> Any:
    """From the warning of a new resident's form: the record moves into the form's community."""
    try:
        resident, target = _transfer(record_id, request.form.get("community", ""))
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("registry.resident", record_id=record_id)), 303
    flash(
        _("%(name)s now belongs to %(community)s.", name=resident.name, community=target.name),
        "success",
    )
    return redirect(url_for("registry.resident", community=target.ref, record_id=resident.id))


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


def _duplicates() -> transfers.DuplicateGroups:
    require(VIEW)
    number, per_page = page_args()
    return transfers.duplicate_groups(
        db.session,
        module_scope_clause(RegistryResident, VIEW),
        page=number,
        per_page=per_page,
    )


@rollup.get("/duplicates")
def duplicates() -> Any:
    """人户分离 / 重复登记: the ID numbers live in two or more communities here."""
    return render_template(
        "registry/duplicates.html", found=_duplicates(), statuses=services.STATUSES
    )


@rollup_api.get("/duplicates")
@api_doc(
    "人户分离 / 重复登记: ID numbers live in two or more communities of the street or district "
    "(in the user's scope), each with its records (IDs masked), and how many each community holds",
    tags=[MODULE],
    parameters=NODE,
)
def rollup_duplicates() -> Any:
    return jsonify({"node": g.node.ref, **_duplicates().as_json()})


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
