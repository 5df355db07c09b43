"""Pages and JSON API of one community, and read views over a street or district.

The blueprints are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place and, for a community, that the module is on there (404 otherwise). Each view then requires
the permission it needs (403) and loads records only through the community's or the scope's
clause, so another community's record is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from tenants.modules import CommunityBlueprint, RollupBlueprint, require

from .services import MODULE, VIEW

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


@pages.get("/")
def index() -> Any:
    """The community's safety overview (filled in by the lead)."""
    require(VIEW)
    return render_template("safety/index.html")


# === training, accidents, activities, photos (training helper) ================================


# === street and district dashboard (dashboard helper) =========================================
