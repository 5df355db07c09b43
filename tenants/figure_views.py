"""Drill-down from a figure to the named records behind it (``/n/<ref>/figures/<name>``): the
rows of the indicator's ledger that it counts at the place in the period, within the user's scope
for the ledger and in communities where the module is on, masked as every list is — so the rows
listed are exactly the ones counted, and nothing the user could not open in the ledger itself."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, render_template, request

from core.api import Operations, paginate
from core.db import db
from core.figures import PERIOD_ARGS, as_of, parse_period
from core.permissions import current_scope, require, scope_clause
from core.records.ledger import community_refs
from core.reports import Indicator, Period
from core.tenancy import enabled_communities, may_use
from tenants import modules
from tenants.models import Node
from tenants.views import breadcrumb, load_node

bp = Blueprint("figures", __name__, template_folder="templates")
api = Blueprint("figures_api", __name__, url_prefix="/api/v1/nodes")
ops = Operations(api, tags=["indicators"])


def _records(ref: str, name: str) -> tuple[Node, Indicator, Any, sa.Select, str]:
    """The place, the indicator, its ledger, the rows it counts there in the asked period and
    the period's label. 404: the place out of scope, an unknown indicator or one without
    records; 403: the module's list not readable there."""
    node = load_node(ref)
    indicator = modules.indicators().get(name)
    if indicator is None or indicator.records is None:
        abort(404)
    if not may_use(current_scope(), indicator.module, node.path):
        abort(404)
    ledger = modules.ledger(indicator.module, indicator.records[0])
    if ledger is None:
        abort(404)
    require(ledger.view, node.path)
    period, label = parse_period(request.args)
    model = ledger.model
    where = sa.and_(
        scope_clause(model, ledger.view),
        model.__scope_clause__([node.as_ref()]),
        model.community_id.in_(enabled_communities(indicator.module)),
        indicator.records[1](period, as_of(period)),
    )
    return node, indicator, ledger, ledger.filtered(db.session, where, {}), label


@bp.get("/n/<ref>/figures/<name>")
def page(ref: str, name: str) -> Any:
    """The records a figure counts, a page of them at a time, each linked to its own page."""
    node, indicator, ledger, rows, label = _records(ref, name)
    listed = paginate(rows)
    return render_template(
        "tenants/figure_records.html",
        node=node,
        indicator=indicator,
        ledger=ledger,
        page=listed,
        period_label=label,
        communities=community_refs(listed.items),
        breadcrumb=[*breadcrumb(node), (str(indicator.label), None)],
    )


@ops.get(
    "/<ref>/figures/<name>/records",
    "tenants.view",
    "The records an indicator counts at a node in a period (the same period arguments as the "
    "indicators), within your scope for its ledger, masked as its lists are",
    paginated=True,
    parameters=PERIOD_ARGS,
)
def api_records(ref: str, name: str) -> Any:
    _node, indicator, ledger, rows, label = _records(ref, name)
    listed = paginate(rows)
    refs = community_refs(listed.items)

    def dump(obj: Any) -> dict[str, Any]:
        community = refs.get(obj.community_id)
        return ledger.dump(obj, community=community.ref if community is not None else None)

    body = listed.to_json(dump)
    body["indicator"] = {"name": indicator.name, "label": str(indicator.label), "period": label}
    return jsonify(body)


def records_url(indicator: Indicator, ref: str, period: Period) -> str | None:
    """Where a figure opens onto its records in ``period``, or None for one without them."""
    if indicator.records is None:
        return None
    if "/" in period.key:
        when = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
    else:
        when = f"period={period.key}"
    return f"/n/{ref}/figures/{indicator.name}?{when}"
