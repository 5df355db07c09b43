"""The registry's pages and API: the generated ledger routes (``ledgers.py``) plus what is the
registry's own — the floating-population lifecycle steps, the tag list, the pickers other
plugins search through, and the street/district overview with its summary.

The blueprints are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place and, for a community, that the module is on there (404 otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, NotFound

from core.api import Operations, page_args
from core.db import db
from core.errors import DomainError
from core.permissions import current_scope
from core.records.ledger import community_refs, load, rollup_rows
from core.sdk import (
    CommunityBlueprint,
    RollupBlueprint,
    json_body,
    module_scope_clause,
    paginate,
    register_ledgers,
    require,
)
from tenants.models import Node

from . import figures, services, transfers, verifications
from . import tags as tag_rules
from .ledgers import LEDGERS, residents, units
from .models import RegistryHousehold, RegistryResident, RegistryUnit
from .services import household_label, resident_label, unit_label
from .vocabularies import EDIT, MODULE, STATUSES, VIEW

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, "registry_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, "registry_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, "registry_rollup_api", __name__, api=True)

register_ledgers(LEDGERS, pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)
# The registry's own API operations, each declared with its OpenAPI description in one decorator;
# permissions are checked in the views, at the URL's place.
api_ops = Operations(api, tags=[MODULE])
rollup_ops = Operations(rollup_api, tags=[MODULE])

NODE = [{"in": "path", "name": "node", "required": True, "schema": {"type": "string"}}]


@api_ops.get("/tags", None, "The resident tags declared by the registry and the plugins using it")
def api_tags() -> Any:
    """The tags the user may choose here: S3 ones only for holders of the sensitive permission,
    rural ones only in a rural community."""
    require(VIEW)
    chosen = tag_rules.choosable(db.session, g.community)
    items = [
        {"key": key, "label": str(tag.label), "module": tag.module, "sensitivity": tag.sensitivity}
        for key, tag in tag_rules.declared_tags().items()
        if key in chosen
    ]
    return jsonify({"items": items})


# --- pickers: the searches of the picker widget ----------------------------------------------

PICKER_QUERY = [{"in": "query", "name": "q", "schema": {"type": "string"}}]
Item = Callable[[Any], dict[str, Any]]


def _resident_item(r: RegistryResident) -> dict[str, Any]:
    return {"id": r.id, "label": resident_label(r), "name": r.name, "address": r.current_address}


def _unit_item(u: RegistryUnit) -> dict[str, Any]:
    return {"id": u.id, "label": unit_label(u), "name": u.name, "address": u.address}


def _household_item(h: RegistryHousehold) -> dict[str, Any]:
    return {"id": h.id, "label": household_label(h), "name": h.head_name}


def _street_item(n: Node) -> dict[str, Any]:
    return {"id": n.id, "label": n.name, "name": n.name}


def _items(found: list[Any], item: Item) -> Any:
    return jsonify({"items": [item(row) for row in found]})


@api_ops.get(
    "/picker/<any(residents,units):plural>",
    None,
    "Search for the picker widget: ?q= name prefix or ID suffix; 20 at most, masked",
    parameters=PICKER_QUERY,
)
def api_picker(plural: str) -> Any:
    require(VIEW)
    text = request.args.get("q", "")
    if plural == "residents":
        found = services.search_residents(db.session, current_scope(), text, g.community)
        return _items(found, _resident_item)
    return _items(services.search_units(db.session, current_scope(), text, g.community), _unit_item)


def _picker(name: str, summary: str, search: Callable[[str], list[Any]], item: Item) -> None:
    """``GET /picker/<name>?q=`` (endpoint ``api_picker_<name>``, what a field's ``picker=``
    names): the rows ``search`` finds for the text, as ``item`` shows each."""

    def view() -> Any:
        require(VIEW)
        return _items(search(request.args.get("q", "")), item)

    view.__name__ = f"api_picker_{name}"  # the endpoint
    api_ops.get(f"/picker/{name}", None, summary, parameters=PICKER_QUERY)(view)


_picker(
    "guardians",
    "Search guardians for the picker: adults living in the registry the user sees (this "
    "community's first); ?q= name prefix or ID suffix; 20 at most, masked",
    lambda q: services.search_references(db.session, current_scope(), q, g.community, adults=True),
    _resident_item,
)
_picker(
    "landlords",
    "Search landlords for the picker: residents of the registry the user sees (this "
    "community's first); ?q= name prefix or ID suffix; 20 at most, masked",
    lambda q: services.search_references(db.session, current_scope(), q, g.community),
    _resident_item,
)
_picker(
    "employers",
    "Search employers for the picker: units of the registry the user sees; ?q= name prefix "
    "or credit code; 20 at most",
    lambda q: services.search_units(db.session, current_scope(), q),
    _unit_item,
)
_picker(
    "streets",
    "Search streets (街道) for the picker, e.g. a branch's headquarters: ?q= part of the "
    "name; 20 at most",
    lambda q: services.search_streets(db.session, q),
    _street_item,
)
_picker(
    "households",
    "Search households for the picker: ?q= head's name prefix, room or building; 20 at most",
    lambda q: services.search_households(db.session, current_scope(), q, g.community),
    _household_item,
)
_picker(
    "floating",
    "Search floating residents for the verification form: ?q= name prefix or ID suffix; 20 at "
    "most, masked",
    lambda q: verifications.search_floating(db.session, current_scope(), q, g.community),
    _resident_item,
)


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


@api_ops.post(
    "/residents/<int:record_id>/transfer",
    None,
    "迁入: move a resident into another community of the user's scope, keeping its id and "
    "history ({community}: the target's ref); registry.edit at both; 409 when the ID is "
    "registered there already",
    request_schema=transfers.TransferSchema,
    response_schema=residents.record_schema,
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


def _summary() -> list[dict[str, Any]]:
    """The counts per community the user sees under the street or district."""
    return figures.summary(db.session, lambda model: module_scope_clause(model, VIEW))


@rollup.get("/")
def overview() -> Any:
    require(VIEW)
    ledger = units if request.args.get("list") == "units" else residents
    page = paginate(rollup_rows(ledger))
    return render_template(
        "registry/rollup.html",
        ledger=ledger,
        summary=_summary(),
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
    return render_template("registry/duplicates.html", found=_duplicates(), statuses=STATUSES)


@rollup_ops.get(
    "/duplicates",
    None,
    "人户分离 / 重复登记: ID numbers live in two or more communities of the street or district "
    "(in the user's scope), each with its records (IDs masked), and how many each community holds",
    parameters=NODE,
)
def rollup_duplicates() -> Any:
    return jsonify({"node": g.node.ref, **_duplicates().as_json()})


@rollup_ops.get(
    "/summary",
    None,
    "Residents, floating residents, households and units per community",
    parameters=NODE,
)
def rollup_summary() -> Any:
    require(VIEW)
    items = _summary()
    return jsonify(
        {"node": g.node.ref, "items": items, "residents": sum(i["residents"] for i in items)}
    )


__all__ = ["api", "pages", "rollup", "rollup_api", "url_for"]
