"""The youth-care module's blueprints and the tabs between its ledgers.

The blueprints check that the module is active and on at the place, and that the user holds one
of its permissions there, before any view runs (404 otherwise). There is no roll-up of the
ledgers or the due list: children are never listed at a street or district, which read the
indicators and the campaigns' progress per community (counts only).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.attachments import IMAGES_AND_PDF, Owner, attachment_routes
from core.sdk import CommunityBlueprint, RollupBlueprint

from .assistance.models import RECEIPT_OWNER, YouthCareAssistance
from .common import EDIT, MODULE, SENSITIVE

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, "youth_care_api", __name__, api=True)
# Read-only views over a street or district: counts only (the campaigns' progress).
rollup = RollupBlueprint(MODULE, f"{MODULE}_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, f"{MODULE}_rollup_api", __name__, api=True)

# The guardian's signed receipts of assistance (签收单, a scan or photo): S3, opened only with
# youth_care.sensitive.view and each opening audited; a worker who keeps the ledger uploads
# them. ``/assistance/<id>/receipts``, ``/receipts/<id>``.
RECEIPTS = attachment_routes(
    pages,
    api,
    owners={"assistance": Owner(YouthCareAssistance, RECEIPT_OWNER, SENSITIVE, EDIT, audited=True)},
    name="receipt",
    field="receipt",
    types=IMAGES_AND_PDF,
)

TABS = {
    "youth_care.index": _l("Overview"),
    "youth_care.children": _l("Children in care"),
    "youth_care.candidates_page": _l("Care candidates"),
    "youth_care.visit_due": _l("Visits due"),
    "youth_care.visits": _l("Visits"),
    "youth_care.campaigns": _l("Visit campaigns"),
    "youth_care.pairings": _l("Pairings"),
    "youth_care.assistance_records": _l("Assistance"),
    "youth_care.programmes": _l("Programmes"),
    "youth_care.activities": _l("Activities and parents' school"),
    "youth_care.venue_checks": _l("Internet café checks"),
}


@pages.context_processor
def youth_care_tabs() -> dict[str, Any]:
    """The tabs of the module's pages whose views are registered."""
    registered = current_app.view_functions
    return {
        "tabs": [(endpoint, label) for endpoint, label in TABS.items() if endpoint in registered]
    }
