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

from core.api import api_doc
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
    from flask import g, request

    from core.db import db

    from . import services

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
    from flask import g, request

    from . import services

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
    from flask import g, jsonify

    from . import services

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
