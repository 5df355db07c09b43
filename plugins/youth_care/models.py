"""The youth-care tables (all prefixed ``youth_care_``), gathered from their sub-areas.

Activities and the parents' school are core's activity records (``core_activity``), visits
core's visit log (``core_visit``), the 五老 and volunteers core's register (``core_volunteer``).
Every row is tenant-owned at the child's place (its registry resident's building) or the
community; enumerations are stored as short English keys, their labels beside the rules."""

from __future__ import annotations

from .assistance.models import YouthCareAssistance, YouthCareAssistanceEvent
from .children.models import YouthCareChild, YouthCareChildEvent
from .elders.models import YouthCareElderAccount
from .pairings.models import YouthCarePairing, YouthCarePairingEvent
from .programmes.models import YouthCareEnrolment, YouthCareProgramme, YouthCareSession
from .venues.models import YouthCareVenueCheck

__all__ = [
    "YouthCareAssistance",
    "YouthCareAssistanceEvent",
    "YouthCareChild",
    "YouthCareChildEvent",
    "YouthCareElderAccount",
    "YouthCareEnrolment",
    "YouthCarePairing",
    "YouthCarePairingEvent",
    "YouthCareProgramme",
    "YouthCareSession",
    "YouthCareVenueCheck",
]
