"""安全生产统计: the street or district dashboard (totals, the ranking of the communities,
charts) and the same figures as JSON."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, render_template, request

from core.api import api_doc
from core.db import db
from core.sdk import require

from ..common import MODULE, VIEW
from ..web import NODE, rollup, rollup_api
from . import figures

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
    period, label = figures.parse_period(request.args)
    data = figures.dashboard(
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
    by_key = {f.key: f for f in figures.FIGURES}
    ranking = data["ranking"]
    charts = {
        "hazards": {
            "labels": [r["name"] for r in ranking],
            "datasets": [
                {"label": str(by_key[k].label), "data": [r[k] for r in ranking]}
                for k in ("hazards_found", "hazards_closed", "hazards_overdue")
            ],
        },
        "rate": {
            "labels": [r["name"] for r in ranking],
            "datasets": [
                {
                    "label": str(by_key["rectification_rate"].label),
                    "data": [r["rectification_rate"] for r in ranking],
                }
            ],
        },
    }
    return render_template(
        "safety/dashboard.html",
        node=g.node,
        figures=figures.FIGURES,
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
                for f in figures.FIGURES
            ],
            "totals": data["totals"],
            "ranking": data["ranking"],
            "sort": data["sort"],
            "order": data["order"],
        }
    )
