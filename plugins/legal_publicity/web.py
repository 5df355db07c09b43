"""The module's blueprints. 安置帮教 is a compartment of them (``core.compartments``): its
register and visits (``/resettled``, ``/care_visits``, ``/assignments``, ``/corrections``,
``/correction_visits``) answer 404 without
``legal_publicity.resettlement.view`` and every access is audited."""

from __future__ import annotations

from core.compartments import compartment
from core.sdk import CommunityBlueprint, RollupBlueprint

from .common import MODULE, RESETTLEMENT_VIEW

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, f"{MODULE}_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, f"{MODULE}_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, f"{MODULE}_rollup_api", __name__, api=True)

# The resettlement register's URL segments: its ledgers, its visits and their assignments, and
# the 社区矫正 协助 record with its visits.
CARE_SEGMENTS = (
    "resettled",
    "care_visits",
    "assignments",
    "corrections",
    "correction_visits",
)
for blueprint in (pages, api):
    compartment(
        blueprint, RESETTLEMENT_VIEW, CARE_SEGMENTS, audit_as="legal_publicity.resettled.access"
    )
