"""The module's ledgers on its blueprints, the community overview, the candidate list
(应建未建) and the proposed exits.

The blueprints are the platform's ``CommunityBlueprint``/``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place and, for a community, that the module is on there (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, render_template, request

from core.db import db
from core.figures import parse_period
from core.permissions import can, current_scope
from core.sdk import (
    CommunityBlueprint,
    RollupBlueprint,
    api_doc,
    module_scope_clause,
    register_ledgers,
    require,
)
from plugins.registry.services import resident_label, search_residents

from . import campaign
from .births.ledgers import children
from .changes import births_to_file
from .common import EDIT, MODULE, TABS, VIEW, settings, today
from .ledgers import LEDGERS
from .visits.ledgers import VISITS
from .women import candidates as derive
from .women.ledgers import women
from .women.rules import EXIT_REASONS

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, f"{MODULE}_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, f"{MODULE}_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, f"{MODULE}_rollup_api", __name__, api=True)

register_ledgers(LEDGERS, pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)
VISITS.register(pages=pages, api=api, rollup=rollup)


def _derived() -> dict[str, Any]:
    community, day = g.community, today()
    exit_age = settings(db.session, community)["exit_age"]
    return {
        "candidates": derive.candidates(db.session, community.id, day),
        "exits": derive.proposed_exits(db.session, community.id, day, exit_age),
        "births": births_to_file(db.session, community.id, day),
    }


def _page(template: str, **more: Any) -> Any:
    require(VIEW)
    return render_template(
        template,
        tabs=TABS,
        ledger=women,
        children=children,
        can_edit=can(EDIT, g.community.path) and not g.community.is_archived,
        exit_reasons=EXIT_REASONS,
        **_derived(),
        **more,
    )


@pages.get("/")
def index() -> Any:
    """The community's overview: women to file and cards to close first."""
    return _page("family_planning/index.html")


@pages.get("/candidates")
def candidates() -> Any:
    """应建未建: women the registry says qualify, with a link that files each."""
    return _page("family_planning/candidates.html")


@api.get("/candidates")
@api_doc(
    "应建未建 (women to file), the proposed exits and the births in the registry not yet filed",
    tags=[MODULE],
)
def api_candidates() -> Any:
    """应建未建, the proposed exits and the births to file, as JSON (ids, names, reasons)."""
    require(VIEW)
    found = _derived()
    return jsonify(
        {
            "candidates": [{"resident_id": r.id, "name": r.name} for r in found["candidates"]],
            "exits": [
                {"id": card.id, "name": card.resident.name, "reason": why}
                for card, why in found["exits"]
            ],
            "births": [
                {"resident_id": r.id, "name": r.name, "born_on": r.birth_date.isoformat()}
                for r in found["births"]
            ],
        }
    )


@api.get("/picker/residents")
@api_doc(
    "Search residents for the module's pickers: ?q= name prefix or ID suffix; 20 at most, masked",
    tags=[MODULE],
    parameters=[{"in": "query", "name": "q", "schema": {"type": "string"}}],
)
def api_picker_residents() -> Any:
    """The residents the user sees in the registry, this community's first."""
    require(VIEW)
    found = search_residents(db.session, current_scope(), request.args.get("q", ""), g.community)
    return jsonify({"items": [{"id": r.id, "label": resident_label(r)} for r in found]})


@rollup_api.get("/campaign")
@api_doc(
    "集中服务活动: each staff member's days out and families visited under the street or district "
    "in ?period= (this year by default); a street cadre meets the quota with 20 days and 100 "
    "families",
    tags=[MODULE],
    parameters=[{"in": "query", "name": "period", "schema": {"type": "string"}}],
)
def api_campaign() -> Any:
    """The campaign's quotas of the street cadres, person by person."""
    require(VIEW)
    period, label = parse_period(request.args)
    visible = module_scope_clause(VISITS.ledger.model, VIEW)
    return jsonify(
        {
            "period": label,
            "quota": {"days": campaign.CADRE_DAYS, "families": campaign.CADRE_FAMILIES},
            "items": campaign.street_cadres(db.session, g.node, period, visible),
        }
    )
