"""The environment module's four blueprints, its photos and scans, core's inspection pages
(checklists, rounds with their ranking and 通报, referrals) and the tabs between its ledgers."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.attachments import IMAGES_AND_PDF, attachment_routes
from core.sdk import activity_photo_owner, inspection_routes
from tenants.modules import CommunityBlueprint, RollupBlueprint

from .common import EDIT, MODULE, VIEW
from .inspections.checklists import ENV_INSPECTIONS
from .models import EnvironmentInspection, EnvironmentIssue, EnvironmentLetter, EnvironmentTank

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, f"{MODULE}_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, f"{MODULE}_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, f"{MODULE}_rollup_api", __name__, api=True)

# Photos before and after (issues), of a scoring (inspections), signed letters' scans and
# water-quality reports: ``/<owners>/<id>/photos``, ``/photos/<id>``.
PHOTOS = attachment_routes(
    pages,
    api,
    owners={
        "inspections": (EnvironmentInspection, "environment.inspection", VIEW, EDIT),
        "issues": (EnvironmentIssue, "environment.issue", VIEW, EDIT),
        "letters": (EnvironmentLetter, "environment.letter", VIEW, EDIT),
        "tanks": (EnvironmentTank, "environment.tank", VIEW, EDIT),
        "activities": activity_photo_owner(MODULE, VIEW, EDIT),
    },
    name="photo",
    field="photo",
    types=IMAGES_AND_PDF,
    kinds={"before": _l("Before rectification"), "after": _l("After rectification")},
)

REFERRALS = inspection_routes(
    ENV_INSPECTIONS,
    pages,
    api,
    referral_owners={"issues": (EnvironmentIssue, "environment.issue")},
)

TABS = {
    "environment.index": _l("Overview"),
    "environment.areas": _l("Areas"),
    "environment.inspections": _l("Sanitation checks"),
    "environment.inspection_rounds": _l("Inspection rounds"),
    "environment.assessments": _l("Property assessments"),
    "environment.issues": _l("Issues"),
    "environment.letters": _l("Frontage letters"),
    "environment.sorting": _l("Garbage sorting"),
    "environment.complaints": _l("Complaints"),
    "environment.tanks": _l("Water tanks"),
    "environment.activities": _l("Health activities"),
    "environment.selections": _l("Selections"),
    "environment.checklists": _l("Checklists"),
}


@pages.context_processor
def environment_tabs() -> dict[str, Any]:
    """The tabs between the community's environment ledgers whose views are registered."""
    return {"tabs": [tab for tab in TABS.items() if tab[0] in current_app.view_functions]}
