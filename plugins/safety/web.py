"""The safety module's four blueprints and the tabs between its ledgers.

Every sub-area adds its own routes to these blueprints (``<area>/views.py``) and its ledgers to
``views.LEDGERS``; the blueprints check that the module is active and on at the place before any
view runs (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask_babel import lazy_gettext as _l

from core.activities import activity_photo_owner
from core.attachments import IMAGES, attachment_routes
from core.sdk import inspection_routes
from tenants.modules import CommunityBlueprint, RollupBlueprint

from .common import EDIT, MODULE, VIEW
from .inspections.checklists import SAFETY_INSPECTIONS
from .models import SafetyHazard, SafetyInspection

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, "safety_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, "safety_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, "safety_rollup_api", __name__, api=True)

COMMUNITY = [{"in": "path", "name": "community", "required": True, "schema": {"type": "string"}}]


# --- photos: the platform's attachments --------------------------------------------------------

# Upload, serve and delete pages and API (``/<owners>/<id>/photos``, ``/photos/<id>``), with
# endpoints upload_photo, photo, delete_photo, api_photos, api_upload_photo, api_delete_photo.
PHOTOS = attachment_routes(
    pages,
    api,
    owners={
        "inspections": (SafetyInspection, "safety.inspection", VIEW, EDIT),
        "hazards": (SafetyHazard, "safety.hazard", VIEW, EDIT),
        "activities": activity_photo_owner(MODULE, VIEW, EDIT),  # core_activity rows
    },
    name="photo",
    field="photo",
    types=IMAGES,
)

# Core's checklist templates, rounds with their ranking and 通报, and referrals (移交) of an
# inspection or a hazard: /checklists, /inspection-rounds, /referrals/<inspections|hazards>/<id>.
REFERRALS = inspection_routes(
    SAFETY_INSPECTIONS, pages, api, referral_owners={"hazards": (SafetyHazard, "safety.hazard")}
)


# The tabs between the community's safety ledgers, by endpoint.
TABS = {
    "safety.index": _l("Overview"),
    "safety.enterprises": _l("Enterprises"),
    "safety.inspections": _l("Inspections"),
    "safety.hazards": _l("Hidden dangers"),
    "safety.trainings": _l("Training"),
    "safety.key_posts": _l("Key-post staff"),
    "safety.accidents": _l("Accidents"),
    "safety.activities": _l("Activities"),
    "safety.visits": _l("Enterprise visits"),
    "safety.visit_due": _l("Visits due"),
    "safety.checklists": _l("Checklists"),
    "safety.inspection_rounds": _l("Inspection rounds"),
}


@pages.context_processor
def safety_tabs() -> dict[str, Any]:
    """The tabs between the community's safety ledgers, as the generated ledger pages and the
    overview (``safety/_nav.html``) take them: those whose views are registered."""
    return {"tabs": [tab for tab in TABS.items() if tab[0] in current_app.view_functions]}


def records_of(ledger: Any, **filters: Any) -> list[Any]:
    """The community's records of ``ledger`` with ``filters`` (the first 50, in the ledger's
    order), for another record's page: an enterprise's hazards, an inspection's findings."""
    from core.db import db

    stmt = ledger.filtered(db.session, ledger.model.community_id == g.community.id, filters)
    return db.session.scalars(stmt.limit(50)).all()
