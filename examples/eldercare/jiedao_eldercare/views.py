"""The visits ledger's routes (generated) and eldercare's own two views: the month overview of a
community against its target, and the street/district summary per community.

The blueprints are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place in the URL and, for a community, that the module is on there (404 otherwise). Each view
then requires the permission it needs (403).
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l

from core.sdk import (
    CommunityBlueprint,
    Filter,
    Period,
    RollupBlueprint,
    api_doc,
    can,
    db,
    module_scope_clause,
    module_settings,
    parse_filters,
    register_ledgers,
    require,
    today,
)

from . import services
from .ledgers import LEDGERS, TABS, visits
from .models import EldercareVisit
from .services import EDIT, MODULE, VIEW

pages = CommunityBlueprint(MODULE, MODULE, __name__)  # /c/<community>/eldercare/…
api = CommunityBlueprint(MODULE, "eldercare_api", __name__, api=True)  # /api/v1/c/<community>/…
rollup = RollupBlueprint(MODULE, "eldercare_rollup", __name__, api=True)  # /api/v1/r/<node>/…

register_ledgers(LEDGERS, pages=pages, api=api)

YEAR = Filter("year", "year", _l("Year"))


@pages.get("/")
def index() -> Any:
    """This month in the community: each elder's visits against the community's target."""
    require(VIEW)
    community = g.community
    target = module_settings(db.session, community.id, MODULE)["visits_per_month"]
    return render_template(
        "eldercare/index.html",
        ledger=visits,
        tabs=TABS,
        summary=services.month_summary(db.session, community.id, target, today()),
        target=target,
        can_edit=can(EDIT, community.path) and not community.is_archived,
    )


@rollup.get("/summary")
@api_doc(
    "Visits and elders visited per community under a street or district, for a year",
    tags=[MODULE],
    parameters=[YEAR.openapi()],  # the path's <node> is documented from the URL rule
)
def api_summary() -> Any:
    require(VIEW)
    year = parse_filters([YEAR], request.args).get("year", today().year)  # a 422 if not a year
    clause = module_scope_clause(EldercareVisit, VIEW)
    items = services.rollup(db.session, clause, Period.year(year))
    return jsonify(
        {
            "node": g.node.ref,
            "year": year,
            "items": items,
            "visits": sum(i["visits"] for i in items),
        }
    )
