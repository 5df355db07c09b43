"""Every family-planning ledger, in the order the tabs show them."""

from __future__ import annotations

from .activities.ledgers import LEDGERS as ACTIVITY_LEDGERS
from .benefits.ledgers import LEDGERS as BENEFIT_LEDGERS
from .births.ledgers import LEDGERS as BIRTH_LEDGERS
from .families.ledgers import LEDGERS as FAMILY_LEDGERS
from .supplies.ledgers import LEDGERS as SUPPLY_LEDGERS
from .visits.ledgers import LEDGERS as VISIT_LEDGERS
from .women.ledgers import LEDGERS as WOMAN_LEDGERS

LEDGERS = [
    *WOMAN_LEDGERS,
    *BIRTH_LEDGERS,
    *FAMILY_LEDGERS,
    *BENEFIT_LEDGERS,
    *ACTIVITY_LEDGERS,
    *VISIT_LEDGERS,
    *SUPPLY_LEDGERS,
]
