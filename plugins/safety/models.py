"""The safety ledgers' tables (all prefixed ``safety_``), gathered from their sub-areas.

Publicity activities are core's activity records (``core_activity``, module ``safety``).

Every row is tenant-owned: its node is where it happened (the enterprise's node, a building, or
the community), so ``community_id``/``street_id``/``district_id`` are indexed keys for every list
and roll-up. Each sub-area keeps its tables in its own package (``hazards/models.py`` …); this
module gathers them all, for ``jiedao_models`` and for code that reads another area's table.

Enumerations are stored as short English keys; their labels live beside the rules.
"""

from __future__ import annotations

from .accidents.models import SafetyAccident
from .enterprises.models import SafetyEnterprise, SafetyHazardSource
from .hazards.models import SafetyHazard, SafetyHazardEvent
from .inspections.models import SafetyInspection
from .key_posts.models import SafetyKeyPost
from .training.models import SafetyTrainee, SafetyTraining

__all__ = [
    "SafetyAccident",
    "SafetyEnterprise",
    "SafetyHazard",
    "SafetyHazardEvent",
    "SafetyHazardSource",
    "SafetyInspection",
    "SafetyKeyPost",
    "SafetyTrainee",
    "SafetyTraining",
]
