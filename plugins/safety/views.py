"""The safety module's ledgers on its blueprints, and the community's safety overview.

The blueprints (``web.py``) are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``:
before any view runs they check that the plugin is active, that the user holds one of its
permissions at the place and, for a community, that the module is on there (404 otherwise).
The ledgers' generated views then require the permission each needs (403) and load records only
through the community's or the scope's clause, so another community's record is a 404. Each
sub-area's own routes are in its ``views.py``, imported here so that they are registered.
"""

from __future__ import annotations

from typing import Any

from flask import g, render_template

from core.db import db
from core.permissions import can
from core.sdk import register_ledgers, require

from .accidents.ledgers import LEDGERS as ACCIDENT_LEDGERS
from .activities.ledgers import LEDGERS as ACTIVITY_LEDGERS
from .common import EDIT, VIEW
from .dashboard import views as dashboard_views  # noqa: F401 - the street dashboard
from .dashboard.figures import community_summary
from .enterprises.ledgers import LEDGERS as ENTERPRISE_LEDGERS
from .hazards import views as hazard_views  # noqa: F401 - the notice, the timeline
from .hazards.ledgers import LEDGERS as HAZARD_LEDGERS
from .hazards.ledgers import hazard_context, hazards
from .inspections.ledgers import LEDGERS as INSPECTION_LEDGERS
from .key_posts.ledgers import LEDGERS as KEY_POST_LEDGERS
from .models import SafetyHazard
from .training import views as training_views  # noqa: F401 - trainees, certificates
from .training.ledgers import LEDGERS as TRAINING_LEDGERS
from .visits import ENTERPRISE_VISITS
from .visits import LEDGERS as VISIT_LEDGERS
from .web import api, pages, rollup, rollup_api

LEDGERS = [
    *ENTERPRISE_LEDGERS,
    *INSPECTION_LEDGERS,
    *HAZARD_LEDGERS,
    *TRAINING_LEDGERS,
    *KEY_POST_LEDGERS,
    *ACCIDENT_LEDGERS,
    *ACTIVITY_LEDGERS,
    *VISIT_LEDGERS,
]
register_ledgers(LEDGERS, pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)
ENTERPRISE_VISITS.register(pages=pages, api=api, rollup=rollup)


@pages.get("/")
def index() -> Any:
    """The community's safety overview: what is overdue first, then the figures of the year."""
    require(VIEW)
    here = SafetyHazard.community_id == g.community.id
    overdue = db.session.scalars(
        hazards.filtered(db.session, here, {"overdue": True}).limit(20)
    ).all()
    return render_template(
        "safety/index.html",
        overdue=overdue,
        summary=community_summary(db.session, g.community),
        can_edit=can(EDIT, g.community.path) and not g.community.is_archived,
        ledger=hazards,
        **hazard_context(),
    )
