"""安全生产统计: the street or district dashboard (totals, the ranking of the communities,
charts) and the same figures as JSON."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, render_template, request

from core.api import api_doc
from core.db import db
from core.figures import PERIOD_ARGS, parse_period
from core.sdk import require
from tenants.figure_views import records_url
from tenants.modules import indicator_communities

from ..common import MODULE, VIEW
from ..web import rollup, rollup_api
from .figures import SAFETY

DASHBOARD_ARGS = [
    *PERIOD_ARGS,
    {"in": "query", "name": "sort", "schema": {"type": "string"}},
    {"in": "query", "name": "order", "schema": {"type": "string", "enum": ["asc", "desc"]}},
]


def _dashboard() -> dict[str, Any]:
    """The figures of the period the query asks for, over the communities of ``g.node`` where
    safety is on; only users holding ``safety.view`` there."""
    require(VIEW)
    period, label = parse_period(request.args)
    data = SAFETY.ranking(
        db.session,
        indicator_communities(g.node.as_ref(), MODULE),
        period,
        sort=request.args.get("sort", ""),
        descending=request.args.get("order", "desc") != "asc",
        default_sort="rectification_rate",
    )
    return {"period": period, "period_label": label, **data}


@rollup.get("/")
def dashboard() -> Any:
    """安全生产统计: totals, the ranking of the communities and charts, for a street/district."""
    data = _dashboard()
    names = [r["name"] for r in data["ranking"]]

    def chart(*keys: str) -> dict[str, Any]:
        return {
            "labels": names,
            "datasets": [
                {"label": str(SAFETY.by_key[k].label), "data": [r[k] for r in data["ranking"]]}
                for k in keys
            ],
        }

    charts = {
        "hazards": chart("hazards_found", "hazards_closed", "hazards_overdue"),
        "rate": chart("rectification_rate"),
    }
    indicators = {i.name.removeprefix(f"{MODULE}."): i for i in SAFETY.indicators()}

    def records(key: str, ref: str) -> str | None:
        """Where a figure opens onto the records it counts at a place (the drill-down)."""
        return records_url(indicators[key], ref, data["period"])

    return render_template(
        "safety/dashboard.html",
        node=g.node,
        figures=SAFETY.figures,
        charts=charts,
        args=request.args,
        records=records,
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
    return jsonify(SAFETY.as_json(g.node.ref, data["period"], data["period_label"], data))
