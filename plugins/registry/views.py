"""The registry's pages and API: the generated ledger routes (``ledgers.py``) plus what is the
registry's own — the floating-population lifecycle steps, the tag list, the pickers other
plugins search through, and the street/district overview with its summary.

The blueprints are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place and, for a community, that the module is on there (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, render_template, request, url_for

from core.db import db
from core.permissions import current_scope
from core.records.ledger import rollup_rows
from core.sdk import (
    CommunityBlueprint,
    RollupBlueprint,
    api_doc,
    module_scope_clause,
    paginate,
    register_ledgers,
    require,
)

from . import services
from .ledgers import LEDGERS, residents, units
from .services import MODULE, VIEW
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


def _resident_items(found: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "label": f"{r.name} {mask_id(r.id_number)}".strip(),
            "name": r.name,
            "address": r.current_address,
        }
        for r in found
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
    items = [
        {"id": u.id, "label": f"{u.name} {u.credit_code}", "name": u.name, "address": u.address}
        for u in found
    ]
    return jsonify({"items": items})


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
