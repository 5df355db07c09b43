"""The module's blueprints: 普法 and 人民调解 on ``pages``/``api`` (and the street's roll-up),
安置帮教 on a compartment of its own (``care_pages``/``care_api``, same URLs under
``/c/<community>/legal_publicity/``): 404 without ``legal_publicity.resettlement.view``,
every access audited."""

from __future__ import annotations

from core.compartments import compartment
from core.sdk import CommunityBlueprint, RollupBlueprint

from .common import MODULE, RESETTLEMENT_VIEW

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, f"{MODULE}_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, f"{MODULE}_rollup", __name__)
rollup_api = RollupBlueprint(MODULE, f"{MODULE}_rollup_api", __name__, api=True)

care_pages = CommunityBlueprint(MODULE, f"{MODULE}_care", __name__)
care_api = CommunityBlueprint(MODULE, f"{MODULE}_care_api", __name__, api=True)
for blueprint in (care_pages, care_api):
    compartment(blueprint, RESETTLEMENT_VIEW, audit_as="legal_publicity.resettled.access")
