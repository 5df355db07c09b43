"""The family-planning tables (all prefixed ``family_planning_``), gathered from their
sub-areas for ``jiedao_models`` and for code that reads another area's table.

Every row is tenant-owned: its node is the subject's building (else the community), so
``community_id``/``street_id``/``district_id`` are indexed keys for every list and roll-up.
Enumerations are stored as short English keys; their labels live beside the rules.
"""

from __future__ import annotations

import sys

from .benefits.models import FpProgram, FpRoll, FpRollEvent, FpRollLine, FpRollObjection
from .births.models import FpBirthReg, FpBirthRegEvent, FpChild
from .families.models import FpFamily, FpFamilyEvent
from .supplies.models import FpStockTake, FpSupplyItem, FpSupplyMove
from .women.models import FpWoman

__all__ = [
    "FpBirthReg",
    "FpBirthRegEvent",
    "FpChild",
    "FpFamily",
    "FpFamilyEvent",
    "FpProgram",
    "FpRoll",
    "FpRollEvent",
    "FpRollLine",
    "FpRollObjection",
    "FpStockTake",
    "FpSupplyItem",
    "FpSupplyMove",
    "FpWoman",
]

# What ``jiedao_models`` answers: this module, which imports every sub-area's tables.
MODULES = [sys.modules[__name__]]
