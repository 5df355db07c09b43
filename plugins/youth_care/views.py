"""The youth-care ledgers on the module's blueprints, the overview and the children picker.

The ledgers' generated views require the permission each needs (403) and load records through
the community's clause, so another community's record is a 404."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, render_template, request

from core.permissions import current_scope
from core.sdk import api_doc, can, db, inspection_routes, register_ledgers, require
from plugins.registry.services import resident_label, search_residents

from .activities.ledgers import LEDGERS as ACTIVITY_LEDGERS
from .assistance.ledgers import LEDGERS as ASSISTANCE_LEDGERS
from .campaigns import CAMPAIGNS
from .campaigns import LEDGERS as CAMPAIGN_LEDGERS
from .children.candidates import candidates
from .children.ledgers import LEDGERS as CHILD_LEDGERS
from .common import EDIT, SENSITIVE, VIEW, today
from .elders import views as elder_views  # noqa: F401 - a volunteer's own children and visits
from .elders.ledgers import LEDGERS as ELDER_LEDGERS
from .figures import community_summary
from .pairings.ledgers import LEDGERS as PAIRING_LEDGERS
from .programmes import views as programme_views  # noqa: F401 - the sign-in sheet
from .programmes.ledgers import LEDGERS as PROGRAMME_LEDGERS
from .venues.ledgers import LEDGERS as VENUE_LEDGERS
from .venues.rules import VENUE_CHECKS
from .visits import CHILD_VISITS
from .visits import LEDGERS as VISIT_LEDGERS
from .web import api, pages, rollup, rollup_api

LEDGERS = [
    *CHILD_LEDGERS,
    *PAIRING_LEDGERS,
    *ASSISTANCE_LEDGERS,
    *PROGRAMME_LEDGERS,
    *ACTIVITY_LEDGERS,
    *VENUE_LEDGERS,
    *VISIT_LEDGERS,
    *CAMPAIGN_LEDGERS,
    *ELDER_LEDGERS,
]
register_ledgers(LEDGERS, pages=pages, api=api)
CHILD_VISITS.register(pages=pages, api=api)
# Campaigns' progress per community at a street or district: counts, never names.
CAMPAIGNS.register(pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)
# The checklist templates and referrals (移交) of the venue checks: /checklists, /referrals/….
REFERRALS = inspection_routes(
    VENUE_CHECKS, pages, api
)  # no roll-up: children are never listed above


@pages.get("/")
def index() -> Any:
    """The community's youth-care overview: the figures of the year and what is due."""
    require(VIEW)
    return render_template(
        "youth_care/index.html",
        summary=community_summary(db.session, g.community),
        can_edit=can(EDIT, g.community.path) and not g.community.is_archived,
    )


@api.get("/picker/children")
@api_doc(
    "Search residents of the community for a child's picker: ?q= name prefix or ID suffix; "
    "20 at most, masked",
    tags=["youth_care"],
)
def api_picker_children() -> Any:
    require(VIEW)
    found = search_residents(db.session, current_scope(), request.args.get("q", ""), g.community)
    return jsonify({"items": [{"id": r.id, "label": resident_label(r)} for r in found]})


@pages.get("/candidates")
def candidates_page() -> Any:
    """应纳未纳: the registry's minors who may need care and are not on the ledger."""
    require(SENSITIVE)
    return render_template(
        "youth_care/candidates.html",
        items=candidates(db.session, g.community, today()),
        can_edit=can(EDIT, g.community.path) and not g.community.is_archived,
    )


@api.get("/candidates")
@api_doc(
    "应纳未纳: minors of the registry with a reason for care (低保 household, disability, left "
    "behind) and not on the ledger; needs youth_care.sensitive.view (the reasons are S3)",
    tags=["youth_care"],
)
def api_candidates() -> Any:
    require(SENSITIVE)
    return jsonify({"items": candidates(db.session, g.community, today())})
